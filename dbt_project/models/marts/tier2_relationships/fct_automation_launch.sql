{#- The change after automation was introduced: for each initiative of kind
    'automation_launch' in the HR trainings export, inbound conversations of each channel
    where a bot handled conversations after the launch (and 'all' of those channels) before
    vs on-or-after its start date: CSAT top-2 share, resolution rate, and the negative share of
    the customer's own turns. Difference after - before with a 95% Wald interval and a z-test;
    significant when the Holm-Bonferroni adjusted p-value over every row of this table is at
    most var('alert_alpha'). "insufficient_data" when either side has fewer than
    var('min_n_reportable') observations. No launch in the exports: no row. -#}
{%- set min_n = var('min_n_reportable') %}
with launches as (
    select initiative_id, initiative_name, started_at
    from {{ ref('stg_hr__trainings') }}
    where kind = 'automation_launch' and started_at is not null
),

conversations as (
    select * from {{ ref('int_service_conversations') }}
),

automated_channels as (
    select distinct launches.initiative_id, conversations.channel
    from launches
    inner join conversations
        on conversations.handled_by = 'bot'
        and conversations.opened_date >= launches.started_at
),

scoped as (
    select
        launches.initiative_id,
        automated_channels.channel as channel_group,
        conversations.opened_date >= launches.started_at as is_after,
        conversations.n_csat,
        conversations.n_csat_top2,
        conversations.is_resolved,
        conversations.customer_sentiment_label
    from launches
    inner join automated_channels
        on launches.initiative_id = automated_channels.initiative_id
    inner join conversations
        on conversations.channel = automated_channels.channel
),

grouped as (
    select * from scoped
    union all
    select
        initiative_id, 'all', is_after, n_csat, n_csat_top2, is_resolved, customer_sentiment_label
    from scoped
),

outcomes as (
    select
        initiative_id, channel_group, is_after,
        'csat_top2_share' as metric,
        cast(sum(n_csat) as {{ dbt.type_bigint() }}) as n,
        cast(sum(n_csat_top2) as {{ dbt.type_bigint() }}) as successes
    from grouped
    group by initiative_id, channel_group, is_after
    union all
    select
        initiative_id, channel_group, is_after,
        'resolution_rate',
        count(*),
        {{ count_where('is_resolved') }}
    from grouped
    group by initiative_id, channel_group, is_after
    union all
    select
        initiative_id, channel_group, is_after,
        'customer_negative_share',
        {{ count_where('customer_sentiment_label is not null') }},
        {{ count_where("customer_sentiment_label = 'negative'") }}
    from grouped
    group by initiative_id, channel_group, is_after
),

paired as (
    select
        coalesce(after_launch.initiative_id, before_launch.initiative_id) as initiative_id,
        coalesce(after_launch.channel_group, before_launch.channel_group) as channel,
        coalesce(after_launch.metric, before_launch.metric) as metric,
        cast(coalesce(before_launch.n, 0) as {{ dbt.type_bigint() }}) as n_before,
        cast(coalesce(before_launch.successes, 0) as {{ dbt.type_bigint() }}) as successes_before,
        cast(coalesce(after_launch.n, 0) as {{ dbt.type_bigint() }}) as n_after,
        cast(coalesce(after_launch.successes, 0) as {{ dbt.type_bigint() }}) as successes_after
    from (select * from outcomes where is_after) as after_launch
    full outer join (select * from outcomes where not is_after) as before_launch
        on after_launch.initiative_id = before_launch.initiative_id
        and after_launch.channel_group = before_launch.channel_group
        and after_launch.metric = before_launch.metric
),

estimated as (
    select
        *,
        cast(successes_before as double) / nullif(n_before, 0) as share_before,
        cast(successes_after as double) / nullif(n_after, 0) as share_after,
        least(n_before, n_after) >= {{ min_n }} as is_estimable
    from paired
),

tested as (
    select
        *,
        share_after - share_before as difference,
        sqrt(
            share_before * (1 - share_before) / nullif(n_before, 0)
            + share_after * (1 - share_after) / nullif(n_after, 0)
        ) as difference_se
    from estimated
),

with_p as (
    select
        *,
        case when is_estimable and difference_se > 0
            then {{ normal_two_sided_p('(difference / difference_se)') }}
            when is_estimable then 1.0
        end as p_value_exact
    from tested
),

holm as (
    select
        *,
        count(p_value_exact) over () as n_comparisons,
        row_number() over (
            order by case when p_value_exact is null then 1 else 0 end, p_value_exact,
                initiative_id, channel, metric
        ) as p_rank
    from with_p
),

adjusted as (
    select
        *,
        case when p_value_exact is not null then least(1.0, max(
            (n_comparisons - p_rank + 1) * p_value_exact
        ) over (order by p_rank rows between unbounded preceding and current row)) end as p_value_adjusted_exact
    from holm
)

select
    adjusted.initiative_id,
    launches.initiative_name,
    launches.started_at as launched_at,
    adjusted.channel,
    adjusted.metric,
    adjusted.n_before,
    adjusted.successes_before,
    adjusted.share_before,
    adjusted.n_after,
    adjusted.successes_after,
    adjusted.share_after,
    case when is_estimable then round(difference, 6) end as difference,
    case when is_estimable then round(difference - {{ z_95() }} * difference_se, 6) end as difference_ci_low,
    case when is_estimable then round(difference + {{ z_95() }} * difference_se, 6) end as difference_ci_high,
    round(p_value_exact, 6) as p_value,
    round(p_value_adjusted_exact, 6) as p_value_adjusted,
    cast(n_comparisons as {{ dbt.type_bigint() }}) as n_comparisons,
    coalesce(p_value_adjusted_exact <= {{ var('alert_alpha') }}, false) as is_significant,
    case when is_estimable then 'estimated' else 'insufficient_data' end as status
from adjusted
inner join launches
    on adjusted.initiative_id = launches.initiative_id
