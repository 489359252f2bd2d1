{#- One row per customer: historical CLTV (revenue and orders to the end of the exports,
    margin when exported), first and last order, tenure, churn under the configured
    definition, the perceived-empathy segment as of `as_of`, and the outcome window after it
    (revenue in the window, still a customer at as_of, churned in the window). -#}
with lifecycle as (
    select * from {{ ref('int_customer_lifecycle') }}
),

segments as (
    select * from {{ ref('fct_customer_empathy_segments') }}
),

window_ as (
    select * from {{ ref('int_relationship_window') }}
),

orders_after as (
    select orders.customer_id, sum(orders.amount) as revenue_after_as_of
    from {{ ref('stg_crm__orders') }} as orders
    cross join window_
    where cast(orders.ordered_at as date) > window_.as_of
        and cast(orders.ordered_at as date) <= window_.outcome_window_end
    group by orders.customer_id
)

select
    lifecycle.customer_id,
    lifecycle.customer_segment,
    lifecycle.n_orders,
    lifecycle.revenue as historical_cltv,
    lifecycle.margin as historical_margin,
    lifecycle.average_order_value,
    lifecycle.first_order_at,
    lifecycle.last_order_at,
    lifecycle.first_seen_date,
    lifecycle.tenure_months,
    case
        when lifecycle.tenure_months is null then 'unknown'
        when lifecycle.tenure_months < 6 then '00-05 months'
        when lifecycle.tenure_months < 12 then '06-11 months'
        when lifecycle.tenure_months < 24 then '12-23 months'
        when lifecycle.tenure_months < 48 then '24-47 months'
        else '48+ months'
    end as tenure_band,
    lifecycle.reported_cltv,
    lifecycle.churn_definition,
    lifecycle.is_churned,
    lifecycle.churned_date,
    lifecycle.churned_at,
    lifecycle.churn_reason,
    lifecycle.churn_category,
    segments.empathy_segment,
    segments.felt_understood_segment,
    window_.as_of,
    window_.outcome_window_end,
    case
        when window_.as_of is null or lifecycle.is_churned is null then null
        else lifecycle.first_seen_date <= window_.as_of
            and (lifecycle.churned_date is null or lifecycle.churned_date > window_.as_of)
            and (lifecycle.churned_date is not null or not lifecycle.is_churned)
    end as is_active_at_as_of,
    lifecycle.churned_date > window_.as_of
        and lifecycle.churned_date <= window_.outcome_window_end as churned_in_outcome_window,
    case when window_.as_of is not null then coalesce(orders_after.revenue_after_as_of, 0) end
        as revenue_in_outcome_window
from lifecycle
cross join window_
left join segments on lifecycle.customer_id = segments.customer_id
left join orders_after on lifecycle.customer_id = orders_after.customer_id
