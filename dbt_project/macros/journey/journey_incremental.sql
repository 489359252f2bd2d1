{#- Incremental customer journey (issue 11; DECISIONLOG.md "Incremental customer journey").

    The previous state of a model that runs after the caller: its relation as this build
    found it, or none (first build, parse time, a full refresh). Read without ref(), which
    would make a cycle: the caller runs first precisely to see the state before the rebuild. -#}
{% macro journey_previous_state(model_name) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ model_name] -%}
    {{- return(adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias
    )) -}}
{%- endmacro %}

{#- The customers whose rows an incremental journey model rebuilds: the customers whose
    touchpoints changed (int_journey_changed_customers), and, for each observation cut in
    `cuts` (columns of int_journey_observation_window), every customer with a touchpoint
    between the previous build's cut and this one's, whose outcome window became observed
    (or, were the data to reach less far than before, unobserved). -#}
{% macro journey_rebuilt_customers(cuts=[]) -%}
    select customer_id from {{ ref('int_journey_changed_customers') }}
{%- if cuts %}
    union
    select touchpoints.customer_id
    from {{ ref('fct_journey_touchpoints') }} as touchpoints
    cross join {{ ref('int_journey_observation_window') }} as observation
    cross join {{ ref('int_journey_observation_previous') }} as previous
    where
    {%- for cut in cuts %}
        (touchpoints.touchpoint_at >= least(previous.{{ cut }}, observation.{{ cut }})
            and touchpoints.touchpoint_at < greatest(previous.{{ cut }}, observation.{{ cut }}))
        {{- ' or' if not loop.last }}
    {%- endfor %}
{%- endif %}
{%- endmacro %}

{#- The pre-hook of an incremental journey model keyed by customer: on an incremental run,
    delete every row of the customers it rebuilds (journey_rebuilt_customers), so that a
    customer left with no row (a journey without an episode or an outcome any more, every
    touchpoint re-linked to someone else) keeps none; `delete+insert` then adds the rest. -#}
{% macro journey_delete_rebuilt(cuts=[]) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where customer_id in ({{ journey_rebuilt_customers(cuts) }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
