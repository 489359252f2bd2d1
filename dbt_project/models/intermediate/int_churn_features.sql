{#- Risk features per customer at four snapshot dates (the data's as-of date and 90,
    180 and 270 days before it), each built only from events on or before its snapshot, with
    the labels "cancelled within the next 90 days" (churn) and "an inbound contact" / "an
    inbound complaint within the next 30 days" (support need) where those days are observed.
    The Python assets train on earlier snapshots and evaluate on a later one (a time split). -#}
{%- set horizon = 90 -%}
{%- set need_horizon = 30 -%}
with period as (
    select as_of_date from {{ ref('int_reporting_period') }}
),

snapshots as (
    {%- for k in range(4) %}
    select {{ k }} as snapshot_index,
        cast({{ dbt.dateadd('day', -horizon * k, 'as_of_date') }} as date) as snapshot_date
    from period
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

customers as (
    select customer_id, signed_up_at from {{ ref('stg_crm__customers') }}
),

first_cancel as (
    select customer_id, min(cancelled_at) as cancelled_at
    from {{ ref('stg_crm__cancellations') }}
    group by customer_id
),

active as (
    select s.snapshot_index, s.snapshot_date, c.customer_id, c.signed_up_at,
        fc.cancelled_at
    from snapshots as s
    cross join customers as c
    left join first_cancel as fc on c.customer_id = fc.customer_id
    where c.signed_up_at <= s.snapshot_date
        and (fc.cancelled_at is null or cast(fc.cancelled_at as date) > s.snapshot_date)
),

order_features as (
    select a.snapshot_index, a.customer_id,
        count(o.order_id) as orders_365d,
        coalesce(sum(o.amount), 0) as order_value_365d,
        max(o.ordered_at) as last_order_at,
        count(case when o.is_complex_product then 1 end) as complex_orders_365d,
        count(case when o.is_complex_product
            and cast(o.ordered_at as date) > cast({{ dbt.dateadd('day', -150, 'a.snapshot_date') }} as date)
            then 1 end) as complex_orders_150d
    from active as a
    inner join {{ ref('stg_crm__orders') }} as o
        on a.customer_id = o.customer_id
        and cast(o.ordered_at as date) <= a.snapshot_date
        and cast(o.ordered_at as date) > cast({{ dbt.dateadd('day', -365, 'a.snapshot_date') }} as date)
    group by a.snapshot_index, a.customer_id
),

last_order as (
    select a.snapshot_index, a.customer_id, max(o.ordered_at) as last_order_ever_at
    from active as a
    inner join {{ ref('stg_crm__orders') }} as o
        on a.customer_id = o.customer_id
        and cast(o.ordered_at as date) <= a.snapshot_date
    group by a.snapshot_index, a.customer_id
),

contacts as (
    select a.snapshot_index, a.customer_id, i.interaction_id, i.interaction_type,
        i.direction, i.opened_at,
        case when i.resolved_at is not null
            and cast(i.resolved_at as date) <= a.snapshot_date then 1 else 0 end as resolved_by_snapshot,
        case when cast(i.opened_at as date) > cast({{ dbt.dateadd('day', -90, 'a.snapshot_date') }} as date)
            then 1 else 0 end as in_last_90d,
        case when cast(i.opened_at as date) > cast({{ dbt.dateadd('day', -180, 'a.snapshot_date') }} as date)
            then 1 else 0 end as in_last_180d
    from active as a
    inner join {{ ref('int_interactions_enriched') }} as i
        on a.customer_id = i.customer_id
        and cast(i.opened_at as date) <= a.snapshot_date
        and cast(i.opened_at as date) > cast({{ dbt.dateadd('day', -365, 'a.snapshot_date') }} as date)
),

contact_features as (
    select snapshot_index, customer_id,
        count(case when direction = 'inbound' then 1 end) as inbound_contacts_365d,
        count(case when direction = 'inbound' and in_last_90d = 1 then 1 end) as inbound_contacts_90d,
        count(case when direction = 'inbound' and interaction_type = 'technical' then 1 end)
            as technical_contacts_365d,
        count(case when direction = 'inbound' and interaction_type = 'billing' then 1 end)
            as billing_contacts_365d,
        count(case when direction = 'inbound' and interaction_type = 'complaint' then 1 end)
            as complaint_contacts_365d,
        count(case when direction = 'inbound' and resolved_by_snapshot = 0 then 1 end)
            as unresolved_contacts_365d,
        count(case when direction = 'inbound' and resolved_by_snapshot = 0
            and interaction_type = 'technical' then 1 end) as unresolved_technical_contacts_365d,
        count(case when direction = 'inbound' and resolved_by_snapshot = 0
            and interaction_type = 'technical' and in_last_90d = 1 then 1 end)
            as unresolved_technical_contacts_90d,
        count(case when direction <> 'inbound' then 1 end) as proactive_contacts_365d,
        count(case when direction <> 'inbound' and in_last_180d = 1 then 1 end)
            as proactive_contacts_180d,
        max(opened_at) as last_contact_at
    from contacts
    group by snapshot_index, customer_id
),

sentiment_features as (
    select c.snapshot_index, c.customer_id,
        avg(t.customer_sentiment_score) as mean_contact_sentiment_365d
    from contacts as c
    inner join {{ ref('int_texts_scored') }} as t
        on t.source_entity = 'interactions' and t.source_id = c.interaction_id
    group by c.snapshot_index, c.customer_id
),

next_contacts as (
    select a.snapshot_index, a.customer_id,
        count(*) as inbound_next,
        count(case when i.interaction_type = 'complaint' then 1 end) as complaints_next
    from active as a
    inner join {{ ref('int_interactions_enriched') }} as i
        on a.customer_id = i.customer_id
        and i.direction = 'inbound'
        and cast(i.opened_at as date) > a.snapshot_date
        and cast(i.opened_at as date)
            <= cast({{ dbt.dateadd('day', need_horizon, 'a.snapshot_date') }} as date)
    where a.snapshot_index >= 1
    group by a.snapshot_index, a.customer_id
),

labelled as (
    select
        a.snapshot_index,
        a.snapshot_date,
        a.customer_id,
        {{ dbt.datediff('a.signed_up_at', 'a.snapshot_date', 'day') }} as tenure_days,
        {{ dbt.datediff('coalesce(lo.last_order_ever_at, a.signed_up_at)', 'a.snapshot_date', 'day') }}
            as days_since_last_order,
        {{ dbt.datediff('coalesce(cf.last_contact_at, a.signed_up_at)', 'a.snapshot_date', 'day') }}
            as days_since_last_contact,
        coalesce(o.orders_365d, 0) as orders_365d,
        coalesce(o.order_value_365d, 0) as order_value_365d,
        coalesce(o.complex_orders_365d, 0) as complex_orders_365d,
        coalesce(o.complex_orders_150d, 0) as complex_orders_150d,
        coalesce(cf.inbound_contacts_365d, 0) as inbound_contacts_365d,
        coalesce(cf.inbound_contacts_90d, 0) as inbound_contacts_90d,
        coalesce(cf.technical_contacts_365d, 0) as technical_contacts_365d,
        coalesce(cf.billing_contacts_365d, 0) as billing_contacts_365d,
        coalesce(cf.complaint_contacts_365d, 0) as complaint_contacts_365d,
        coalesce(cf.unresolved_contacts_365d, 0) as unresolved_contacts_365d,
        coalesce(cf.unresolved_technical_contacts_365d, 0) as unresolved_technical_contacts_365d,
        coalesce(cf.unresolved_technical_contacts_90d, 0) as unresolved_technical_contacts_90d,
        coalesce(cf.proactive_contacts_365d, 0) as proactive_contacts_365d,
        coalesce(cf.proactive_contacts_180d, 0) as proactive_contacts_180d,
        sf.mean_contact_sentiment_365d,
        case when a.snapshot_index >= 1 then true else false end as label_observed,
        case
            when a.snapshot_index = 0 then null
            when a.cancelled_at is not null
                and cast(a.cancelled_at as date)
                    <= cast({{ dbt.dateadd('day', horizon, 'a.snapshot_date') }} as date)
                then true
            else false
        end as churned_within_90_days,
        case when a.snapshot_index = 0 then null else coalesce(nc.inbound_next, 0) > 0 end
            as contacted_within_30_days,
        case when a.snapshot_index = 0 then null else coalesce(nc.complaints_next, 0) > 0 end
            as complained_within_30_days
    from active as a
    left join order_features as o
        on a.snapshot_index = o.snapshot_index and a.customer_id = o.customer_id
    left join last_order as lo
        on a.snapshot_index = lo.snapshot_index and a.customer_id = lo.customer_id
    left join contact_features as cf
        on a.snapshot_index = cf.snapshot_index and a.customer_id = cf.customer_id
    left join sentiment_features as sf
        on a.snapshot_index = sf.snapshot_index and a.customer_id = sf.customer_id
    left join next_contacts as nc
        on a.snapshot_index = nc.snapshot_index and a.customer_id = nc.customer_id
)

select * from labelled
