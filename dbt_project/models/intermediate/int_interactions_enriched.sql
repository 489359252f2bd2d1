{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
) }}

{#- Service interactions with the team of their agent, the location of their customer and
    their service path: bot_only, bot_escalated (a bot answered first and handed over to a
    person), human_only, or proactive (the business reached out).

    Incremental by interaction: a row depends only on its interaction, its customer and the
    team of its agent id, so a run rebuilds only the interactions with an interaction or
    customer row newer than this table holds (`_input_seq`, see held_input_seq()) and those
    of the agents whose team changed (agents_with_changed_team()). -#}
with interactions as (
    select * from {{ ref('stg_crm__interactions') }}
),

agents as (
    select * from {{ ref('int_agents') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

selected as (
    select * from interactions
{%- if is_incremental() %}
    where _ingest_seq > {{ held_input_seq() }}
        or customer_id in (
            select customer_id from customers where _ingest_seq > {{ held_input_seq() }}
        )
        or agent_id in ({{ agents_with_changed_team() }})
{%- endif %}
)

select
    selected.interaction_id,
    selected.customer_id,
    selected.channel,
    selected.interaction_type,
    selected.direction,
    selected.handled_by,
    selected.agent_id,
    agents.team,
    customers.location,
    selected.escalated_to_human,
    case
        when selected.direction = 'proactive' then 'proactive'
        when selected.handled_by = 'bot' and coalesce(selected.escalated_to_human, false)
            then 'bot_escalated'
        when selected.handled_by = 'bot' then 'bot_only'
        else 'human_only'
    end as service_path,
    selected.opened_at,
    cast(selected.opened_at as date) as opened_date,
    selected.first_response_at,
    selected.resolved_at,
    selected.resolved_at is not null as is_resolved,
    greatest(selected._ingest_seq, coalesce(customers._ingest_seq, -1)) as _input_seq
from selected
left join agents
    on selected.agent_id = agents.agent_id
left join customers
    on selected.customer_id = customers.customer_id
