{#- Service interactions with the team of their agent, the location of their customer and
    their service path: bot_only, bot_escalated (a bot answered first and handed over to a
    person), human_only, or proactive (the business reached out). -#}
with interactions as (
    select * from {{ ref('stg_crm__interactions') }}
),

agents as (
    select * from {{ ref('int_agents') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
)

select
    interactions.interaction_id,
    interactions.customer_id,
    interactions.channel,
    interactions.interaction_type,
    interactions.direction,
    interactions.handled_by,
    interactions.agent_id,
    agents.team,
    customers.location,
    interactions.escalated_to_human,
    case
        when interactions.direction = 'proactive' then 'proactive'
        when interactions.handled_by = 'bot' and coalesce(interactions.escalated_to_human, false)
            then 'bot_escalated'
        when interactions.handled_by = 'bot' then 'bot_only'
        else 'human_only'
    end as service_path,
    interactions.opened_at,
    cast(interactions.opened_at as date) as opened_date,
    interactions.first_response_at,
    interactions.resolved_at,
    interactions.resolved_at is not null as is_resolved
from interactions
left join agents
    on interactions.agent_id = agents.agent_id
left join customers
    on interactions.customer_id = customers.customer_id
