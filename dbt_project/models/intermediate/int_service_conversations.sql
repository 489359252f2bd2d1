{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
    post_hook=["{{ delete_placeholder_rows('service_path') }}"],
) }}

{#- One row per inbound service conversation: its service path, response and resolution
    times, whether the customer came back within var('repeat_contact_days'), the scores of
    its transcript (whole, and the customer's turns only), its CSAT answers, and what its
    turns show (int_conversation_turns): the customer's first and last turn sentiment,
    asking for a person, bot failures, rephrasing, and the empathy cues of the bot's turns.
    Definitions in DECISIONLOG.md ("Service delivery").

    Incremental by interaction: a run rebuilds the conversations conversations_to_rebuild()
    names (a newer interaction row, transcript scoring, turn or CSAT answer, an agent whose team
    changed, and every contact of a customer a newer interaction row names, before or now: the
    repeat-contact flag looks at the customer's other contacts), with delete+insert on
    interaction_id; one that is no longer inbound gets a placeholder row (no service path),
    deleted by the post-hook. -#}
{#- Read only on incremental runs: declared at parse time. -#}
{%- if not execute %}
-- depends_on: {{ ref('int_agents') }}
-- depends_on: {{ source('raw', 'survey_responses') }}
{%- endif %}
{%- set positive_above = var('sentiment_positive_above') %}
{%- set negative_below = var('sentiment_negative_below') %}
with
{%- if is_incremental() %}
rebuilt as (
    {{ conversations_to_rebuild(with_team=true) }}
),
{%- endif %}

inbound as (
    select * from {{ ref('int_interactions_enriched') }}
    where direction = 'inbound'
),

interactions as (
    select * from inbound
{%- if is_incremental() %}
    where interaction_id in (select interaction_id from rebuilt)
{%- endif %}
),

transcripts as (
    select
        source_id as interaction_id,
        has_opinion,
        sentiment_label,
        sentiment_score,
        customer_sentiment_score,
        dominant_emotion,
        _input_seq,
        _scored_at
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
{%- if is_incremental() %}
        and source_id in (select interaction_id from rebuilt)
{%- endif %}
),

csat as (
    select
        interaction_id,
        count(*) as n_csat,
        {{ count_where('is_csat_top2') }} as n_csat_top2,
        sum(score) as csat_score_sum,
        max(_input_seq) as _input_seq
    from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'csat' and interaction_id is not null
{%- if is_incremental() %}
        and interaction_id in (select interaction_id from rebuilt)
{%- endif %}
    group by interaction_id
),

later_contacts as (
    select
        first_contact.interaction_id,
        count(*) as n_later_contacts
    from interactions as first_contact
    inner join inbound as later
        on first_contact.customer_id = later.customer_id
        and later.interaction_id <> first_contact.interaction_id
        and later.opened_at >= first_contact.opened_at
        and later.opened_at <= {{ dbt.dateadd('day', var('repeat_contact_days'), 'first_contact.opened_at') }}
    group by first_contact.interaction_id
),

turns as (
    select * from {{ ref('int_conversation_turns') }}
{%- if is_incremental() %}
    where interaction_id in (select interaction_id from rebuilt)
{%- endif %}
),

bounds as (
    select
        interaction_id,
        max(case when speaker = 'bot' then turn_number end) as last_bot_turn
    from turns
    group by interaction_id
),

turn_summary as (
    select
        turns.interaction_id,
        {{ count_where("turns.speaker = 'customer'") }} as n_customer_turns,
        {{ count_where("turns.speaker = 'bot'") }} as n_bot_turns,
        {{ count_where("turns.speaker = 'customer' and turns.turn_number < bounds.last_bot_turn") }}
            as n_customer_turns_with_bot,
        max(case when turns.speaker = 'customer' and turns.speaker_turn_number = 1
            then turns.turn_sentiment end) as first_customer_turn_sentiment,
        max(case when turns.speaker = 'customer' and turns.speaker_turn_number = turns.speaker_turns
            then turns.turn_sentiment end) as last_customer_turn_sentiment,
        {{ count_where("turns.speaker = 'customer' and turns.asks_for_person") }} > 0 as asked_for_person,
        {{ count_where("turns.speaker = 'bot' and turns.is_bot_failure") }} > 0 as had_bot_failure,
        {{ count_where("turns.speaker = 'customer' and turns.turn_sentiment < 0
            and turns.turn_number < bounds.last_bot_turn") }} > 0 as customer_negative_with_bot,
        {{ count_where("turns.speaker = 'bot' and turns.has_empathy_cue") }} > 0 as bot_showed_empathy,
        {{ count_where("turns.speaker = 'bot' and turns.has_acknowledgement") }} > 0 as bot_acknowledged_feeling,
        {{ count_where("turns.speaker = 'bot' and turns.has_apology") }} > 0 as bot_apologized
    from turns
    inner join bounds
        on turns.interaction_id = bounds.interaction_id
    group by turns.interaction_id
),

conversations as (
    select
        {{ 'rebuilt' if is_incremental() else 'interactions' }}.interaction_id,
        interactions.customer_id,
        interactions.channel,
        interactions.interaction_type,
        interactions.service_path,
        interactions.handled_by,
        interactions.agent_id,
        interactions.team,
        interactions.location,
        interactions.opened_at,
        interactions.opened_date,
        {{ dbt.datediff('interactions.opened_at', 'interactions.first_response_at', 'second') }} / 60
            as first_response_minutes,
        {{ dbt.datediff('interactions.opened_at', 'interactions.resolved_at', 'second') }} / 60
            as resolution_minutes,
        interactions.is_resolved,
        interactions.customer_id is not null as has_customer,
        coalesce(later_contacts.n_later_contacts, 0) > 0 as is_repeat_contact,
        transcripts.interaction_id is not null as has_transcript,
        coalesce(transcripts.has_opinion, false) as transcript_has_opinion,
        transcripts.sentiment_label as transcript_sentiment_label,
        transcripts.sentiment_score as transcript_sentiment_score,
        transcripts.customer_sentiment_score,
        case
            when transcripts.customer_sentiment_score > {{ positive_above }} then 'positive'
            when transcripts.customer_sentiment_score < {{ negative_below }} then 'negative'
            when transcripts.customer_sentiment_score is not null then 'neutral'
        end as customer_sentiment_label,
        transcripts.dominant_emotion,
        cast(coalesce(csat.n_csat, 0) as {{ dbt.type_bigint() }}) as n_csat,
        cast(coalesce(csat.n_csat_top2, 0) as {{ dbt.type_bigint() }}) as n_csat_top2,
        coalesce(csat.csat_score_sum, 0) as csat_score_sum,
        cast(coalesce(turn_summary.n_customer_turns, 0) as {{ dbt.type_int() }}) as n_customer_turns,
        cast(coalesce(turn_summary.n_bot_turns, 0) as {{ dbt.type_int() }}) as n_bot_turns,
        cast(coalesce(turn_summary.n_customer_turns_with_bot, 0) as {{ dbt.type_int() }})
            as n_customer_turns_with_bot,
        turn_summary.first_customer_turn_sentiment,
        turn_summary.last_customer_turn_sentiment,
        coalesce(turn_summary.asked_for_person, false) as asked_for_person,
        coalesce(turn_summary.had_bot_failure, false) as had_bot_failure,
        coalesce(turn_summary.customer_negative_with_bot, false) as customer_negative_with_bot,
        coalesce(turn_summary.bot_showed_empathy, false) as bot_showed_empathy,
        coalesce(turn_summary.bot_acknowledged_feeling, false) as bot_acknowledged_feeling,
        coalesce(turn_summary.bot_apologized, false) as bot_apologized,
        greatest(
            interactions._input_seq,
            coalesce(transcripts._input_seq, -1),
            coalesce(csat._input_seq, -1)
        ) as _input_seq,
        transcripts._scored_at
{%- if is_incremental() %}
    {#- every conversation to rebuild: its row, or a placeholder (no service path) #}
    from rebuilt
    left join interactions
        on rebuilt.interaction_id = interactions.interaction_id
{%- else %}
    from interactions
{%- endif %}
    left join transcripts
        on interactions.interaction_id = transcripts.interaction_id
    left join csat
        on interactions.interaction_id = csat.interaction_id
    left join later_contacts
        on interactions.interaction_id = later_contacts.interaction_id
    left join turn_summary
        on interactions.interaction_id = turn_summary.interaction_id
)

select
    *,
    handled_by = 'bot' and n_customer_turns_with_bot >= {{ var('bot_rephrase_turns') }} as customer_rephrased,
    handled_by = 'bot' and n_customer_turns >= 2
        and coalesce(last_customer_turn_sentiment < first_customer_turn_sentiment, false) as sentiment_fell,
    handled_by = 'bot' and (
        asked_for_person
        or had_bot_failure
        or n_customer_turns_with_bot >= {{ var('bot_rephrase_turns') }}
        or (n_customer_turns >= 2
            and coalesce(last_customer_turn_sentiment < first_customer_turn_sentiment, false))
    ) as bot_struggled
from conversations
