{#- One row per customer known to any CRM or survey export: orders and revenue (historical
    CLTV), first and last activity, tenure, and churn under the resolved churn definition
    (int_relationship_window): contractual = a cancellation record or the CRM's own churned
    flag; non-contractual = no order for churn_inactivity_days before the end of the
    observation (churned_at = last order + that many days). -#}
with window_ as (
    select * from {{ ref('int_relationship_window') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

interactions as (
    select * from {{ ref('stg_crm__interactions') }}
),

cancellations as (
    select
        customer_id,
        cancelled_at,
        reason,
        row_number() over (partition by customer_id order by cancelled_at desc) as cancellation_rank
    from {{ ref('stg_crm__cancellations') }}
),

ids as (
    select customer_id from customers
    union
    select customer_id from orders
    union
    select customer_id from cancellations
    union
    select customer_id from interactions where customer_id is not null
),

order_totals as (
    select
        customer_id,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_orders,
        sum(amount) as revenue,
        sum(margin) as margin,
        count(margin) as n_orders_with_margin,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at
    from orders
    group by customer_id
),

contacts as (
    select customer_id, min(opened_at) as first_contact_at
    from interactions
    group by customer_id
),

joined as (
    select
        ids.customer_id,
        customers.segment as customer_segment,
        customers.signed_up_at,
        customers.tenure_months as reported_tenure_months,
        customers.is_churned as reported_is_churned,
        customers.churn_reason as reported_churn_reason,
        customers.churn_category as reported_churn_category,
        customers.reported_cltv,
        coalesce(order_totals.n_orders, 0) as n_orders,
        coalesce(order_totals.revenue, 0) as revenue,
        case when order_totals.n_orders_with_margin > 0 then order_totals.margin end as margin,
        order_totals.first_order_at,
        order_totals.last_order_at,
        cast(coalesce(
            customers.signed_up_at,
            least(coalesce(order_totals.first_order_at, contacts.first_contact_at),
                  coalesce(contacts.first_contact_at, order_totals.first_order_at))
        ) as date) as first_seen_date,
        cancellations.cancelled_at,
        cancellations.reason as cancellation_reason,
        window_.churn_definition,
        window_.churn_inactivity_days,
        window_.observation_end
    from ids
    left join customers on ids.customer_id = customers.customer_id
    left join order_totals on ids.customer_id = order_totals.customer_id
    left join contacts on ids.customer_id = contacts.customer_id
    left join cancellations
        on ids.customer_id = cancellations.customer_id and cancellations.cancellation_rank = 1
    cross join window_
),

churn as (
    select
        *,
        case
            when churn_definition = 'contractual'
                then cancelled_at is not null or coalesce(reported_is_churned, false)
            when churn_definition = 'non_contractual' and last_order_at is not null
                then cast({{ dbt.dateadd('day', 'churn_inactivity_days', 'last_order_at') }} as date)
                    <= observation_end
        end as is_churned,
        case
            when churn_definition = 'contractual' then cast(cancelled_at as date)
            when churn_definition = 'non_contractual'
                and cast({{ dbt.dateadd('day', 'churn_inactivity_days', 'last_order_at') }} as date)
                    <= observation_end
                then cast({{ dbt.dateadd('day', 'churn_inactivity_days', 'last_order_at') }} as date)
        end as churned_date,
        case
            when churn_definition = 'contractual' then cancelled_at
            when churn_definition = 'non_contractual'
                and cast({{ dbt.dateadd('day', 'churn_inactivity_days', 'last_order_at') }} as date)
                    <= observation_end
                then cast(cast({{ dbt.dateadd('day', 'churn_inactivity_days', 'last_order_at') }} as date)
                    as {{ dbt.type_timestamp() }})
        end as churned_at
    from joined
)

select
    customer_id,
    customer_segment,
    n_orders,
    revenue,
    margin,
    first_order_at,
    last_order_at,
    case when n_orders > 0 then revenue / n_orders end as average_order_value,
    reported_cltv,
    first_seen_date,
    is_churned,
    churned_date,
    churned_at,
    case
        when churn_definition = 'contractual' and is_churned
            then coalesce(cancellation_reason, reported_churn_reason)
        when churn_definition = 'non_contractual' and is_churned then 'no purchase'
    end as churn_reason,
    case when is_churned then reported_churn_category end as churn_category,
    churn_definition,
    coalesce(
        reported_tenure_months,
        cast(
            {{ dbt.datediff('first_seen_date', 'coalesce(churned_date, observation_end)', 'month') }}
            as {{ dbt.type_int() }})
    ) as tenure_months
from churn
