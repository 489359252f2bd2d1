{#- Algorithmic empathy score of the bot's turns (DECISIONLOG.md, "Service delivery"): per
    bot conversation, the share of the applicable components its bot turns meet, 0-100:
    - empathy cue (always applicable): a bot turn with an empathy phrase ("I understand",
      "I hear you", ...);
    - acknowledgement of the customer's feeling, applicable when a customer turn before the
      bot's last turn was negative: a bot turn naming the feeling ("that sounds", "how
      frustrating", ...);
    - apology where due, applicable when that customer turn was negative or the bot said it
      could not help: a bot turn with "sorry" or "apologise".
    Cues from seeds/conversation_cues.csv. Mean score with its 95% Student-t interval, and the
    rate of each component where applicable (Wilson), overall, by month and by channel. -#}
with conversations as (
    select
        *,
        customer_negative_with_bot as acknowledgement_due,
        customer_negative_with_bot or had_bot_failure as apology_due
    from {{ ref('int_service_conversations') }}
    where handled_by = 'bot' and n_bot_turns > 0
),

scored as (
    select
        *,
        100 * (
            case when bot_showed_empathy then 1 else 0 end
            + case when acknowledgement_due and bot_acknowledged_feeling then 1 else 0 end
            + case when apology_due and bot_apologized then 1 else 0 end
        ) / (
            1 + case when acknowledgement_due then 1 else 0 end + case when apology_due then 1 else 0 end
        ) as empathy_score
    from conversations
),

by_grain as (
    {{ explode_to_grains('scored', {'overall': none, 'month': 'opened_date', 'channel': 'channel'}) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        count(*) as n_bot_conversations,
        sum(empathy_score) as score_sum,
        sum(empathy_score * empathy_score) as score_sum_of_squares,
        {{ count_where('bot_showed_empathy') }} as n_with_empathy_cue,
        {{ count_where('acknowledgement_due') }} as n_acknowledgement_due,
        {{ count_where('acknowledgement_due and bot_acknowledged_feeling') }} as n_acknowledged,
        {{ count_where('apology_due') }} as n_apology_due,
        {{ count_where('apology_due and bot_apologized') }} as n_apologized
    from by_grain
    group by grain, grain_value, period_start
)

select
    grain,
    grain_value,
    period_start,
    n_bot_conversations,
    round(score_sum / n_bot_conversations, 6) as empathy_score,
    {{ mean_low('score_sum', 'score_sum_of_squares', 'n_bot_conversations', 0, 100) }} as empathy_score_ci_low,
    {{ mean_high('score_sum', 'score_sum_of_squares', 'n_bot_conversations', 0, 100) }} as empathy_score_ci_high,
    n_with_empathy_cue,
    cast(n_with_empathy_cue as double) / n_bot_conversations as empathy_cue_rate,
    {{ wilson_low('n_with_empathy_cue', 'n_bot_conversations') }} as empathy_cue_rate_ci_low,
    {{ wilson_high('n_with_empathy_cue', 'n_bot_conversations') }} as empathy_cue_rate_ci_high,
    n_acknowledgement_due,
    n_acknowledged,
    cast(n_acknowledged as double) / nullif(n_acknowledgement_due, 0) as acknowledgement_rate,
    {{ wilson_low('n_acknowledged', 'n_acknowledgement_due') }} as acknowledgement_rate_ci_low,
    {{ wilson_high('n_acknowledged', 'n_acknowledgement_due') }} as acknowledgement_rate_ci_high,
    n_apology_due,
    n_apologized,
    cast(n_apologized as double) / nullif(n_apology_due, 0) as apology_rate,
    {{ wilson_low('n_apologized', 'n_apology_due') }} as apology_rate_ci_low,
    {{ wilson_high('n_apologized', 'n_apology_due') }} as apology_rate_ci_high,
    n_bot_conversations >= {{ var('min_n_reportable') }} as is_reportable
from counts
