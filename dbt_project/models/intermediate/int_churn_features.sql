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

{#- Each source is read once: the orders and the contacts (each contact carrying the sum
    and count of its texts' scores) are joined once with the four snapshot dates, each row is
    flagged with the windows it falls in, and every feature and label is a conditional
    aggregate per snapshot and customer; the active customer-snapshots pick their rows below.
    This replaces one range join of the active customer-snapshots per feature group (two over
    orders, three over contacts, and the texts joined to every contact-snapshot). Counts and
    maxima are the same; the mean sentiment is the same up to the order of the additions. -#}
order_rows as (
    select s.snapshot_index, o.customer_id, o.order_id, o.ordered_at, o.amount,
        o.is_complex_product,
        cast(o.ordered_at as date) > cast({{ dbt.dateadd('day', -365, 's.snapshot_date') }} as date)
            as in_365d,
        cast(o.ordered_at as date) > cast({{ dbt.dateadd('day', -150, 's.snapshot_date') }} as date)
            as in_150d
    from snapshots as s
    inner join {{ ref('stg_crm__orders') }} as o
        on cast(o.ordered_at as date) <= s.snapshot_date
),

order_features as (
    select snapshot_index, customer_id,
        max(ordered_at) as last_order_ever_at,
        count(case when in_365d then order_id end) as orders_365d,
        coalesce(sum(case when in_365d then amount end), 0) as order_value_365d,
        count(case when in_365d and is_complex_product then 1 end) as complex_orders_365d,
        count(case when in_150d and is_complex_product then 1 end) as complex_orders_150d
    from order_rows
    group by snapshot_index, customer_id
),

text_scores as (
    select source_id as interaction_id,
        sum(customer_sentiment_score) as sentiment_sum,
        count(customer_sentiment_score) as n_sentiment
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions'
    group by source_id
),

contact_rows as (
    select s.snapshot_index, i.customer_id, i.interaction_type, i.opened_at,
        ts.sentiment_sum, ts.n_sentiment,
        cast(i.opened_at as date) <= s.snapshot_date as is_past,
        cast(i.opened_at as date) <= s.snapshot_date and i.direction = 'inbound' as is_inbound,
        cast(i.opened_at as date) <= s.snapshot_date and i.direction <> 'inbound' as is_proactive,
        i.resolved_at is null or cast(i.resolved_at as date) > s.snapshot_date as is_unresolved,
        cast(i.opened_at as date) > cast({{ dbt.dateadd('day', -90, 's.snapshot_date') }} as date)
            as in_90d,
        cast(i.opened_at as date) > cast({{ dbt.dateadd('day', -180, 's.snapshot_date') }} as date)
            as in_180d,
        s.snapshot_index >= 1 and i.direction = 'inbound'
            and cast(i.opened_at as date) > s.snapshot_date as is_next_inbound
    from snapshots as s
    inner join {{ ref('int_interactions_enriched') }} as i
        on cast(i.opened_at as date) > cast({{ dbt.dateadd('day', -365, 's.snapshot_date') }} as date)
        and cast(i.opened_at as date)
            <= cast({{ dbt.dateadd('day', need_horizon, 's.snapshot_date') }} as date)
    left join text_scores as ts on i.interaction_id = ts.interaction_id
),

contact_features as (
    select snapshot_index, customer_id,
        count(case when is_inbound then 1 end) as inbound_contacts_365d,
        count(case when is_inbound and in_90d then 1 end) as inbound_contacts_90d,
        count(case when is_inbound and interaction_type = 'technical' then 1 end)
            as technical_contacts_365d,
        count(case when is_inbound and interaction_type = 'billing' then 1 end)
            as billing_contacts_365d,
        count(case when is_inbound and interaction_type = 'complaint' then 1 end)
            as complaint_contacts_365d,
        count(case when is_inbound and is_unresolved then 1 end) as unresolved_contacts_365d,
        count(case when is_inbound and is_unresolved and interaction_type = 'technical' then 1 end)
            as unresolved_technical_contacts_365d,
        count(case when is_inbound and is_unresolved and interaction_type = 'technical' and in_90d
            then 1 end) as unresolved_technical_contacts_90d,
        count(case when is_proactive then 1 end) as proactive_contacts_365d,
        count(case when is_proactive and in_180d then 1 end) as proactive_contacts_180d,
        max(case when is_past then opened_at end) as last_contact_at,
        sum(case when is_past then sentiment_sum end)
            / nullif(sum(case when is_past then n_sentiment end), 0) as mean_contact_sentiment_365d,
        count(case when is_next_inbound then 1 end) as inbound_next,
        count(case when is_next_inbound and interaction_type = 'complaint' then 1 end)
            as complaints_next
    from contact_rows
    group by snapshot_index, customer_id
),

labelled as (
    select
        a.snapshot_index,
        a.snapshot_date,
        a.customer_id,
        {{ dbt.datediff('a.signed_up_at', 'a.snapshot_date', 'day') }} as tenure_days,
        {{ dbt.datediff('coalesce(o.last_order_ever_at, a.signed_up_at)', 'a.snapshot_date', 'day') }}
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
        cf.mean_contact_sentiment_365d,
        case when a.snapshot_index >= 1 then true else false end as label_observed,
        case
            when a.snapshot_index = 0 then null
            when a.cancelled_at is not null
                and cast(a.cancelled_at as date)
                    <= cast({{ dbt.dateadd('day', horizon, 'a.snapshot_date') }} as date)
                then true
            else false
        end as churned_within_90_days,
        case when a.snapshot_index = 0 then null else coalesce(cf.inbound_next, 0) > 0 end
            as contacted_within_30_days,
        case when a.snapshot_index = 0 then null else coalesce(cf.complaints_next, 0) > 0 end
            as complained_within_30_days
    from active as a
    left join order_features as o
        on a.snapshot_index = o.snapshot_index and a.customer_id = o.customer_id
    left join contact_features as cf
        on a.snapshot_index = cf.snapshot_index and a.customer_id = cf.customer_id
)

select * from labelled
