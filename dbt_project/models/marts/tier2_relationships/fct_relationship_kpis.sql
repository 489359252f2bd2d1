{#- The relationship-outcome KPIs of the empathy index, overall and by month:
    monthly_churn_rate: customers who churned in a month / customers active at its start
      (fct_churn_rates grain month); overall = pooled over every month (churned customer-months
      / customer-months at risk); 95% Wilson intervals.
    cltv_high_low_ratio: mean revenue per customer of the 'high' perceived-empathy segment /
      that of the 'low' segment (segments as of as_of), with a 95% delta-method interval;
      overall = historical CLTV (fct_cltv_by_segment); by month = revenue in the month of the
      customers active at its start. -#}
with churn as (
    select * from {{ ref('fct_churn_rates') }}
    where grain = 'month'
),

customers as (
    select * from {{ ref('fct_customer_value') }}
    where empathy_segment in ('high', 'low')
),

months as (
    select distinct period_start as month_start from churn
),

monthly_revenue as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as month_start,
        sum(amount) as revenue
    from {{ ref('stg_crm__orders') }}
    group by customer_id, cast({{ dbt.date_trunc('month', 'ordered_at') }} as date)
),

customer_months as (
    select
        months.month_start,
        customers.empathy_segment,
        coalesce(monthly_revenue.revenue, 0) as revenue
    from customers
    inner join months
        on customers.first_seen_date < months.month_start
        and (customers.churned_date is null or customers.churned_date >= months.month_start)
    left join monthly_revenue
        on customers.customer_id = monthly_revenue.customer_id
        and months.month_start = monthly_revenue.month_start
),

segment_months as (
    select
        month_start,
        empathy_segment,
        count(*) as n_customers,
        avg(revenue) as mean_value,
        var_samp(revenue) as value_variance
    from customer_months
    group by month_start, empathy_segment
),

value_gap as (
    select
        'month' as grain,
        cast(high.month_start as {{ dbt.type_string() }}) as grain_value,
        high.n_customers as n_high,
        low.n_customers as n_low,
        high.mean_value / nullif(low.mean_value, 0) as ratio,
        {{ ratio_bound('high.mean_value', 'high.value_variance', 'high.n_customers',
            'low.mean_value', 'low.value_variance', 'low.n_customers', 'low') }} as ratio_ci_low,
        {{ ratio_bound('high.mean_value', 'high.value_variance', 'high.n_customers',
            'low.mean_value', 'low.value_variance', 'low.n_customers', 'high') }} as ratio_ci_high
    from segment_months as high
    inner join segment_months as low
        on high.month_start = low.month_start and low.empathy_segment = 'low'
    where high.empathy_segment = 'high'
    union all
    select
        'overall',
        'overall',
        n_customers,
        reference_n_customers,
        ratio,
        ratio_ci_low,
        ratio_ci_high
    from {{ ref('fct_cltv_by_segment') }}
    where value_measure = 'historical_cltv' and segmentation = 'empathy_segment' and segment = 'high'
),

churn_rows as (
    select grain, grain_value, period_start, n_customers, n_churned
    from churn
    union all
    select 'overall', 'overall', cast(null as date), sum(n_customers), sum(n_churned)
    from churn
    having count(*) > 0
),

keys as (
    select grain, grain_value from churn_rows
    union
    select grain, grain_value from value_gap
)

select
    keys.grain,
    keys.grain_value,
    case when keys.grain = 'month' then cast(keys.grain_value as date) end as period_start,
    cast(churn_rows.n_customers as {{ dbt.type_bigint() }}) as n_customer_months,
    cast(churn_rows.n_churned as {{ dbt.type_bigint() }}) as n_churned,
    cast(churn_rows.n_churned as double) / nullif(churn_rows.n_customers, 0) as monthly_churn_rate,
    {{ wilson_low('churn_rows.n_churned', 'churn_rows.n_customers') }} as monthly_churn_rate_ci_low,
    {{ wilson_high('churn_rows.n_churned', 'churn_rows.n_customers') }} as monthly_churn_rate_ci_high,
    cast(value_gap.n_high as {{ dbt.type_bigint() }}) as n_high_segment,
    cast(value_gap.n_low as {{ dbt.type_bigint() }}) as n_low_segment,
    cast(least(value_gap.n_high, value_gap.n_low) as {{ dbt.type_bigint() }}) as n_cltv_customers,
    value_gap.ratio as cltv_high_low_ratio,
    value_gap.ratio_ci_low as cltv_high_low_ratio_ci_low,
    value_gap.ratio_ci_high as cltv_high_low_ratio_ci_high
from keys
left join churn_rows on keys.grain = churn_rows.grain and keys.grain_value = churn_rows.grain_value
left join value_gap on keys.grain = value_gap.grain and keys.grain_value = value_gap.grain_value
