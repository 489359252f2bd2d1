{#- The touchpoints of the customer journey (the body of the view int_journey_touchpoints):
    every touchpoint that can be tied to a customer and a time, with what its own text says.
    `customers`: the name of a relation or CTE with a `customer_id` column; when given, only
    those customers' touchpoints are read, the filter applied to each source before the
    union and the text join, so that an incremental run of the journey fact reads the few
    customers with new rows instead of evaluating every touchpoint (issue 11). -#}
{% macro journey_touchpoints(customers=none) -%}
{%- set no_text = 'cast(null as ' ~ dbt.type_string() ~ ')' %}
{%- set no_bool = 'cast(null as ' ~ dbt.type_boolean() ~ ')' %}
{%- set no_number = 'cast(null as double)' %}
with orders as (
    select * from {{ ref('stg_crm__orders') }}
),

interactions as (
    select * from {{ ref('stg_crm__interactions') }}
),

survey_responses as (
    select * from {{ ref('stg_surveys__survey_responses') }}
),

exit_surveys as (
    select * from {{ ref('stg_surveys__exit_surveys') }}
),

cancellations as (
    select * from {{ ref('stg_crm__cancellations') }}
),

reviews as (
    select * from {{ ref('stg_reviews__reviews') }}
    where customer_id is not null
),

mentions as (
    select * from {{ ref('stg_reviews__social_mentions') }}
    where customer_id is not null
),

occurrences as (
    select * from {{ ref('stg_enrichment__text_occurrences') }}
    where source_entity in (
            'interactions', 'survey_responses', 'exit_surveys', 'reviews', 'social_mentions'
        )
        and text_role in ('customer', 'conversation')
),

scores as (
    select * from {{ ref('stg_enrichment__text_scores') }}
),

{#- The customer's own sentiment: a transcript's customer turns, or the whole comment the
    customer wrote; null when the customer's words hold no opinion word (no signal). -#}
texts as (
    select
        occurrences.source_entity,
        occurrences.source_id,
        case
            when occurrences.text_role = 'conversation' then scores.customer_sentiment_score
            when scores.has_opinion then scores.sentiment_score
        end as customer_sentiment,
        scores.empathy_positive_cues,
        scores.empathy_negative_cues,
        scores.scored_at
    from occurrences
    inner join scores
        on occurrences.text_hash = scores.text_hash
),

touchpoints as (
    select
        'orders' as source,
        order_id as source_id,
        customer_id,
        ordered_at as touchpoint_at,
        1 as source_rank,
        'order' as touchpoint_kind,
        'purchase' as channel,
        {{ no_text }} as direction,
        {{ no_text }} as interaction_type,
        {{ no_text }} as handled_by,
        {{ no_bool }} as is_escalated,
        {{ no_bool }} as is_resolved,
        {{ no_text }} as survey_type,
        {{ no_number }} as survey_score,
        {{ no_text }} as linked_interaction_id,
        amount as order_amount,
        _ingest_seq as source_ingest_seq
    from orders
    {{ journey_customer_filter('customer_id', customers) }}
    union all
    select
        'interactions',
        interaction_id,
        customer_id,
        opened_at,
        2,
        case
            when direction = 'proactive' then 'proactive_outreach'
            else {{ dbt.concat(["'contact_'", "coalesce(interaction_type, 'other')"]) }}
        end,
        channel,
        direction,
        interaction_type,
        handled_by,
        coalesce(escalated_to_human, false),
        resolved_at is not null,
        {{ no_text }},
        {{ no_number }},
        interaction_id,
        {{ no_number }},
        _ingest_seq
    from interactions
    {{ journey_customer_filter('customer_id', customers) }}
    union all
    select
        'survey_responses',
        survey_responses.response_id,
        coalesce(survey_responses.customer_id, interactions.customer_id),
        survey_responses.responded_at,
        3,
        {{ dbt.concat(["'survey_'", "survey_responses.survey_type"]) }},
        'survey',
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_bool }},
        {{ no_bool }},
        survey_responses.survey_type,
        survey_responses.score,
        survey_responses.interaction_id,
        {{ no_number }},
        survey_responses._ingest_seq
    from survey_responses
    left join interactions
        on survey_responses.interaction_id = interactions.interaction_id
    {{ journey_customer_filter('coalesce(survey_responses.customer_id, interactions.customer_id)', customers) }}
    union all
    select
        'reviews',
        review_id,
        customer_id,
        created_at,
        4,
        'review',
        platform,
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_bool }},
        {{ no_bool }},
        {{ no_text }},
        rating,
        {{ no_text }},
        {{ no_number }},
        _ingest_seq
    from reviews
    {{ journey_customer_filter('customer_id', customers) }}
    union all
    select
        'social_mentions',
        mention_id,
        customer_id,
        posted_at,
        5,
        'social_mention',
        platform,
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_bool }},
        {{ no_bool }},
        {{ no_text }},
        {{ no_number }},
        {{ no_text }},
        {{ no_number }},
        _ingest_seq
    from mentions
    {{ journey_customer_filter('customer_id', customers) }}
    union all
    select
        'exit_surveys',
        response_id,
        customer_id,
        responded_at,
        6,
        'exit_survey',
        'survey',
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_bool }},
        {{ no_bool }},
        {{ no_text }},
        {{ no_number }},
        {{ no_text }},
        {{ no_number }},
        _ingest_seq
    from exit_surveys
    {{ journey_customer_filter('customer_id', customers) }}
    union all
    select
        'cancellations',
        {{ dbt.concat(["customer_id", "':'", dbt.safe_cast("cancelled_at", dbt.type_string())]) }},
        customer_id,
        cancelled_at,
        7,
        'cancellation',
        'account',
        {{ no_text }},
        {{ no_text }},
        {{ no_text }},
        {{ no_bool }},
        {{ no_bool }},
        {{ no_text }},
        {{ no_number }},
        {{ no_text }},
        {{ no_number }},
        _ingest_seq
    from cancellations
    {{ journey_customer_filter('customer_id', customers) }}
)

select
    {{ dbt.concat(["touchpoints.source", "':'", "touchpoints.source_id"]) }} as touchpoint_id,
    touchpoints.customer_id,
    touchpoints.touchpoint_at,
    touchpoints.source,
    touchpoints.source_id,
    touchpoints.source_rank,
    touchpoints.touchpoint_kind,
    touchpoints.channel,
    touchpoints.direction,
    touchpoints.interaction_type,
    touchpoints.handled_by,
    touchpoints.is_escalated,
    touchpoints.is_resolved,
    touchpoints.survey_type,
    touchpoints.survey_score,
    touchpoints.linked_interaction_id,
    touchpoints.order_amount,
    texts.customer_sentiment,
    texts.empathy_positive_cues,
    texts.empathy_negative_cues,
    touchpoints.source_ingest_seq,
    texts.scored_at as text_scored_at
from touchpoints
left join texts
    on touchpoints.source = texts.source_entity
    and touchpoints.source_id = texts.source_id
where touchpoints.customer_id is not null
    and touchpoints.touchpoint_at is not null
{%- endmacro %}

{#- The filter of one source of journey_touchpoints(): nothing, or only `customers`. -#}
{% macro journey_customer_filter(column, customers) -%}
{%- if customers is not none -%}
    where {{ column }} in (select customer_id from {{ customers }})
{%- endif -%}
{%- endmacro %}
