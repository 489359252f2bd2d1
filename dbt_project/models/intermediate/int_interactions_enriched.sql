{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
) }}

{#- Service interactions with the team of their agent, the location of their customer and
    their service path: bot_only, bot_escalated (a bot answered first and handed over to a
    person), human_only, or proactive (the business reached out).

    Incremental by interaction: a row depends only on its interaction, its customer and the
    employees carrying its agent id, so a run rebuilds only the interactions with one of
    those inputs newer than this table holds (`_input_seq`, see held_input_seq()). -#}
with interactions as (
    select * from {{ ref('stg_crm__interactions') }}
),

agents as (
    select * from {{ ref('int_agents') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

employee_exports as (
    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        _ingest_seq
    from {{ source('raw', 'employees') }}
),

{#- Per agent id, the newest export of any employee who ever carried it: the team of an
    agent id can change only with such an export (int_agents). -#}
agent_inputs as (
    select
        carried.agent_id,
        max(exports._ingest_seq) as _ingest_seq
    from employee_exports as carried
    inner join employee_exports as exports
        on carried.employee_id = exports.employee_id
    where carried.agent_id is not null
    group by carried.agent_id
),

selected as (
    select * from interactions
{%- if is_incremental() %}
    where _ingest_seq > {{ held_input_seq() }}
        or customer_id in (
            select customer_id from customers where _ingest_seq > {{ held_input_seq() }}
        )
        or agent_id in (
            select agent_id from agent_inputs where _ingest_seq > {{ held_input_seq() }}
        )
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
    greatest(
        selected._ingest_seq,
        coalesce(customers._ingest_seq, -1),
        coalesce(agent_inputs._ingest_seq, -1)
    ) as _input_seq
from selected
left join agents
    on selected.agent_id = agents.agent_id
left join customers
    on selected.customer_id = customers.customer_id
left join agent_inputs
    on selected.agent_id = agent_inputs.agent_id
