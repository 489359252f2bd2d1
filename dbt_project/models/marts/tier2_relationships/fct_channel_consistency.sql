{#- Omnichannel consistency: for each figure of fct_channel_service, overall and by month, the
    spread across the channels where it is reportable (its own n >= var('min_n_reportable')):
    spread = highest channel value - lowest, with the two channels, and a 95% interval of that
    difference from the two channels' sampling variances (it ignores that the two extremes were
    picked after looking, so it is a lower bound of the uncertainty). consistency = 1 - spread
    for shares (1 = every channel the same). For median first-response and resolution times,
    whose natural speed differs by channel, the spread is given as the ratio slowest / fastest
    and consistency stays empty: on_time_share (answered within each channel's own target) is
    the comparable response figure. -#}
{%- set min_n = var('min_n_reportable') %}
with channels as (
    select * from {{ ref('fct_channel_service') }}
    where channel not in ('all', 'unknown')
),

{%- set shares = [
    ('csat_top2_share', 'n_csat', 'csat_top2_share * (1 - csat_top2_share)'),
    ('net_sentiment', 'n_with_opinion',
        '(cast(n_positive + n_negative as double) / n_with_opinion - net_sentiment * net_sentiment)'),
    ('resolution_rate', 'n_conversations', 'resolution_rate * (1 - resolution_rate)'),
    ('repeat_contact_rate', 'n_with_customer', 'repeat_contact_rate * (1 - repeat_contact_rate)'),
    ('on_time_share', 'n_with_target', 'on_time_share * (1 - on_time_share)'),
    ('median_first_response_minutes', 'n_responded', 'null'),
    ('median_resolution_minutes', 'n_resolved', 'null'),
] %}

long as (
    {%- for metric, n, variance in shares %}
    select
        grain, grain_value, period_start, channel,
        '{{ metric }}' as metric,
        {{ n }} as n,
        cast({{ metric }} as double) as value,
        cast({{ variance }} as double) / nullif({{ n }}, 0) as sampling_variance
    from channels
    where {{ n }} >= {{ min_n }} and {{ metric }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

ranked as (
    select
        *,
        row_number() over (partition by grain, grain_value, metric order by value, channel) as low_rank,
        row_number() over (partition by grain, grain_value, metric order by value desc, channel) as high_rank
    from long
),

spread as (
    select
        grain,
        grain_value,
        period_start,
        metric,
        count(*) as n_channels,
        sum(n) as n,
        max(case when low_rank = 1 then value end) as min_value,
        max(case when low_rank = 1 then channel end) as min_channel,
        max(case when high_rank = 1 then value end) as max_value,
        max(case when high_rank = 1 then channel end) as max_channel,
        sum(case when low_rank = 1 or high_rank = 1 then sampling_variance end) as extremes_variance
    from ranked
    group by grain, grain_value, period_start, metric
),

measured as (
    select
        *,
        case when metric like 'median_%' then null else max_value - min_value end as spread_value,
        sqrt(extremes_variance) as spread_se
    from spread
)

select
    grain,
    grain_value,
    period_start,
    metric,
    cast(n_channels as {{ dbt.type_bigint() }}) as n_channels,
    cast(n as {{ dbt.type_bigint() }}) as n,
    min_value,
    min_channel,
    max_value,
    max_channel,
    case when n_channels >= 2 then round(spread_value, 6) end as spread,
    case when n_channels >= 2 and spread_value is not null then
        round(greatest(0.0, spread_value - {{ z_95() }} * spread_se), 6) end as spread_ci_low,
    case when n_channels >= 2 and spread_value is not null then
        round(spread_value + {{ z_95() }} * spread_se, 6) end as spread_ci_high,
    case when n_channels >= 2 and metric like 'median_%' and min_value > 0
        then round(max_value / min_value, 6) end as spread_ratio,
    case when n_channels >= 2 then round(1 - spread_value, 6) end as consistency,
    case when n_channels >= 2 and spread_value is not null then
        round(greatest(0.0, 1 - (spread_value + {{ z_95() }} * spread_se)), 6) end as consistency_ci_low,
    case when n_channels >= 2 and spread_value is not null then
        round(least(1.0, 1 - greatest(0.0, spread_value - {{ z_95() }} * spread_se)), 6) end as consistency_ci_high,
    n_channels >= 2 as is_reportable
from measured
