{#- Predicted needs and proactive outreach. A "predicted need" is a customer's first purchase
    of a complex product (the documented trigger of setup help) on or after the outreach
    programme's start, taken as the first proactive (non-inbound) contact in the data. Per
    episode: whether a proactive contact reached the customer within 30 days, whether it came
    before any inbound contact in those 30 days, churn within 180 days, and the strata used
    to compare reached with not-reached customers (tenure at purchase, an inbound contact in
    the 90 days before it). -#}
with period as (
    select as_of_date from {{ ref('int_reporting_period') }}
),

interactions as (
    select customer_id, interaction_id, interaction_type, direction, opened_at, resolved_at
    from {{ ref('int_interactions_enriched') }}
),

programme as (
    select min(opened_at) as started_at from interactions where direction <> 'inbound'
),

first_complex as (
    select o.customer_id, min(o.ordered_at) as bought_at
    from {{ ref('stg_crm__orders') }} as o
    where o.is_complex_product
    group by o.customer_id
),

episodes as (
    select f.customer_id, f.bought_at, c.signed_up_at
    from first_complex as f
    cross join programme as p
    inner join {{ ref('stg_crm__customers') }} as c on f.customer_id = c.customer_id
    where p.started_at is not null and f.bought_at >= cast(p.started_at as date)
),

contacts_after as (
    select e.customer_id,
        min(case when i.direction <> 'inbound' then i.opened_at end) as first_proactive_at,
        min(case when i.direction = 'inbound' then i.opened_at end) as first_inbound_at
    from episodes as e
    inner join interactions as i
        on e.customer_id = i.customer_id
        and i.opened_at >= e.bought_at
        and i.opened_at <= {{ dbt.dateadd('day', 30, 'e.bought_at') }}
    group by e.customer_id
),

prior_contacts as (
    select e.customer_id, count(*) as inbound_contacts_90d_before
    from episodes as e
    inner join interactions as i
        on e.customer_id = i.customer_id
        and i.direction = 'inbound'
        and i.opened_at < e.bought_at
        and i.opened_at >= {{ dbt.dateadd('day', -90, 'e.bought_at') }}
    group by e.customer_id
),

churn as (
    select e.customer_id, min(x.cancelled_at) as cancelled_at
    from episodes as e
    inner join {{ ref('stg_crm__cancellations') }} as x
        on e.customer_id = x.customer_id
        and x.cancelled_at > e.bought_at
        and x.cancelled_at <= {{ dbt.dateadd('day', 180, 'e.bought_at') }}
    group by e.customer_id
)

select
    e.customer_id,
    e.bought_at,
    ca.first_proactive_at is not null as is_reached,
    ca.first_proactive_at is not null
        and (ca.first_inbound_at is null or ca.first_proactive_at <= ca.first_inbound_at)
        as is_need_met_before_asking,
    cast(e.bought_at as date) <= cast({{ dbt.dateadd('day', -30, 'p.as_of_date') }} as date)
        as is_30_days_observed,
    cast(e.bought_at as date) <= cast({{ dbt.dateadd('day', -180, 'p.as_of_date') }} as date)
        as is_180_days_observed,
    ch.cancelled_at is not null as churned_within_180_days,
    case when {{ dbt.datediff('e.signed_up_at', 'e.bought_at', 'day') }} < 365
        then 'under_1_year' else '1_year_or_more' end as tenure_band,
    coalesce(pc.inbound_contacts_90d_before, 0) > 0 as had_recent_inbound_contact
from episodes as e
cross join period as p
left join contacts_after as ca on e.customer_id = ca.customer_id
left join prior_contacts as pc on e.customer_id = pc.customer_id
left join churn as ch on e.customer_id = ch.customer_id
