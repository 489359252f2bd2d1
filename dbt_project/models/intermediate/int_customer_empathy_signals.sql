{#- Per customer, the perceived-empathy signals dated on or before `as_of` and on or after
    segment_window_start (int_relationship_window), each turned into a vote (+1 empathetic,
    -1 not, 0 neutral), and the segment they add up to. Undated exports (null as_of) use
    every signal. Exit surveys are left out: only customers who already left answer them.
    Rule (DECISIONLOG.md): felt_understood mean >= 4 -> +1, < 3 -> -1; CSAT mean >= 4 -> +1,
    < 3 -> -1; CES share easy > 0.5 -> +1, < 0.5 -> -1; conversations' net empathy cues
    (positive - negative) > 0 -> +1, < 0 -> -1; customer sentiment of conversations > 0.10 ->
    +1, < -0.05 -> -1; any inbound contact unresolved by as_of or escalated -> -1. Segment:
    high = some +1 and no -1; low = some -1 and no +1; mixed = both, or only neutral signals;
    no_signal = none. -#}
with window_ as (
    select * from {{ ref('int_relationship_window') }}
),

answers as (
    select responses.*
    from {{ ref('int_survey_responses_enriched') }} as responses
    cross join window_
    where responses.customer_id is not null
        and (window_.as_of is null or (
            responses.response_date <= window_.as_of
            and responses.response_date >= window_.segment_window_start))
),

contacts as (
    select
        interactions.*,
        window_.as_of
    from {{ ref('stg_crm__interactions') }} as interactions
    cross join window_
    where interactions.customer_id is not null
        and interactions.direction = 'inbound'
        and (window_.as_of is null or (
            cast(interactions.opened_at as date) <= window_.as_of
            and cast(interactions.opened_at as date) >= window_.segment_window_start))
),

occurrences as (
    select source_id, text_hash
    from {{ ref('stg_enrichment__text_occurrences') }}
    where source_entity = 'interactions' and text_field = 'transcript'
),

conversations as (
    select
        contacts.customer_id,
        coalesce(scores.empathy_positive_cues, 0) as positive_cues,
        coalesce(scores.empathy_negative_cues, 0) as negative_cues,
        scores.customer_sentiment_score
    from contacts
    inner join occurrences on contacts.interaction_id = occurrences.source_id
    inner join {{ ref('stg_enrichment__text_scores') }} as scores
        on occurrences.text_hash = scores.text_hash
),

survey_signals as (
    select
        customer_id,
        count(felt_understood) as n_felt_understood,
        avg(felt_understood) as felt_understood_mean,
        {{ count_where("survey_type = 'csat'") }} as n_csat,
        avg(case when survey_type = 'csat' then score end) as csat_mean,
        {{ count_where("survey_type = 'ces'") }} as n_ces,
        avg(case when survey_type = 'ces' then case when is_ces_easy then 1 else 0 end end)
            as ces_easy_share
    from answers
    group by customer_id
),

conversation_signals as (
    select
        customer_id,
        count(*) as n_conversations,
        sum(positive_cues) - sum(negative_cues) as net_empathy_cues,
        count(customer_sentiment_score) as n_customer_sentiment,
        avg(customer_sentiment_score) as customer_sentiment_mean
    from conversations
    group by customer_id
),

contact_signals as (
    select
        customer_id,
        count(*) as n_contacts,
        {{ count_where("resolved_at is null or (as_of is not null and cast(resolved_at as date) > as_of)") }}
            as n_unresolved,
        {{ count_where("escalated_to_human") }} as n_escalated
    from contacts
    group by customer_id
),

customers as (
    select customer_id from survey_signals
    union
    select customer_id from conversation_signals
    union
    select customer_id from contact_signals
),

votes as (
    select
        customers.customer_id,
        coalesce(survey_signals.n_felt_understood, 0) as n_felt_understood,
        survey_signals.felt_understood_mean,
        coalesce(survey_signals.n_csat, 0) as n_csat,
        survey_signals.csat_mean,
        coalesce(survey_signals.n_ces, 0) as n_ces,
        survey_signals.ces_easy_share,
        coalesce(conversation_signals.n_conversations, 0) as n_conversations,
        conversation_signals.net_empathy_cues,
        conversation_signals.customer_sentiment_mean,
        coalesce(contact_signals.n_contacts, 0) as n_contacts,
        coalesce(contact_signals.n_unresolved, 0) as n_unresolved,
        coalesce(contact_signals.n_escalated, 0) as n_escalated,
        case
            when survey_signals.felt_understood_mean >= 4 then 1
            when survey_signals.felt_understood_mean < 3 then -1
            when survey_signals.felt_understood_mean is not null then 0
        end as understood_vote,
        case
            when survey_signals.csat_mean >= 4 then 1
            when survey_signals.csat_mean < 3 then -1
            when survey_signals.csat_mean is not null then 0
        end as csat_vote,
        case
            when survey_signals.ces_easy_share > 0.5 then 1
            when survey_signals.ces_easy_share < 0.5 then -1
            when survey_signals.ces_easy_share is not null then 0
        end as ces_vote,
        case
            when conversation_signals.net_empathy_cues > 0 then 1
            when conversation_signals.net_empathy_cues < 0 then -1
            when conversation_signals.net_empathy_cues is not null then 0
        end as cues_vote,
        {#- A mean of doubles differs in its last bits with the order of the rows summed (the
            tables' row order differs between an incremental build and a full refresh): rounded
            to 9 decimals, a mean of exactly 0.10 is never above 0.10. #}
        case
            when round(conversation_signals.customer_sentiment_mean, 9) > 0.10 then 1
            when round(conversation_signals.customer_sentiment_mean, 9) < -0.05 then -1
            when conversation_signals.customer_sentiment_mean is not null then 0
        end as sentiment_vote,
        case
            when contact_signals.n_unresolved > 0 or contact_signals.n_escalated > 0 then -1
            when contact_signals.n_contacts > 0 then 0
        end as service_vote
    from customers
    left join survey_signals on customers.customer_id = survey_signals.customer_id
    left join conversation_signals on customers.customer_id = conversation_signals.customer_id
    left join contact_signals on customers.customer_id = contact_signals.customer_id
),

{%- set vote_columns = ['understood_vote', 'csat_vote', 'ces_vote', 'cues_vote', 'sentiment_vote', 'service_vote'] %}

tallied as (
    select
        *,
        {% for v in vote_columns %}case when {{ v }} = 1 then 1 else 0 end{% if not loop.last %} + {% endif %}{% endfor %} as positive_votes,
        {% for v in vote_columns %}case when {{ v }} = -1 then 1 else 0 end{% if not loop.last %} + {% endif %}{% endfor %} as negative_votes,
        {% for v in vote_columns %}case when {{ v }} is not null then 1 else 0 end{% if not loop.last %} + {% endif %}{% endfor %} as n_signals
    from votes
)

select
    tallied.*,
    case
        when n_signals = 0 then 'no_signal'
        when positive_votes > 0 and negative_votes = 0 then 'high'
        when negative_votes > 0 and positive_votes = 0 then 'low'
        else 'mixed'
    end as empathy_segment,
    case
        when felt_understood_mean >= 4 then 'understood'
        when felt_understood_mean is not null then 'not_understood'
        else 'no_answer'
    end as felt_understood_segment
from tallied
