{#- Inbound conversations by service path (bot_only: a bot answered and kept it;
    bot_escalated: a bot answered first and handed over to a person; human_only: a person from
    the start) at every grain: the path's share of the grain's conversations, resolution rate,
    median resolution minutes, CSAT top-2 share of the answers about them, and net sentiment
    of the customer's own turns; counts, n and 95% intervals. -#}
with conversations as {{ inline_cte() }} (
    select * from {{ ref('int_service_conversations') }}
),

by_grain as {{ inline_cte() }} (
    {{ explode_to_grains('conversations', {
        'overall': none,
        'month': 'opened_date',
        'channel': 'channel',
        'interaction_type': 'interaction_type',
    }) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        service_path,
        count(*) as n_conversations,
        {{ count_where('is_resolved') }} as n_resolved,
        cast(sum(n_csat) as {{ dbt.type_bigint() }}) as n_csat,
        cast(sum(n_csat_top2) as {{ dbt.type_bigint() }}) as n_csat_top2,
        sum(csat_score_sum) as csat_score_sum,
        {{ count_where('customer_sentiment_label is not null') }} as n_with_opinion,
        {{ count_where("customer_sentiment_label = 'positive'") }} as n_positive,
        {{ count_where("customer_sentiment_label = 'negative'") }} as n_negative
    from by_grain
    group by grain, grain_value, period_start, service_path
),

totals as (
    select grain, grain_value, sum(n_conversations) as n_grain_conversations
    from counts
    group by grain, grain_value
),

resolution as (
    {{ quantile_summary('by_grain', ['grain', 'grain_value', 'service_path'], 'resolution_minutes') }}
)

select
    counts.grain,
    counts.grain_value,
    counts.period_start,
    counts.service_path,
    counts.n_conversations,
    cast(totals.n_grain_conversations as {{ dbt.type_bigint() }}) as n_grain_conversations,
    cast(counts.n_conversations as double) / totals.n_grain_conversations as path_share,
    {{ wilson_low('counts.n_conversations', 'totals.n_grain_conversations') }} as path_share_ci_low,
    {{ wilson_high('counts.n_conversations', 'totals.n_grain_conversations') }} as path_share_ci_high,
    counts.n_resolved,
    cast(counts.n_resolved as double) / counts.n_conversations as resolution_rate,
    {{ wilson_low('counts.n_resolved', 'counts.n_conversations') }} as resolution_rate_ci_low,
    {{ wilson_high('counts.n_resolved', 'counts.n_conversations') }} as resolution_rate_ci_high,
    round(resolution.median_value, 6) as median_resolution_minutes,
    counts.n_csat,
    counts.n_csat_top2,
    cast(counts.n_csat_top2 as double) / nullif(counts.n_csat, 0) as csat_top2_share,
    {{ wilson_low('counts.n_csat_top2', 'counts.n_csat') }} as csat_top2_share_ci_low,
    {{ wilson_high('counts.n_csat_top2', 'counts.n_csat') }} as csat_top2_share_ci_high,
    counts.csat_score_sum / nullif(counts.n_csat, 0) as csat_mean,
    counts.n_with_opinion,
    counts.n_positive,
    counts.n_negative,
    cast(counts.n_positive - counts.n_negative as double) / nullif(counts.n_with_opinion, 0) as net_sentiment,
    {{ difference_low('counts.n_positive', 'counts.n_negative', 'counts.n_with_opinion') }} as net_sentiment_ci_low,
    {{ difference_high('counts.n_positive', 'counts.n_negative', 'counts.n_with_opinion') }} as net_sentiment_ci_high,
    counts.n_csat >= {{ var('min_n_reportable') }} as is_reportable
from counts
inner join totals
    on counts.grain = totals.grain
    and counts.grain_value = totals.grain_value
left join resolution
    on counts.grain = resolution.grain
    and counts.grain_value = resolution.grain_value
    and counts.service_path = resolution.service_path
