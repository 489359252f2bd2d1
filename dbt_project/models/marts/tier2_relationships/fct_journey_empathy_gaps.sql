{#- The empathy gap per touchpoint kind and channel: how the customer feels at this kind of
    touchpoint against the average of their own journey (the customer's sentiment minus
    their journey's mean), and how the empathy cues of its text (positive minus negative
    words) compare with their journey's mean. Only journeys with at least two touchpoints
    carrying that signal count: with one, the gap is zero by construction. Means come with
    Student-t intervals from the sums, so any regrouping can be recomputed. -#}
{%- set min_n = var('min_n_reportable') %}
with touchpoints as (
    select
        *,
        count(customer_sentiment) over (partition by customer_id) as journey_sentiment_count,
        count(empathy_cue_balance) over (partition by customer_id) as journey_cue_count
    from {{ ref('fct_journey_touchpoints') }}
),

signals as (
    select
        touchpoint_kind,
        channel,
        case when journey_sentiment_count >= 2 then customer_sentiment end as sentiment,
        case when journey_sentiment_count >= 2 then sentiment_gap_vs_journey end as sentiment_gap,
        case when journey_sentiment_count >= 2 then sentiment_label end as sentiment_label,
        case when journey_cue_count >= 2 then empathy_cue_gap_vs_journey end as cue_gap
    from touchpoints
    where customer_sentiment is not null or empathy_cue_balance is not null
),

grouped as (
    select 'kind' as grain, touchpoint_kind, 'all' as channel, sentiment, sentiment_gap,
        sentiment_label, cue_gap
    from signals
    union all
    select 'kind_channel', touchpoint_kind, channel, sentiment, sentiment_gap, sentiment_label,
        cue_gap
    from signals
),

sums as (
    select
        grain,
        touchpoint_kind,
        channel,
        cast(count(sentiment_gap) as {{ dbt.type_bigint() }}) as n_with_sentiment,
        {{ count_where("sentiment_label = 'negative'") }} as n_negative,
        sum(sentiment) as sentiment_sum,
        sum(sentiment_gap) as sentiment_gap_sum,
        sum(sentiment_gap * sentiment_gap) as sentiment_gap_sum_of_squares,
        cast(count(cue_gap) as {{ dbt.type_bigint() }}) as n_with_cues,
        sum(cue_gap) as cue_gap_sum,
        sum(cue_gap * cue_gap) as cue_gap_sum_of_squares
    from grouped
    group by grain, touchpoint_kind, channel
)

select
    grain,
    touchpoint_kind,
    channel,
    n_with_sentiment,
    sentiment_sum / nullif(n_with_sentiment, 0) as mean_customer_sentiment,
    n_negative,
    cast(n_negative as double) / nullif(n_with_sentiment, 0) as negative_share,
    {{ wilson_low('n_negative', 'n_with_sentiment') }} as negative_share_ci_low,
    {{ wilson_high('n_negative', 'n_with_sentiment') }} as negative_share_ci_high,
    sentiment_gap_sum,
    sentiment_gap_sum_of_squares,
    sentiment_gap_sum / nullif(n_with_sentiment, 0) as mean_sentiment_gap,
    {{ mean_low('sentiment_gap_sum', 'sentiment_gap_sum_of_squares', 'n_with_sentiment', -2, 2) }}
        as mean_sentiment_gap_ci_low,
    {{ mean_high('sentiment_gap_sum', 'sentiment_gap_sum_of_squares', 'n_with_sentiment', -2, 2) }}
        as mean_sentiment_gap_ci_high,
    n_with_cues,
    cue_gap_sum,
    cue_gap_sum_of_squares,
    cue_gap_sum / nullif(n_with_cues, 0) as mean_cue_gap,
    {{ mean_low('cue_gap_sum', 'cue_gap_sum_of_squares', 'n_with_cues', -1000, 1000) }}
        as mean_cue_gap_ci_low,
    {{ mean_high('cue_gap_sum', 'cue_gap_sum_of_squares', 'n_with_cues', -1000, 1000) }}
        as mean_cue_gap_ci_high,
    n_with_sentiment >= {{ min_n }} as is_reportable
from sums
