{#- First-response and resolution times of inbound conversations at every grain, for every
    first responder ('any', 'agent' when a person answered first, 'bot' when a bot did):
    medians with their distribution-free 95% interval and the 90th percentile, in minutes,
    and the share answered within the channel's target (seeds/service_response_targets.csv).
    Every row is computed from the conversations of its own group. -#}
with conversations as {{ inline_cte() }} (
    {#- only the columns the grains and measures read: every row is repeated 16 times below -#}
    select
        conversations.handled_by,
        conversations.opened_date,
        conversations.channel,
        conversations.interaction_type,
        conversations.team,
        conversations.service_path,
        conversations.first_response_minutes,
        conversations.resolution_minutes,
        targets.first_response_target_minutes
    from {{ ref('int_service_conversations') }} as conversations
    left join {{ ref('service_response_targets') }} as targets
        on conversations.channel = targets.channel
),

by_responder as {{ inline_cte() }} (
    select 'any' as first_responder, * from conversations
    union all
    select case when handled_by = 'bot' then 'bot' else 'agent' end, * from conversations
),

by_grain as {{ inline_cte() }} (
    {{ explode_to_grains('by_responder', {
        'overall': none,
        'month': 'opened_date',
        'quarter': 'opened_date',
        'weekday': 'opened_date',
        'channel': 'channel',
        'interaction_type': 'interaction_type',
        'team': 'team',
        'service_path': 'service_path',
    }) }}
),

counts as (
    select
        first_responder,
        grain,
        grain_value,
        period_start,
        count(*) as n_conversations,
        {{ count_where('first_response_minutes is not null') }} as n_responded,
        {{ count_where('first_response_target_minutes is not null and first_response_minutes is not null') }}
            as n_with_target,
        {{ count_where('first_response_minutes <= first_response_target_minutes') }} as n_on_time,
        {{ count_where('resolution_minutes is not null') }} as n_resolved
    from by_grain
    group by first_responder, grain, grain_value, period_start
),

{%- for measure in ['first_response', 'resolution'] %}

quantiles_{{ measure }} as (
    {{ quantile_summary('by_grain', ['first_responder', 'grain', 'grain_value'], measure ~ '_minutes') }}
),
{%- endfor %}

joined as (
    select
        counts.*,
        first_response.median_value as median_first_response_minutes,
        first_response.median_value_ci_low as median_first_response_minutes_ci_low,
        first_response.median_value_ci_high as median_first_response_minutes_ci_high,
        first_response.p90_value as p90_first_response_minutes,
        resolution.median_value as median_resolution_minutes,
        resolution.median_value_ci_low as median_resolution_minutes_ci_low,
        resolution.median_value_ci_high as median_resolution_minutes_ci_high,
        resolution.p90_value as p90_resolution_minutes
    from counts
    left join quantiles_first_response as first_response
        on counts.first_responder = first_response.first_responder
        and counts.grain = first_response.grain
        and counts.grain_value = first_response.grain_value
    left join quantiles_resolution as resolution
        on counts.first_responder = resolution.first_responder
        and counts.grain = resolution.grain
        and counts.grain_value = resolution.grain_value
)

select
    first_responder,
    grain,
    grain_value,
    period_start,
    n_conversations,
    n_responded,
    round(median_first_response_minutes, 6) as median_first_response_minutes,
    round(median_first_response_minutes_ci_low, 6) as median_first_response_minutes_ci_low,
    round(median_first_response_minutes_ci_high, 6) as median_first_response_minutes_ci_high,
    round(p90_first_response_minutes, 6) as p90_first_response_minutes,
    n_with_target,
    n_on_time,
    cast(n_on_time as double) / nullif(n_with_target, 0) as on_time_share,
    {{ wilson_low('n_on_time', 'n_with_target') }} as on_time_share_ci_low,
    {{ wilson_high('n_on_time', 'n_with_target') }} as on_time_share_ci_high,
    n_resolved,
    round(median_resolution_minutes, 6) as median_resolution_minutes,
    round(median_resolution_minutes_ci_low, 6) as median_resolution_minutes_ci_low,
    round(median_resolution_minutes_ci_high, 6) as median_resolution_minutes_ci_high,
    round(p90_resolution_minutes, 6) as p90_resolution_minutes,
    n_responded >= {{ var('min_n_reportable') }} as is_reportable
from joined
