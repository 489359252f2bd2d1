{#- Sentiment lift inside a conversation: the customer's last turn minus the first
    (cue-based turn sentiment of int_conversation_turns, -1 / 0 / 1), for the inbound
    conversations where the customer spoke at least twice, by service path (bot_only,
    bot_escalated, human_only, and 'bot' for both bot paths together) overall, by month and by
    channel. Mean lift with its 95% Student-t interval, and the shares of conversations that
    ended better and worse than they started (Wilson intervals). -#}
with conversations as (
    select
        *,
        last_customer_turn_sentiment - first_customer_turn_sentiment as lift
    from {{ ref('int_service_conversations') }}
    where n_customer_turns >= 2
),

by_path as (
    select service_path as path, * from conversations
    union all
    select 'bot', * from conversations where handled_by = 'bot'
),

by_grain as (
    {{ explode_to_grains('by_path', {'overall': none, 'month': 'opened_date', 'channel': 'channel'}) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        path as service_path,
        count(*) as n,
        sum(first_customer_turn_sentiment) as first_sum,
        sum(last_customer_turn_sentiment) as last_sum,
        sum(lift) as lift_sum,
        sum(lift * lift) as lift_sum_of_squares,
        {{ count_where('lift > 0') }} as n_improved,
        {{ count_where('lift < 0') }} as n_worsened
    from by_grain
    group by grain, grain_value, period_start, path
)

select
    grain,
    grain_value,
    period_start,
    service_path,
    n,
    cast(first_sum as double) / n as mean_first_turn_sentiment,
    cast(last_sum as double) / n as mean_last_turn_sentiment,
    cast(lift_sum as double) / n as mean_lift,
    {{ mean_low('lift_sum', 'lift_sum_of_squares', 'n', -2, 2) }} as mean_lift_ci_low,
    {{ mean_high('lift_sum', 'lift_sum_of_squares', 'n', -2, 2) }} as mean_lift_ci_high,
    n_improved,
    cast(n_improved as double) / n as improved_share,
    {{ wilson_low('n_improved', 'n') }} as improved_share_ci_low,
    {{ wilson_high('n_improved', 'n') }} as improved_share_ci_high,
    n_worsened,
    cast(n_worsened as double) / n as worsened_share,
    {{ wilson_low('n_worsened', 'n') }} as worsened_share_ci_low,
    {{ wilson_high('n_worsened', 'n') }} as worsened_share_ci_high,
    n >= {{ var('min_n_reportable') }} as is_reportable
from counts
