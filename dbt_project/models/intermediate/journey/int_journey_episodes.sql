{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='append_new_columns',
    pre_hook="{{ journey_delete_rebuilt(['churn_observed_before']) }}",
) }}
{#- Read only on incremental runs: declared at parse time (not in unit tests, which
    give no input for them). -#}
{%- if not execute %}
-- depends_on: {{ ref('int_journey_changed_customers') }}
-- depends_on: {{ ref('int_journey_observation_previous') }}
-- depends_on: {{ ref('int_journey_observation_window') }}
{%- endif %}

{#- One row per service episode (DECISIONLOG.md "Customer journey"): a customer's inbound
    contacts chained while each comes within var('journey_episode_gap_days') days of the one
    before. Its first and last channel (a switch: started in chat, ended on the phone), bot and
    escalation, how it ended (cancelled when the customer's churn falls inside it or within the
    gap after its last contact; else resolved or unresolved by its last contact), churn within
    var('journey_churn_window_days') days of its end, and the CSAT answers linked to its
    contacts.
    Incremental by customer (issue 11): an episode depends only on its customer's touchpoints
    and on the churn cut, so a run rebuilds the customers whose touchpoints changed and those
    with a touchpoint between the previous and the current churn cut; a full refresh gives
    the same rows. -#}
{%- set gap_days = var('journey_episode_gap_days') %}
with touchpoints as (
    select * from {{ ref('fct_journey_touchpoints') }}
{%- if is_incremental() %}
    where customer_id in ({{ journey_rebuilt_customers(['churn_observed_before']) }})
{%- endif %}
),

churn as (
    select * from {{ ref('int_journey_churn') }}
),

observation as (
    select * from {{ ref('int_journey_observation_window') }}
),

contacts as (
    select * from touchpoints where is_inbound_contact
),

episodes as (
    select
        customer_id,
        episode_number,
        min(touchpoint_at) as started_at,
        max(touchpoint_at) as ended_at,
        min(touchpoint_number) as first_number,
        max(touchpoint_number) as last_number,
        count(*) as n_contacts,
        count(distinct channel) as n_channels,
        max(case when handled_by = 'bot' then 1 else 0 end) = 1 as has_bot,
        max(case when is_escalated then 1 else 0 end) = 1 as has_escalation
    from contacts
    group by customer_id, episode_number
),

csat as (
    select
        customer_id,
        episode_number,
        count(*) as n_csat,
        {{ count_where('survey_score >= 4') }} as n_csat_satisfied
    from touchpoints
    where survey_type = 'csat' and episode_number is not null
    group by customer_id, episode_number
)

select
    {{ dbt.concat([
        "episodes.customer_id", "':'",
        dbt.safe_cast("episodes.episode_number", dbt.type_string())
    ]) }} as episode_id,
    episodes.customer_id,
    cast(episodes.episode_number as {{ dbt.type_int() }}) as episode_number,
    episodes.started_at,
    episodes.ended_at,
    cast(episodes.n_contacts as {{ dbt.type_bigint() }}) as n_contacts,
    cast(episodes.n_channels as {{ dbt.type_bigint() }}) as n_channels,
    first_contact.channel as first_channel,
    last_contact.channel as last_channel,
    first_contact.channel <> last_contact.channel as is_channel_switch,
    episodes.has_bot,
    episodes.has_escalation,
    coalesce(last_contact.is_resolved, false) as is_resolved,
    case
        when churn.churned_at > episodes.started_at
            and churn.churned_at <= {{ dbt.dateadd('day', gap_days, 'episodes.ended_at') }}
            then 'cancelled'
        when last_contact.is_resolved then 'resolved'
        else 'unresolved'
    end as episode_outcome,
    case
        when churn.churned_at <= episodes.ended_at then null
        when episodes.ended_at >= observation.churn_observed_before then null
        else churn.churned_at is not null
            and churn.churned_at <= {{ dbt.dateadd(
                'day', var('journey_churn_window_days'), 'episodes.ended_at'
            ) }}
    end as has_churned_in_window,
    cast(coalesce(csat.n_csat, 0) as {{ dbt.type_bigint() }}) as n_csat,
    cast(coalesce(csat.n_csat_satisfied, 0) as {{ dbt.type_bigint() }}) as n_csat_satisfied
from episodes
cross join observation
inner join contacts as first_contact
    on episodes.customer_id = first_contact.customer_id
    and episodes.first_number = first_contact.touchpoint_number
inner join contacts as last_contact
    on episodes.customer_id = last_contact.customer_id
    and episodes.last_number = last_contact.touchpoint_number
left join churn
    on episodes.customer_id = churn.customer_id
left join csat
    on episodes.customer_id = csat.customer_id
    and episodes.episode_number = csat.episode_number
