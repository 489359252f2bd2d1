{#- Examples of bot conversations where the bot struggled, per signal (asked_for_person,
    bot_failure, rephrased, sentiment_fell): the var('verbatims_per_group') most recent ones,
    with the masked transcript (emails, phone numbers, card numbers and staff names masked by
    the enrichment; never the raw text). -#}
with conversations as (
    select * from {{ ref('int_service_conversations') }}
    where bot_struggled
),

transcripts as (
    select source_id as interaction_id, masked_text
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

signals as (
    select 'asked_for_person' as signal, * from conversations where asked_for_person
    union all
    select 'bot_failure', * from conversations where had_bot_failure
    union all
    select 'rephrased', * from conversations where customer_rephrased
    union all
    select 'sentiment_fell', * from conversations where sentiment_fell
),

ranked as (
    select
        signals.*,
        row_number() over (
            partition by signals.signal order by signals.opened_at desc, signals.interaction_id
        ) as example_rank
    from signals
)

select
    ranked.signal,
    cast(ranked.example_rank as {{ dbt.type_int() }}) as example_rank,
    ranked.interaction_id,
    ranked.opened_date,
    ranked.channel,
    ranked.interaction_type,
    ranked.service_path,
    ranked.asked_for_person,
    ranked.had_bot_failure,
    ranked.customer_rephrased,
    ranked.sentiment_fell,
    ranked.is_resolved,
    transcripts.masked_text
from ranked
inner join transcripts
    on ranked.interaction_id = transcripts.interaction_id
where ranked.example_rank <= {{ var('verbatims_per_group') }}
