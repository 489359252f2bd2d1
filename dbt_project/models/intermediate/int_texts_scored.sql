{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key=['source_entity', 'source_id'],
    post_hook=["{{ delete_placeholder_rows('text_field') }}"],
) }}

{#- Every text occurrence with its latest score and the context of the row it belongs to:
    date, platform, location, channel, interaction type, bot or agent, agent and team.

    Incremental by source row: a run rebuilds every text of the source rows whose occurrence
    or context has an input newer than this table holds (`_input_seq`, see held_input_seq())
    or whose text was scored after the newest scoring held (`_scored_at`), and those of the
    agents whose team changed (agents_with_changed_team()), with delete+insert
    on source_entity and source_id. A source row to rebuild that has no text any more gets one
    placeholder row without a text field, which deletes the texts it had and is then deleted
    itself (post-hook), so the table holds the rows a full rebuild gives. -#}
-- depends_on: {{ ref('int_agents') }}
with occurrences as (
    select * from {{ ref('stg_enrichment__text_occurrences') }}
),

scores as (
    select * from {{ ref('stg_enrichment__text_scores') }}
),

reviews as (
    select * from {{ ref('stg_reviews__reviews') }}
),

mentions as (
    select * from {{ ref('stg_reviews__social_mentions') }}
),

survey_responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
),

exit_surveys as (
    select * from {{ ref('stg_surveys__exit_surveys') }}
),

interactions as (
    select * from {{ ref('int_interactions_enriched') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

{%- set no_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}

contexts as (
    select
        'reviews' as source_entity,
        review_id as source_id,
        review_date as text_date,
        platform,
        location,
        {{ no_text }} as channel,
        {{ no_text }} as interaction_type,
        {{ no_text }} as handled_by,
        {{ no_text }} as agent_id,
        {{ no_text }} as team,
        _ingest_seq as _input_seq
    from reviews
    union all
    select
        'social_mentions',
        mention_id,
        posted_date,
        platform,
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        _ingest_seq
    from mentions
    union all
    select
        'survey_responses',
        response_id,
        response_date,
        {{ no_text }},
        location,
        channel,
        interaction_type,
        handled_by,
        agent_id,
        team,
        _input_seq
    from survey_responses
    union all
    select
        'exit_surveys',
        exit_surveys.response_id,
        exit_surveys.response_date,
        {{ no_text }},
        customers.location,
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        greatest(exit_surveys._ingest_seq, coalesce(customers._ingest_seq, -1))
    from exit_surveys
    left join customers
        on exit_surveys.customer_id = customers.customer_id
    union all
    select
        'interactions',
        interaction_id,
        opened_date,
        {{ no_text }},
        location,
        channel,
        interaction_type,
        handled_by,
        agent_id,
        team,
        _input_seq
    from interactions
),

{%- if is_incremental() %}

{#- The source rows to rebuild. #}
changed_sources as (
    select source_entity, source_id from occurrences
    where _ingest_seq > {{ held_input_seq() }}
    union
    select source_entity, source_id from contexts
    where _input_seq > {{ held_input_seq() }}
        or agent_id in ({{ agents_with_changed_team() }})
    union
    select occurrences.source_entity, occurrences.source_id
    from occurrences
    inner join scores
        on occurrences.text_hash = scores.text_hash
    where scores.scored_at > {{ held_scored_at() }}
),

selected as (
    select occurrences.*
    from occurrences
    inner join changed_sources
        on occurrences.source_entity = changed_sources.source_entity
        and occurrences.source_id = changed_sources.source_id
),
{%- else %}

selected as (
    select * from occurrences
),
{%- endif %}

scored as (
    select
        selected.source_entity,
        selected.source_id,
        selected.text_field,
        selected.text_role,
        selected.text_hash,
        contexts.text_date,
        contexts.platform,
        contexts.location,
        contexts.channel,
        contexts.interaction_type,
        contexts.handled_by,
        contexts.agent_id,
        contexts.team,
        scores.masked_text,
        scores.sentiment_score,
        scores.sentiment_label,
        scores.has_opinion,
        scores.empathy_positive_cues,
        scores.empathy_negative_cues,
        scores.dominant_emotion,
        scores.topics,
        scores.staff_mentions,
        scores.customer_sentiment_score,
        greatest(selected._ingest_seq, contexts._input_seq) as _input_seq,
        scores.scored_at as _scored_at
    from selected
    inner join contexts
        on selected.source_entity = contexts.source_entity
        and selected.source_id = contexts.source_id
    inner join scores
        on selected.text_hash = scores.text_hash
)

{%- if is_incremental() %}

{#- Each source row to rebuild: its texts, or one placeholder row without a text field. #}
select
    changed_sources.source_entity,
    changed_sources.source_id,
    scored.text_field,
    scored.text_role,
    scored.text_hash,
    scored.text_date,
    scored.platform,
    scored.location,
    scored.channel,
    scored.interaction_type,
    scored.handled_by,
    scored.agent_id,
    scored.team,
    scored.masked_text,
    scored.sentiment_score,
    scored.sentiment_label,
    scored.has_opinion,
    scored.empathy_positive_cues,
    scored.empathy_negative_cues,
    scored.dominant_emotion,
    scored.topics,
    scored.staff_mentions,
    scored.customer_sentiment_score,
    scored._input_seq,
    scored._scored_at
from changed_sources
left join scored
    on changed_sources.source_entity = scored.source_entity
    and changed_sources.source_id = scored.source_id
{%- else %}

select * from scored
{%- endif %}
