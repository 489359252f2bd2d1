{#- One row per turn (line) of the masked transcript of an interaction: the turns of its
    transcript's text (int_transcript_turns, split once per distinct text). -#}
with transcripts as (
    select source_id as interaction_id, text_hash
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

turns as (
    select * from {{ ref('int_transcript_turns') }}
)

select
    transcripts.interaction_id,
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
    turns.has_apology
from transcripts
inner join turns
    on transcripts.text_hash = turns.text_hash
