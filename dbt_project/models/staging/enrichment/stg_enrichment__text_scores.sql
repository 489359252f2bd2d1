{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='text_hash',
) }}

{#- One row per text: the most recent scoring of it, whatever lexicon version produced it.

    A table (its tests and readers do not re-rank every scoring), incremental by text: a run
    reads only the scorings newer than the newest this table holds (`scored_at`); a newer
    scoring outranks every one held, so `delete+insert` on text_hash gives the rows a full
    rebuild gives. -#}
with source as (
    select * from {{ source('enrichment', 'text_scores') }}
{%- if is_incremental() %}
    where scored_at > (
        select coalesce(max(scored_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
        from {{ this }}
    )
{%- endif %}
),

latest as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by text_hash order by scored_at desc, lexicon_version desc
            ) as _latest_rank
        from source
    ) as ranked
    where _latest_rank = 1
),

renamed as (
    select
        cast(text_hash as {{ dbt.type_string() }}) as text_hash,
        cast(lexicon_version as {{ dbt.type_string() }}) as lexicon_version,
        cast(masked_text as {{ dbt.type_string() }}) as masked_text,
        cast(textblob_polarity as double) as textblob_polarity,
        cast(textblob_subjectivity as double) as textblob_subjectivity,
        cast(sentiment_score as double) as sentiment_score,
        cast(customer_sentiment_score as double) as customer_sentiment_score,
        cast(sentiment_label as {{ dbt.type_string() }}) as sentiment_label,
        cast(has_opinion as {{ dbt.type_boolean() }}) as has_opinion,
        cast(opinion_word_count as {{ dbt.type_int() }}) as opinion_word_count,
        cast(empathy_positive_cues as {{ dbt.type_int() }}) as empathy_positive_cues,
        cast(empathy_negative_cues as {{ dbt.type_int() }}) as empathy_negative_cues,
{%- for emotion in ['joy', 'anger', 'sadness', 'fear', 'trust', 'surprise'] %}
        cast(emotion_{{ emotion }} as {{ dbt.type_int() }}) as emotion_{{ emotion }},
{%- endfor %}
        cast(dominant_emotion as {{ dbt.type_string() }}) as dominant_emotion,
        topics,
        staff_mentions,
        cast(scored_at as {{ dbt.type_timestamp() }}) as scored_at
    from latest
)

select * from renamed
