{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where turn_number is null{% endif %}"
    ],
) }}

{#- One row per turn (line) of the masked transcript of an interaction: the turns of its
    transcript's text (int_transcript_turns, split once per distinct text).

    Incremental by interaction: a run rebuilds the interactions whose transcript row in
    int_texts_scored has an input newer than this table holds (`_input_seq`) or a newer
    scoring (`_scored_at`), and the interactions exported again (their transcript may be gone),
    with delete+insert on interaction_id. An interaction to rebuild without turns gets one
    placeholder row without a turn number, which deletes the turns it had and is then deleted
    itself (post-hook), so the table holds the rows a full rebuild gives. -#}
-- depends_on: {{ ref('stg_crm__interactions') }}
with transcripts as (
    select source_id as interaction_id, text_hash, _input_seq, _scored_at
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

turns as (
    select * from {{ ref('int_transcript_turns') }}
),

{%- if is_incremental() %}

changed_interactions as (
    select interaction_id from transcripts
    where _input_seq > {{ held_input_seq() }}
        or _scored_at > {{ held_scored_at() }}
    union
    select interaction_id from {{ ref('stg_crm__interactions') }}
    where _ingest_seq > {{ held_input_seq() }}
),

selected as (
    select transcripts.*
    from transcripts
    inner join changed_interactions
        on transcripts.interaction_id = changed_interactions.interaction_id
),
{%- else %}

selected as (
    select * from transcripts
),
{%- endif %}

conversation_turns as (
    select
        selected.interaction_id,
        turns.turn_number,
        turns.speaker,
        turns.speaker_turn_number,
        turns.speaker_turns,
        turns.masked_turn_text,
        turns.turn_sentiment,
        turns.has_sentiment_cue,
        turns.asks_for_person,
        turns.is_bot_failure,
        turns.has_empathy_cue,
        turns.has_acknowledgement,
        turns.has_apology,
        selected._input_seq,
        selected._scored_at
    from selected
    inner join turns
        on selected.text_hash = turns.text_hash
)

{%- if is_incremental() %}

{#- Each interaction to rebuild: its turns, or one placeholder row without a turn number. #}
select
    changed_interactions.interaction_id,
    conversation_turns.turn_number,
    conversation_turns.speaker,
    conversation_turns.speaker_turn_number,
    conversation_turns.speaker_turns,
    conversation_turns.masked_turn_text,
    conversation_turns.turn_sentiment,
    conversation_turns.has_sentiment_cue,
    conversation_turns.asks_for_person,
    conversation_turns.is_bot_failure,
    conversation_turns.has_empathy_cue,
    conversation_turns.has_acknowledgement,
    conversation_turns.has_apology,
    conversation_turns._input_seq,
    conversation_turns._scored_at
from changed_interactions
left join conversation_turns
    on changed_interactions.interaction_id = conversation_turns.interaction_id
{%- else %}

select * from conversation_turns
{%- endif %}
