{#- The interactions an incremental build of a per-conversation model (int_service_conversations,
    int_follow_up_contacts) rebuilds: a query of distinct `interaction_id`s, never null.

    - changed: the interactions whose own inputs are newer than the model holds
      (held_input_seq(), held_scored_at()): the interaction row (as enriched: its customer
      too), its transcript's score or text, its turns, and its survey answers. An answer
      re-exported under another interaction also rebuilds every interaction any raw row of that
      answer named (the one it left no longer shows it). With `with_team`, the interactions of
      the agents whose team changed (agents_with_changed_team(), for models showing the team).
    - the customers' other contacts: a row also depends on the customer's other inbound
      contacts (the repeat-contact flag, the previous contact), so every inbound contact of a
      customer named by a newer interaction row, before (held by the model) or now, is
      rebuilt. With `null_customer_group`, contacts without a customer count as one customer
      (a window partitioned by customer_id groups them).
    An interaction rebuilt that is no longer inbound (or no longer in the model) gets a
    placeholder row, deleted by the post-hook (delete_placeholder_rows()).
    The caller declares, at parse time, the refs and the source read here. -#}
{% macro conversations_to_rebuild(with_team=false, null_customer_group=false) -%}
{%- set held_seq = held_input_seq() -%}
{%- set held_scored = held_scored_at() -%}
{%- set interactions = ref('int_interactions_enriched') -%}
{%- set responses = ref('int_survey_responses_enriched') -%}
select interaction_id from (
    select interaction_id from {{ interactions }}
    where _input_seq > {{ held_seq }}
    union
    select source_id from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
        and (_input_seq > {{ held_seq }} or _scored_at > {{ held_scored }})
    union
    select interaction_id from {{ ref('int_conversation_turns') }}
    where _input_seq > {{ held_seq }} or _scored_at > {{ held_scored }}
    union
    select interaction_id from {{ responses }}
    where _input_seq > {{ held_seq }}
    union
    select cast(raw_responses.interaction_id as {{ dbt.type_string() }})
    from {{ source('raw', 'survey_responses') }} as raw_responses
    where cast(raw_responses.response_id as {{ dbt.type_string() }}) in (
        select response_id from {{ responses }} where _input_seq > {{ held_seq }}
    )
    {%- if with_team %}
    union
    select interaction_id from {{ interactions }}
    where agent_id in ({{ agents_with_changed_team() }})
    {%- endif %}
    union
    select interaction_id from {{ interactions }}
    where direction = 'inbound' and customer_id in (
        select customer_id from {{ interactions }} where _input_seq > {{ held_seq }}
        union
        select customer_id from {{ this }}
        where interaction_id in (
            select interaction_id from {{ interactions }} where _input_seq > {{ held_seq }}
        )
    )
    {%- if null_customer_group %}
    union
    select interaction_id from {{ interactions }}
    where direction = 'inbound' and customer_id is null and exists (
        select 1 from {{ interactions }}
        where _input_seq > {{ held_seq }} and customer_id is null
        union all
        select 1 from {{ this }}
        where customer_id is null and interaction_id in (
            select interaction_id from {{ interactions }} where _input_seq > {{ held_seq }}
        )
    )
    {%- endif %}
) as rebuilt
where interaction_id is not null
{%- endmacro %}
