{#- Masked exit-survey comments by reason: per reason and polarity, the verbatims_per_group
    (default 3) distinct texts strongest by sentiment score (the latest answer of each text), with the answer's felt understood / valued and
    the customer's last contact before leaving. Only the masked text is published. -#}
with texts as (
    select * from {{ ref('int_texts_scored') }}
    where source_entity = 'exit_surveys' and masked_text is not null
),

feedback as (
    select * from {{ ref('int_exit_feedback') }}
    where source = 'exit_survey'
),

linked as (
    select
        feedback.reason,
        case when texts.has_opinion then texts.sentiment_label else 'no_opinion' end as polarity,
        texts.text_hash,
        feedback.feedback_date as text_date,
        feedback.felt_understood,
        feedback.felt_valued,
        feedback.last_contact_type,
        feedback.last_contact_resolved,
        texts.sentiment_score,
        texts.masked_text,
        row_number() over (
            partition by feedback.reason, texts.text_hash
            order by feedback.feedback_date desc, feedback.feedback_id desc
        ) as occurrence_rank
    from texts
    inner join feedback on texts.source_id = feedback.feedback_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by reason, polarity
            order by abs(sentiment_score) desc, text_date desc, text_hash
        ) as verbatim_rank
    from linked
    where occurrence_rank = 1
)

select
    reason,
    polarity,
    cast(verbatim_rank as {{ dbt.type_bigint() }}) as verbatim_rank,
    text_hash,
    text_date,
    felt_understood,
    felt_valued,
    last_contact_type,
    last_contact_resolved,
    sentiment_score,
    masked_text
from ranked
where verbatim_rank <= {{ var('verbatims_per_group') }}
