{#- Survey answers (CSAT, NPS, CES) classified by the definitions in DECISIONLOG.md and
    enriched with the interaction they followed (channel, type, bot or agent, agent, team)
    and the customer's location. -#}
with responses as (
    select * from {{ ref('stg_surveys__survey_responses') }}
),

interactions as (
    select * from {{ ref('int_interactions_enriched') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
)

select
    responses.response_id,
    responses.survey_type,
    responses.score,
    responses.ces_scale,
    responses.felt_understood,
    coalesce(responses.customer_id, interactions.customer_id) as customer_id,
    responses.interaction_id,
    responses.responded_at,
    responses.response_date,
    interactions.channel,
    interactions.interaction_type,
    interactions.handled_by,
    interactions.agent_id,
    interactions.team,
    interactions.direction,
    interactions.escalated_to_human,
    interactions.service_path,
    {#- Team and agent CSAT credit: answers about conversations a bot answered first and then
        handed over are not credited to the agent who took over (DECISIONLOG.md, "Service
        delivery"); they are their own service path. -#}
    case when interactions.service_path <> 'bot_escalated' then interactions.agent_id end
        as credited_agent_id,
    case when interactions.service_path <> 'bot_escalated' then interactions.team end
        as credited_team,
    customers.location,
    responses.survey_type = 'csat' and responses.score >= 4 as is_csat_top2,
    case
        when responses.survey_type <> 'nps' then null
        when responses.score >= 9 then 'promoter'
        when responses.score >= 7 then 'passive'
        else 'detractor'
    end as nps_category,
    case
        when responses.survey_type <> 'ces' then null
        when responses.ces_scale = 'effort_1_5' then responses.score <= 2
        else responses.score >= 5
    end as is_ces_easy
from responses
left join interactions
    on responses.interaction_id = interactions.interaction_id
left join customers
    on coalesce(responses.customer_id, interactions.customer_id) = customers.customer_id
