{#- Every text occurrence with its latest score and the context of the row it belongs to:
    date, platform, location, channel, interaction type, bot or agent, agent and team. -#}
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
        {{ no_text }} as team
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
        {{ no_text }}
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
        team
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
        {{ no_text }}
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
        team
    from interactions
)

select
    occurrences.source_entity,
    occurrences.source_id,
    occurrences.text_field,
    occurrences.text_role,
    occurrences.text_hash,
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
    scores.customer_sentiment_score
from occurrences
inner join contexts
    on occurrences.source_entity = contexts.source_entity
    and occurrences.source_id = contexts.source_id
inner join scores
    on occurrences.text_hash = scores.text_hash
