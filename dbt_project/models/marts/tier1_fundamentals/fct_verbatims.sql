{#- The most telling customer quotes: per source, topic and polarity, the texts with the
    strongest positive (or negative) score. Only the masked text is ever published.
    A quote whose own star rating or survey score contradicts its polarity (a 5-star review
    scored negative, an NPS detractor scored positive) is the scorer's mistake and is never
    shown: reviews and CSAT 1-2 vs 4-5, NPS 0-6 vs 9-10. -#}
with scored_texts as (
    select * from {{ ref('int_texts_scored') }}
    where text_role = 'customer'
        and has_opinion
        and sentiment_label in ('positive', 'negative')
),

review_ratings as (
    select review_id, rating from {{ ref('stg_reviews__reviews') }}
    where rating is not null
),

survey_scores as (
    select response_id, survey_type, score from {{ ref('stg_surveys__survey_responses') }}
    where score is not null and survey_type in ('csat', 'nps')
),

customer_texts as (
    select scored_texts.*
    from scored_texts
    left join review_ratings
        on scored_texts.source_entity = 'reviews'
        and scored_texts.source_id = review_ratings.review_id
    left join survey_scores
        on scored_texts.source_entity = 'survey_responses'
        and scored_texts.source_id = survey_scores.response_id
    where not coalesce(
        (scored_texts.sentiment_label = 'positive' and (
            review_ratings.rating <= 2
            or (survey_scores.survey_type = 'csat' and survey_scores.score <= 2)
            or (survey_scores.survey_type = 'nps' and survey_scores.score <= 6)))
        or (scored_texts.sentiment_label = 'negative' and (
            review_ratings.rating >= 4
            or (survey_scores.survey_type = 'csat' and survey_scores.score >= 4)
            or (survey_scores.survey_type = 'nps' and survey_scores.score >= 9))),
        false)
),

distinct_texts as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by source_entity, text_hash order by text_date desc nulls last, source_id
            ) as occurrence_rank
        from customer_texts
    ) as ranked
    where occurrence_rank = 1
),

by_topic as (
    {{ unnest_list('distinct_texts', 'topics', 'topic', empty_value='no_topic') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by source_entity, topic, sentiment_label
            order by
                case when sentiment_label = 'positive' then sentiment_score else -sentiment_score end desc,
                text_date desc nulls last,
                text_hash
        ) as verbatim_rank
    from by_topic
)

select
    source_entity,
    topic,
    sentiment_label as polarity,
    cast(verbatim_rank as {{ dbt.type_bigint() }}) as verbatim_rank,
    text_hash,
    text_date,
    platform,
    channel,
    interaction_type,
    sentiment_score,
    {{ list_to_string('topics') }} as topics,
    masked_text
from ranked
where verbatim_rank <= {{ var('verbatims_per_group') }}
