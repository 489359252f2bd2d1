{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
    post_hook=["{{ delete_placeholder_rows('is_follow_up') }}"],
) }}

{#- Inbound contacts handled by an agent, each with the customer's previous inbound contact
    (any handler), for the contextual proxies (DECISIONLOG.md, "Tier 3: support need and
    contextual proxies"):
    - is_follow_up: opened within 30 days after the previous inbound contact;
    - is_acknowledged: a follow-up whose transcript contains a phrase of the seed
      acknowledgement_phrases (the agent acknowledged the earlier issue; case-insensitive);
    - is_distressed: a follow-up whose previous contact was still unresolved when it was
      opened (the customer is chasing an open issue).
    Outcomes: CSAT top-2 (the linked CSAT answer), resolved, customer sentiment of the
    transcript, seconds to the first response.

    Incremental by interaction: a run rebuilds the contacts conversations_to_rebuild() names
    (a newer interaction row, transcript scoring or CSAT answer, and every contact of a customer
    a newer interaction row names, before or now, contacts without a customer counting as one:
    the previous contact is a window over the customer's contacts), computing the window over
    the whole contact history of their customers; delete+insert on interaction_id, and a
    contact no longer in the model gets a placeholder row (no is_follow_up), deleted by the
    post-hook. -#}
{#- Read only on incremental runs: declared at parse time. -#}
{%- if not execute %}
-- depends_on: {{ ref('int_conversation_turns') }}
-- depends_on: {{ ref('int_agents') }}
-- depends_on: {{ source('raw', 'survey_responses') }}
{%- endif %}
{%- set follow_up_days = 30 -%}
with
{%- if is_incremental() %}
rebuilt as (
    {{ conversations_to_rebuild(null_customer_group=true) }}
),

{#- the customers of the contacts to rebuild: the window reads their whole history -#}
rebuilt_customers as (
    select customer_id from {{ ref('int_interactions_enriched') }}
    where direction = 'inbound' and interaction_id in (select interaction_id from rebuilt)
),
{%- endif %}

inbound as (
    select interaction_id, customer_id, handled_by, opened_at, first_response_at, resolved_at,
        _input_seq,
        lag(opened_at) over (partition by customer_id order by opened_at, interaction_id)
            as previous_opened_at,
        lag(resolved_at) over (partition by customer_id order by opened_at, interaction_id)
            as previous_resolved_at
    from {{ ref('int_interactions_enriched') }}
    where direction = 'inbound'
{%- if is_incremental() %}
        and (customer_id in (select customer_id from rebuilt_customers)
            or (customer_id is null
                and exists (select 1 from rebuilt_customers where customer_id is null)))
{%- endif %}
),

transcripts as (
    select source_id as interaction_id, lower(masked_text) as text, customer_sentiment_score,
        _input_seq, _scored_at
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
{%- if is_incremental() %}
        and source_id in (select interaction_id from rebuilt)
{%- endif %}
),

csat as (
    select interaction_id, max(case when is_csat_top2 then 1 else 0 end) as csat_top2,
        max(_input_seq) as _input_seq
    from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'csat' and interaction_id is not null and score is not null
{%- if is_incremental() %}
        and interaction_id in (select interaction_id from rebuilt)
{%- endif %}
    group by interaction_id
),

flagged as (
    select i.*,
        coalesce(i.previous_opened_at is not null
            and i.opened_at <= {{ dbt.dateadd('day', follow_up_days, 'i.previous_opened_at') }},
            false) as is_follow_up,
        i.previous_opened_at is not null
            and (i.previous_resolved_at is null or i.previous_resolved_at > i.opened_at)
            as previous_open
    from inbound as i
),

acknowledged as (
    {#- only follow-ups handled by an agent can be acknowledged: the phrase search (a LIKE per
        phrase and transcript) reads their transcripts only -#}
    select t.interaction_id
    from transcripts as t
    inner join flagged as f
        on t.interaction_id = f.interaction_id
        and f.is_follow_up
        and f.handled_by = 'agent'
    inner join {{ ref('acknowledgement_phrases') }} as a
        on t.text like {{ dbt.concat(["'%'", "lower(a.phrase)", "'%'"]) }}
    group by t.interaction_id
)

select
    {{ 'rebuilt' if is_incremental() else 'f' }}.interaction_id,
    f.customer_id,
    f.opened_at,
    f.previous_opened_at,
    f.is_follow_up,
    f.is_follow_up and a.interaction_id is not null as is_acknowledged,
    f.is_follow_up and f.previous_open as is_distressed,
    c.csat_top2,
    case when f.resolved_at is not null then 1 else 0 end as is_resolved,
    t.customer_sentiment_score,
    case when f.first_response_at is not null then
        greatest(1, {{ dbt.datediff('f.opened_at', 'f.first_response_at', 'second') }})
    end as first_response_seconds,
    greatest(f._input_seq, coalesce(t._input_seq, -1), coalesce(c._input_seq, -1)) as _input_seq,
    t._scored_at
{%- if is_incremental() %}
{#- every contact to rebuild: its row, or a placeholder (no is_follow_up) #}
from rebuilt
left join (select * from flagged where handled_by = 'agent') as f
    on rebuilt.interaction_id = f.interaction_id
{%- else %}
from flagged as f
{%- endif %}
left join acknowledged as a on f.interaction_id = a.interaction_id
left join csat as c on f.interaction_id = c.interaction_id
left join transcripts as t on f.interaction_id = t.interaction_id
{%- if not is_incremental() %}
where f.handled_by = 'agent'
{%- endif %}
