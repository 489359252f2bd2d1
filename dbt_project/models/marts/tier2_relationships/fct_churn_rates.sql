{#- Churn rate (share of customers who churned) with its 95% Wilson interval, by grain:
    overall, customer_segment (the business's own label, e.g. contract type), tenure_band:
      every customer, churned by the end of the exports (population 'all_customers');
    empathy_segment, felt_understood: customers still active at as_of, churned within the
      outcome window after it, so the segment predates the outcome ('active_at_as_of'); for
      undated exports (no as_of) every customer ('all_customers', not time-ordered);
    month: customers active at the start of the month who churned during it
      ('active_at_month_start'; needs churn dates; up to 1,000 months). -#}
{#- Without an as_of date, or without churn dates (a churned flag only), churn by segment
    falls back to every customer, churned by the end of the exports. -#}
{%- set undated = "(window_.as_of is null or not window_.churn_is_dated)" %}
with customers as (
    select * from {{ ref('fct_customer_value') }}
    where is_churned is not null
),

window_ as (
    select * from {{ ref('int_relationship_window') }}
),

digits as (
    {%- for d in range(10) %}
    select {{ d }} as d{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

{%- set first_month = dbt.date_trunc('month', 'window_.observation_start') %}
{%- set month_n = dbt.dateadd('month', 'offsets.n', first_month) %}

offsets as (
    select units.d + 10 * tens.d + 100 * hundreds.d as n
    from digits as units
    cross join digits as tens
    cross join digits as hundreds
),

months as (
    select cast({{ month_n }} as date) as month_start
    from offsets
    cross join window_
    where {{ month_n }} <= window_.observation_end
),

outcomes as (
    {%- for grain, column in [('overall', "'overall'"), ('customer_segment', "coalesce(customer_segment, 'unknown')"), ('tenure_band', 'tenure_band')] %}
    select
        '{{ grain }}' as grain, {{ column }} as grain_value, cast(null as date) as period_start,
        'all_customers' as population, window_.observation_start as window_start,
        window_.observation_end as window_end, is_churned as churned
    from customers cross join window_
    union all
    {%- endfor %}
    {%- for grain, column in [('empathy_segment', 'empathy_segment'), ('felt_understood', 'felt_understood_segment')] %}
    select
        '{{ grain }}', {{ column }}, cast(null as date),
        case when {{ undated }} then 'all_customers' else 'active_at_as_of' end,
        case when {{ undated }} then window_.observation_start else window_.as_of end,
        case when {{ undated }} then window_.observation_end else window_.outcome_window_end end,
        case when {{ undated }} then is_churned else churned_in_outcome_window end
    from customers cross join window_
    where {{ undated }} or is_active_at_as_of
    union all
    {%- endfor %}
    select
        'month', cast(months.month_start as {{ dbt.type_string() }}), months.month_start,
        'active_at_month_start', months.month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start')) }} as date),
        customers.churned_date < cast({{ dbt.dateadd('month', 1, 'months.month_start') }} as date)
    from customers
    cross join window_
    inner join months
        on customers.first_seen_date < months.month_start
        and (customers.churned_date is null or customers.churned_date >= months.month_start)
    where window_.churn_is_dated
        and (customers.churned_date is not null or not customers.is_churned)
)

select
    outcomes.grain,
    outcomes.grain_value,
    outcomes.period_start,
    outcomes.population,
    window_.churn_definition,
    window_.churn_inactivity_days,
    outcomes.window_start,
    outcomes.window_end,
    cast(count(*) as {{ dbt.type_bigint() }}) as n_customers,
    {{ count_where('outcomes.churned') }} as n_churned,
    avg(case when outcomes.churned then 1 else 0 end) as churn_rate,
    {{ wilson_low(count_where('outcomes.churned'), 'count(*)') }} as churn_rate_ci_low,
    {{ wilson_high(count_where('outcomes.churned'), 'count(*)') }} as churn_rate_ci_high,
    count(*) >= {{ var('min_n_reportable') }} as is_reportable
from outcomes
cross join window_
group by
    outcomes.grain, outcomes.grain_value, outcomes.period_start, outcomes.population,
    window_.churn_definition, window_.churn_inactivity_days, outcomes.window_start, outcomes.window_end
