{#- The agent ids whose team (int_agents) is not the one the rows of this incremental model
    show: a query for `agent_id in (...)`. int_agents picks one employee per agent id among
    the latest employee rows, so an export of employees may change the team of an agent id
    without any newer row carrying that id; HR exports are often full snapshots, so comparing
    the team itself (one row per agent id held) rebuilds only the agents whose team changed.
    The caller declares `-- depends_on: {{ ref('int_agents') }}`. -#}
{% macro agents_with_changed_team() -%}
select held.agent_id
from (select distinct agent_id, team from {{ this }} where agent_id is not null) as held
left join {{ ref('int_agents') }} as agents
    on held.agent_id = agents.agent_id
where case
    when held.team = agents.team or (held.team is null and agents.team is null) then 0
    else 1
end = 1
{%- endmacro %}
