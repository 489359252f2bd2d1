{#- One row per turn (line) of the masked transcript of an interaction: who spoke (customer,
    agent, bot, or unknown when the line has no speaker label), the turn's coarse sentiment
    from the sentiment cues of seeds/conversation_cues.csv (-1, 0, 1: the sign of the sum of
    the valences found) and which other cues it carries (asking for a person, a bot failing,
    empathy, acknowledgement of a feeling, apology). Only the masked text is read. -#}
with transcripts as (
    select source_id as interaction_id, masked_text
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

cues as (
    select * from {{ ref('conversation_cues') }}
),

lines as (
    {{ split_lines('transcripts', ['interaction_id'], 'masked_text') }}
),

labelled as (
    select
        interaction_id,
        line_number,
        line_text,
        {{ dbt.position("':'", 'line_text') }} as colon_at
    from lines
),

parsed as (
    select
        interaction_id,
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
        interaction_id,
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
        turns.interaction_id,
        turns.turn_number,
        cues.kind,
        cues.valence
    from turns
    inner join cues
        on {{ dbt.position('cues.cue', 'turns.turn_lower') }} > 0
),

per_turn as (
    select
        interaction_id,
        turn_number,
        sum(case when kind = 'sentiment' then valence else 0 end) as valence_sum,
        {{ count_where("kind = 'sentiment'") }} as n_sentiment_cues,
        {{ count_where("kind = 'person_request'") }} as n_person_requests,
        {{ count_where("kind = 'bot_failure'") }} as n_bot_failures,
        {{ count_where("kind = 'empathy'") }} as n_empathy_cues,
        {{ count_where("kind = 'acknowledgement'") }} as n_acknowledgements,
        {{ count_where("kind = 'apology'") }} as n_apologies
    from matches
    group by interaction_id, turn_number
)

select
    turns.interaction_id,
    cast(turns.turn_number as {{ dbt.type_int() }}) as turn_number,
    turns.speaker,
    cast(row_number() over (
        partition by turns.interaction_id, turns.speaker order by turns.turn_number
    ) as {{ dbt.type_int() }}) as speaker_turn_number,
    cast(count(*) over (
        partition by turns.interaction_id, turns.speaker
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
    on turns.interaction_id = per_turn.interaction_id
    and turns.turn_number = per_turn.turn_number
