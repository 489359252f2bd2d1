{#- Inbound contacts handled by an agent, each with the customer's previous inbound contact
    (any handler), for the contextual proxies (DECISIONLOG.md, "Tier 3: support need and
    contextual proxies"):
    - is_follow_up: opened within 30 days after the previous inbound contact;
    - is_acknowledged: a follow-up whose transcript contains a phrase of the seed
      acknowledgement_phrases (the agent acknowledged the earlier issue; case-insensitive);
    - is_distressed: a follow-up whose previous contact was still unresolved when it was
      opened (the customer is chasing an open issue).
    Outcomes: CSAT top-2 (the linked CSAT answer), resolved, customer sentiment of the
    transcript, seconds to the first response. -#}
{%- set follow_up_days = 30 -%}
with inbound as (
    select interaction_id, customer_id, handled_by, opened_at, first_response_at, resolved_at,
        lag(opened_at) over (partition by customer_id order by opened_at, interaction_id)
            as previous_opened_at,
        lag(resolved_at) over (partition by customer_id order by opened_at, interaction_id)
            as previous_resolved_at
    from {{ ref('int_interactions_enriched') }}
    where direction = 'inbound'
),

transcripts as (
    select source_id as interaction_id, lower(masked_text) as text, customer_sentiment_score
    from {{ ref('int_texts_scored') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

csat as (
    select interaction_id, max(case when is_csat_top2 then 1 else 0 end) as csat_top2
    from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'csat' and interaction_id is not null and score is not null
    group by interaction_id
),

flagged as (
    select i.*,
        coalesce(i.previous_opened_at is not null
            and i.opened_at <= {{ dbt.dateadd('day', follow_up_days, 'i.previous_opened_at') }},
            false) as is_follow_up,
        i.previous_opened_at is not null
            and (i.previous_resolved_at is null or i.previous_resolved_at > i.opened_at)
            as previous_open
    from inbound as i
),

acknowledged as (
    {#- only follow-ups handled by an agent can be acknowledged: the phrase search (a LIKE per
        phrase and transcript) reads their transcripts only -#}
    select t.interaction_id
    from transcripts as t
    inner join flagged as f
        on t.interaction_id = f.interaction_id
        and f.is_follow_up
        and f.handled_by = 'agent'
    inner join {{ ref('acknowledgement_phrases') }} as a
        on t.text like {{ dbt.concat(["'%'", "lower(a.phrase)", "'%'"]) }}
    group by t.interaction_id
)

select
    f.interaction_id,
    f.customer_id,
    f.opened_at,
    f.previous_opened_at,
    f.is_follow_up,
    f.is_follow_up and a.interaction_id is not null as is_acknowledged,
    f.is_follow_up and f.previous_open as is_distressed,
    c.csat_top2,
    case when f.resolved_at is not null then 1 else 0 end as is_resolved,
    t.customer_sentiment_score,
    case when f.first_response_at is not null then
        greatest(1, {{ dbt.datediff('f.opened_at', 'f.first_response_at', 'second') }})
    end as first_response_seconds
from flagged as f
left join acknowledged as a on f.interaction_id = a.interaction_id
left join csat as c on f.interaction_id = c.interaction_id
left join transcripts as t on f.interaction_id = t.interaction_id
where f.handled_by = 'agent'
