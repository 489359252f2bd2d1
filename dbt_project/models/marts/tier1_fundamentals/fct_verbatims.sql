{#- The most telling customer quotes: per source, topic and polarity, the texts with the
    strongest positive (or negative) score. Only the masked text is ever published. -#}
with customer_texts as (
    select * from {{ ref('int_texts_scored') }}
    where text_role = 'customer'
        and has_opinion
        and sentiment_label in ('positive', 'negative')
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
