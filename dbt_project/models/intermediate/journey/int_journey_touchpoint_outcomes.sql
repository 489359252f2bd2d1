{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='append_new_columns',
    pre_hook="{{ journey_delete_rebuilt(['repeat_contact_observed_before', 'churn_observed_before']) }}",
) }}
{#- Read only on incremental runs: declared at parse time (not in unit tests, which
    give no input for them). -#}
{%- if not execute %}
-- depends_on: {{ ref('int_journey_changed_customers') }}
-- depends_on: {{ ref('int_journey_observation_previous') }}
-- depends_on: {{ ref('int_journey_observation_window') }}
{%- endif %}

{#- What follows each touchpoint: the customer's next inbound contact (its customer sentiment
    and CSAT answer), whether they came back within var('journey_repeat_contact_days') days,
    and whether they churned (int_journey_churn) within var('journey_churn_window_days') days.
    An outcome is null when its window is not fully observed (int_journey_observation_window)
    and, for churn, when the touchpoint is at or after the customer's churn.
    Incremental by customer (issue 11): a row depends only on its customer's touchpoints
    (their churn is their first cancellation touchpoint) and on the observation cuts, so a
    run rebuilds the customers whose touchpoints changed and those with a touchpoint between
    the previous and the current cut of either window (journey_rebuilt_customers); a full
    refresh gives the same rows. -#}
{%- set repeat_seconds = var('journey_repeat_contact_days') * 86400 %}
{#- touchpoints: read three times, not held whole as a common table expression (the whole
    journey fact, spilled to disk at 200k). -#}
with touchpoints as {{ inline_cte() }} (
    select * from {{ ref('fct_journey_touchpoints') }}
{%- if is_incremental() %}
    where customer_id in ({{ journey_rebuilt_customers(['repeat_contact_observed_before', 'churn_observed_before']) }})
{%- endif %}
),

churn as (
    select * from {{ ref('int_journey_churn') }}
),

observation as (
    select * from {{ ref('int_journey_observation_window') }}
),

{#- The lowest CSAT answer linked to each inbound contact. -#}
contact_csat as (
    select
        customer_id,
        linked_interaction_id as interaction_id,
        min(survey_score) as csat_score
    from touchpoints
    where survey_type = 'csat' and linked_interaction_id is not null
    group by customer_id, linked_interaction_id
),

with_next as (
    select
        *,
        min(case when is_inbound_contact then touchpoint_number end) over (
            partition by customer_id order by touchpoint_number
            rows between 1 following and unbounded following
        ) as next_contact_number
    from touchpoints
)

select
    with_next.touchpoint_id,
    with_next.customer_id,
    with_next.touchpoint_at,
    with_next.touchpoint_kind,
    with_next.channel,
    with_next.is_inbound_contact,
    with_next.handled_by,
    with_next.is_resolved,
    with_next.is_escalated,
    next_contact.touchpoint_id as next_contact_touchpoint_id,
    next_contact.touchpoint_at as next_contact_at,
    next_contact.channel as next_contact_channel,
    next_contact.sentiment_label as next_contact_sentiment_label,
    contact_csat.csat_score as next_contact_csat_score,
    case
        when with_next.touchpoint_at >= observation.repeat_contact_observed_before then null
        else next_contact.touchpoint_at is not null
            and {{ dbt.datediff('with_next.touchpoint_at', 'next_contact.touchpoint_at', 'second') }}
                <= {{ repeat_seconds }}
    end as has_repeat_contact,
    case
        when churn.churned_at <= with_next.touchpoint_at then null
        when with_next.touchpoint_at >= observation.churn_observed_before then null
        else churn.churned_at is not null
            and churn.churned_at <= {{ dbt.dateadd(
                'day', var('journey_churn_window_days'), 'with_next.touchpoint_at'
            ) }}
    end as has_churned_in_window
from with_next
cross join observation
left join touchpoints as next_contact
    on with_next.customer_id = next_contact.customer_id
    and with_next.next_contact_number = next_contact.touchpoint_number
left join contact_csat
    on next_contact.customer_id = contact_csat.customer_id
    and next_contact.source_id = contact_csat.interaction_id
left join churn
    on with_next.customer_id = churn.customer_id
