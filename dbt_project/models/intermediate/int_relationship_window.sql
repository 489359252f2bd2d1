{#- One row: the observation period of the exports and the knobs of the tier 2 relationship
    marts, resolved from the dbt vars (DECISIONLOG.md, "Tier 2: customer value and churn").
    `as_of` splits the history: the perceived-empathy segment uses only signals dated on or
    before it (from segment_window_start), outcomes are counted after it up to
    outcome_window_end. Exports without any date (e.g. IBM telco churn) give a null as_of:
    segments then use every signal and are flagged not time-ordered. -#}
{%- set outcome_days = var('relationship_outcome_window_days') | int %}
{%- set lookback_days = var('segment_lookback_days') | int %}
with orders as (
    select * from {{ ref('stg_crm__orders') }}
),

event_dates as (
    select cast(ordered_at as date) as event_date from orders
    union all
    select cast(opened_at as date) from {{ ref('stg_crm__interactions') }}
    union all
    select cast(cancelled_at as date) from {{ ref('stg_crm__cancellations') }}
    union all
    select response_date from {{ ref('stg_surveys__survey_responses') }}
    union all
    select response_date from {{ ref('stg_surveys__exit_surveys') }}
),

bounds as (
    select min(event_date) as observation_start, max(event_date) as observation_end
    from event_dates
),

order_days as (
    select distinct customer_id, cast(ordered_at as date) as order_date
    from orders
),

gaps as (
    select {{ dbt.datediff('previous_order_date', 'order_date', 'day') }} as gap_days
    from (
        select
            order_date,
            lag(order_date) over (partition by customer_id order by order_date) as previous_order_date
        from order_days
    ) as ordered
    where previous_order_date is not null
),

cadence as (
    select
        percentile_cont(0.5) within group (order by gap_days) as median_gap_days,
        count(*) as n_gaps
    from gaps
),

sources as (
    select
        (select count(*) from {{ ref('stg_crm__cancellations') }}) as n_cancellations,
        (select count(is_churned) from {{ ref('stg_crm__customers') }}) as n_churn_flags,
        (select count(*) from orders) as n_orders
),

resolved as (
    select
        bounds.observation_start,
        bounds.observation_end,
{%- if var('relationship_as_of') %}
        cast('{{ var("relationship_as_of") }}' as date) as as_of,
{%- else %}
        cast({{ dbt.dateadd('day', -outcome_days, 'bounds.observation_end') }} as date) as as_of,
{%- endif %}
        cadence.median_gap_days,
        cast(cadence.n_gaps as {{ dbt.type_bigint() }}) as n_order_gaps,
        cast(sources.n_cancellations as {{ dbt.type_bigint() }}) as n_cancellations,
        cast(sources.n_churn_flags as {{ dbt.type_bigint() }}) as n_churn_flags,
        cast(sources.n_orders as {{ dbt.type_bigint() }}) as n_orders,
        {%- set definition = var('churn_definition') %}
        {%- if definition == 'auto' %}
        case
            when sources.n_cancellations > 0 or sources.n_churn_flags > 0 then 'contractual'
            when sources.n_orders > 0 then 'non_contractual'
        end as churn_definition,
        {%- elif definition in ('contractual', 'non_contractual') %}
        '{{ definition }}' as churn_definition,
        {%- else %}
        {{ exceptions.raise_compiler_error("var churn_definition must be auto, contractual or non_contractual, not " ~ definition) }}
        {%- endif %}
{%- if var('churn_inactivity_days') %}
        cast({{ var('churn_inactivity_days') | int }} as {{ dbt.type_int() }}) as churn_inactivity_days
{%- else %}
        cast(greatest(30, ceil(3 * cadence.median_gap_days)) as {{ dbt.type_int() }}) as churn_inactivity_days
{%- endif %}
    from bounds
    cross join cadence
    cross join sources
)

select
    observation_start,
    observation_end,
    as_of,
    cast({{ dbt.dateadd('day', -lookback_days, 'as_of') }} as date) as segment_window_start,
    cast({{ dbt.dateadd('day', outcome_days, 'as_of') }} as date) as outcome_window_end,
    cast({{ outcome_days }} as {{ dbt.type_int() }}) as outcome_window_days,
    cast({{ lookback_days }} as {{ dbt.type_int() }}) as segment_lookback_days,
    median_gap_days,
    n_order_gaps,
    n_cancellations,
    n_churn_flags,
    n_orders,
    churn_definition,
    churn_inactivity_days,
    coalesce(churn_definition = 'non_contractual'
        or (churn_definition = 'contractual' and n_cancellations > 0), false) as churn_is_dated
from resolved
