{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='response_id',
) }}

{#- Survey answers (CSAT, NPS, CES) classified by the definitions in DECISIONLOG.md and
    enriched with the interaction they followed (channel, type, bot or agent, agent, team)
    and the customer's location.

    Incremental by response: a row depends only on its response, its interaction (as
    enriched) and its customer, so a run rebuilds only the responses with one of those inputs
    newer than this table holds (`_input_seq`, see held_input_seq()) and those of the agents
    whose team changed (agents_with_changed_team()). -#}
-- depends_on: {{ ref('int_agents') }}
with responses as (
    select * from {{ ref('stg_surveys__survey_responses') }}
),

interactions as (
    select * from {{ ref('int_interactions_enriched') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

selected as (
    select * from responses
{%- if is_incremental() %}
    where _ingest_seq > {{ held_input_seq() }}
        or interaction_id in (
            select interaction_id from interactions where _input_seq > {{ held_input_seq() }}
        )
        or customer_id in (
            select customer_id from customers where _ingest_seq > {{ held_input_seq() }}
        )
        or interaction_id in (
            select interaction_id from interactions
            where agent_id in ({{ agents_with_changed_team() }})
        )
{%- endif %}
)

select
    selected.response_id,
    selected.survey_type,
    selected.score,
    selected.ces_scale,
    selected.felt_understood,
    coalesce(selected.customer_id, interactions.customer_id) as customer_id,
    selected.interaction_id,
    selected.responded_at,
    selected.response_date,
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
    selected.survey_type = 'csat' and selected.score >= 4 as is_csat_top2,
    case
        when selected.survey_type <> 'nps' then null
        when selected.score >= 9 then 'promoter'
        when selected.score >= 7 then 'passive'
        else 'detractor'
    end as nps_category,
    case
        when selected.survey_type <> 'ces' then null
        when selected.ces_scale = 'effort_1_5' then selected.score <= 2
        else selected.score >= 5
    end as is_ces_easy,
    greatest(
        selected._ingest_seq,
        coalesce(interactions._input_seq, -1),
        coalesce(customers._ingest_seq, -1)
    ) as _input_seq
from selected
left join interactions
    on selected.interaction_id = interactions.interaction_id
left join customers
    on coalesce(selected.customer_id, interactions.customer_id) = customers.customer_id
