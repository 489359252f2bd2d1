{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='text_hash',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where text_hash not in ("
        ~ "select text_hash from {{ ref('int_texts_scored') }} "
        ~ "where source_entity = 'interactions' and text_field = 'transcript'){% endif %}"
    ],
) }}

{#- One row per turn (line) of each distinct masked transcript (by text hash): who spoke
    (customer, agent, bot, or unknown when the line has no speaker label), the turn's coarse
    sentiment from the sentiment cues of seeds/conversation_cues.csv (-1, 0, 1: the sign of the
    sum of the valences found) and which other cues it carries (asking for a person, a bot
    failing, empathy, acknowledgement of a feeling, apology). Only the masked text is read.

    Incremental by text: a run splits only the transcripts whose text this table does not hold
    yet, and drops the texts no interaction's transcript has any more (a newer export replaced
    them), so it holds the rows a full rebuild gives. The turns of a text depend on the text alone (its hash) and on the cues seed, and a
    text's masked form changes only with the lexicon; a change of the seed or the lexicon is a
    code change, after which the pipeline rebuilds in full (orchestration/incremental_basis.py). -#}
with all_transcripts as (
    select distinct text_hash, masked_text
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

transcripts as (
    select all_transcripts.text_hash, all_transcripts.masked_text
    from all_transcripts
{%- if is_incremental() %}
    left join (select distinct text_hash from {{ this }}) as done
        on all_transcripts.text_hash = done.text_hash
    where done.text_hash is null
{%- endif %}
),

cues as (
    select * from {{ ref('conversation_cues') }}
),

lines as (
    {{ split_lines('transcripts', ['text_hash'], 'masked_text') }}
),

labelled as (
    select
        text_hash,
        line_number,
        line_text,
        {{ dbt.position("':'", 'line_text') }} as colon_at
    from lines
),

parsed as (
    select
        text_hash,
        line_number,
        case
            when colon_at > 0 then lower(trim({{ dbt.split_part('line_text', "':'", 1) }}))
        end as speaker_label,
        trim(case
            when colon_at > 0 then {{ dbt.right('line_text', dbt.length('line_text') ~ ' - colon_at') }}
            else line_text
        end) as turn_text
    from labelled
),

turns as (
    select
        text_hash,
        line_number as turn_number,
        case
            when speaker_label in ('customer', 'client', 'user', 'me') then 'customer'
            when speaker_label in ('bot', 'assistant', 'system') then 'bot'
            when speaker_label in ('agent', 'rep', 'representative', 'staff', 'support') then 'agent'
            else 'unknown'
        end as speaker,
        turn_text,
        lower(turn_text) as turn_lower
    from parsed
    where turn_text <> ''
),

matches as (
    select
        turns.text_hash,
        turns.turn_number,
        cues.kind,
        cues.valence
    from turns
    inner join cues
        on {{ dbt.position('cues.cue', 'turns.turn_lower') }} > 0
),

per_turn as (
    select
        text_hash,
        turn_number,
        sum(case when kind = 'sentiment' then valence else 0 end) as valence_sum,
        {{ count_where("kind = 'sentiment'") }} as n_sentiment_cues,
        {{ count_where("kind = 'person_request'") }} as n_person_requests,
        {{ count_where("kind = 'bot_failure'") }} as n_bot_failures,
        {{ count_where("kind = 'empathy'") }} as n_empathy_cues,
        {{ count_where("kind = 'acknowledgement'") }} as n_acknowledgements,
        {{ count_where("kind = 'apology'") }} as n_apologies
    from matches
    group by text_hash, turn_number
)

select
    turns.text_hash,
    cast(turns.turn_number as {{ dbt.type_int() }}) as turn_number,
    turns.speaker,
    cast(row_number() over (
        partition by turns.text_hash, turns.speaker order by turns.turn_number
    ) as {{ dbt.type_int() }}) as speaker_turn_number,
    cast(count(*) over (
        partition by turns.text_hash, turns.speaker
    ) as {{ dbt.type_int() }}) as speaker_turns,
    turns.turn_text as masked_turn_text,
    cast(case
        when per_turn.valence_sum > 0 then 1
        when per_turn.valence_sum < 0 then -1
        else 0
    end as {{ dbt.type_int() }}) as turn_sentiment,
    coalesce(per_turn.n_sentiment_cues, 0) > 0 as has_sentiment_cue,
    coalesce(per_turn.n_person_requests, 0) > 0 as asks_for_person,
    coalesce(per_turn.n_bot_failures, 0) > 0 as is_bot_failure,
    coalesce(per_turn.n_empathy_cues, 0) > 0 as has_empathy_cue,
    coalesce(per_turn.n_acknowledgements, 0) > 0 as has_acknowledgement,
    coalesce(per_turn.n_apologies, 0) > 0 as has_apology
from turns
left join per_turn
    on turns.text_hash = per_turn.text_hash
    and turns.turn_number = per_turn.turn_number
