{#- Omnichannel service per channel ('all' for every channel together), overall and by month,
    over inbound conversations: first-response and resolution time (median with its 95%
    interval, 90th percentile, minutes), resolution rate, repeat-contact rate (the customer
    contacted again within var('repeat_contact_days') days), share answered within the
    channel's target, CSAT top-2 share of the answers about these conversations, and net
    sentiment of the customer's own turns; every figure with its n and interval. -#}
with conversations as {{ inline_cte() }} (
    {#- only the columns the grains and measures read: every row is repeated 4 times below -#}
    select
        conversations.channel,
        conversations.opened_date,
        conversations.first_response_minutes,
        conversations.resolution_minutes,
        conversations.is_resolved,
        conversations.has_customer,
        conversations.is_repeat_contact,
        conversations.n_csat,
        conversations.n_csat_top2,
        conversations.customer_sentiment_label,
        targets.first_response_target_minutes
    from {{ ref('int_service_conversations') }} as conversations
    left join {{ ref('service_response_targets') }} as targets
        on conversations.channel = targets.channel
),

by_channel as {{ inline_cte() }} (
    select 'all' as channel_group, * from conversations
    union all
    select coalesce(channel, 'unknown'), * from conversations
),

by_grain as {{ inline_cte() }} (
    {{ explode_to_grains('by_channel', {'overall': none, 'month': 'opened_date'}) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        channel_group as channel,
        count(*) as n_conversations,
        {{ count_where('first_response_minutes is not null') }} as n_responded,
        {{ count_where('first_response_target_minutes is not null and first_response_minutes is not null') }}
            as n_with_target,
        {{ count_where('first_response_minutes <= first_response_target_minutes') }} as n_on_time,
        {{ count_where('is_resolved') }} as n_resolved,
        {{ count_where('has_customer') }} as n_with_customer,
        {{ count_where('has_customer and is_repeat_contact') }} as n_repeat_contacts,
        cast(sum(n_csat) as {{ dbt.type_bigint() }}) as n_csat,
        cast(sum(n_csat_top2) as {{ dbt.type_bigint() }}) as n_csat_top2,
        {{ count_where('customer_sentiment_label is not null') }} as n_with_opinion,
        {{ count_where("customer_sentiment_label = 'positive'") }} as n_positive,
        {{ count_where("customer_sentiment_label = 'negative'") }} as n_negative
    from by_grain
    group by grain, grain_value, period_start, channel_group
),

first_response as (
    {{ quantile_summary('by_grain', ['grain', 'grain_value', 'channel_group'], 'first_response_minutes') }}
),

resolution as (
    {{ quantile_summary('by_grain', ['grain', 'grain_value', 'channel_group'], 'resolution_minutes') }}
)

select
    counts.grain,
    counts.grain_value,
    counts.period_start,
    counts.channel,
    counts.n_conversations,
    counts.n_responded,
    round(first_response.median_value, 6) as median_first_response_minutes,
    round(first_response.median_value_ci_low, 6) as median_first_response_minutes_ci_low,
    round(first_response.median_value_ci_high, 6) as median_first_response_minutes_ci_high,
    round(first_response.p90_value, 6) as p90_first_response_minutes,
    counts.n_with_target,
    counts.n_on_time,
    cast(counts.n_on_time as double) / nullif(counts.n_with_target, 0) as on_time_share,
    {{ wilson_low('counts.n_on_time', 'counts.n_with_target') }} as on_time_share_ci_low,
    {{ wilson_high('counts.n_on_time', 'counts.n_with_target') }} as on_time_share_ci_high,
    counts.n_resolved,
    round(resolution.median_value, 6) as median_resolution_minutes,
    round(resolution.median_value_ci_low, 6) as median_resolution_minutes_ci_low,
    round(resolution.median_value_ci_high, 6) as median_resolution_minutes_ci_high,
    round(resolution.p90_value, 6) as p90_resolution_minutes,
    cast(counts.n_resolved as double) / counts.n_conversations as resolution_rate,
    {{ wilson_low('counts.n_resolved', 'counts.n_conversations') }} as resolution_rate_ci_low,
    {{ wilson_high('counts.n_resolved', 'counts.n_conversations') }} as resolution_rate_ci_high,
    counts.n_with_customer,
    counts.n_repeat_contacts,
    cast(counts.n_repeat_contacts as double) / nullif(counts.n_with_customer, 0) as repeat_contact_rate,
    {{ wilson_low('counts.n_repeat_contacts', 'counts.n_with_customer') }} as repeat_contact_rate_ci_low,
    {{ wilson_high('counts.n_repeat_contacts', 'counts.n_with_customer') }} as repeat_contact_rate_ci_high,
    counts.n_csat,
    counts.n_csat_top2,
    cast(counts.n_csat_top2 as double) / nullif(counts.n_csat, 0) as csat_top2_share,
    {{ wilson_low('counts.n_csat_top2', 'counts.n_csat') }} as csat_top2_share_ci_low,
    {{ wilson_high('counts.n_csat_top2', 'counts.n_csat') }} as csat_top2_share_ci_high,
    counts.n_with_opinion,
    counts.n_positive,
    counts.n_negative,
    cast(counts.n_positive - counts.n_negative as double) / nullif(counts.n_with_opinion, 0) as net_sentiment,
    {{ difference_low('counts.n_positive', 'counts.n_negative', 'counts.n_with_opinion') }} as net_sentiment_ci_low,
    {{ difference_high('counts.n_positive', 'counts.n_negative', 'counts.n_with_opinion') }} as net_sentiment_ci_high,
    counts.n_conversations >= {{ var('min_n_reportable') }} as is_reportable,
    counts.n_csat >= {{ var('min_n_reportable') }} as is_csat_reportable
from counts
left join first_response
    on counts.grain = first_response.grain
    and counts.grain_value = first_response.grain_value
    and counts.channel = first_response.channel_group
left join resolution
    on counts.grain = resolution.grain
    and counts.grain_value = resolution.grain_value
    and counts.channel = resolution.channel_group
