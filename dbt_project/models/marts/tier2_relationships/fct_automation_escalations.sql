{#- Escalation paths: bot conversations handed over to a person, by channel and by the team
    that took them over ('all' for every channel or team): how many, their share of the
    channel's escalations, how fast they were resolved (median and 90th percentile minutes
    from opening, the exports having no hand-over time stamp), the resolution rate, and CSAT
    of the answers about them. Teams are groups of employees: only teams with at least
    var('min_group_people') people in the HR export are named, the others are 'other'. -#}
with people as (
    select team, count(*) as n_people
    from {{ ref('stg_hr__employees') }}
    where team is not null
    group by team
),

escalated as (
    select
        conversations.*,
        case
            when conversations.team is null then 'unknown'
            when people.n_people >= {{ var('min_group_people') }} then conversations.team
            else 'other'
        end as team_group
    from {{ ref('int_service_conversations') }} as conversations
    left join people
        on conversations.team = people.team
    where conversations.service_path = 'bot_escalated'
),

paths as (
    select coalesce(channel, 'unknown') as channel_group, team_group, * from escalated
    union all
    select coalesce(channel, 'unknown'), 'all', * from escalated
    union all
    select 'all', team_group, * from escalated
    union all
    select 'all', 'all', * from escalated
),

counts as (
    select
        channel_group,
        team_group,
        count(*) as n_escalations,
        {{ count_where('is_resolved') }} as n_resolved,
        cast(sum(n_csat) as {{ dbt.type_bigint() }}) as n_csat,
        cast(sum(n_csat_top2) as {{ dbt.type_bigint() }}) as n_csat_top2
    from paths
    group by channel_group, team_group
),

channel_totals as (
    select channel_group, n_escalations as n_channel_escalations
    from counts
    where team_group = 'all'
),

resolution as (
    {{ quantile_summary('paths', ['channel_group', 'team_group'], 'resolution_minutes') }}
)

select
    counts.channel_group as channel,
    counts.team_group as team,
    counts.n_escalations,
    cast(channel_totals.n_channel_escalations as {{ dbt.type_bigint() }}) as n_channel_escalations,
    cast(counts.n_escalations as double) / channel_totals.n_channel_escalations as escalation_share,
    {{ wilson_low('counts.n_escalations', 'channel_totals.n_channel_escalations') }} as escalation_share_ci_low,
    {{ wilson_high('counts.n_escalations', 'channel_totals.n_channel_escalations') }} as escalation_share_ci_high,
    round(resolution.median_value, 6) as median_resolution_minutes,
    round(resolution.median_value_ci_low, 6) as median_resolution_minutes_ci_low,
    round(resolution.median_value_ci_high, 6) as median_resolution_minutes_ci_high,
    round(resolution.p90_value, 6) as p90_resolution_minutes,
    counts.n_resolved,
    cast(counts.n_resolved as double) / counts.n_escalations as resolution_rate,
    {{ wilson_low('counts.n_resolved', 'counts.n_escalations') }} as resolution_rate_ci_low,
    {{ wilson_high('counts.n_resolved', 'counts.n_escalations') }} as resolution_rate_ci_high,
    counts.n_csat,
    counts.n_csat_top2,
    cast(counts.n_csat_top2 as double) / nullif(counts.n_csat, 0) as csat_top2_share,
    {{ wilson_low('counts.n_csat_top2', 'counts.n_csat') }} as csat_top2_share_ci_low,
    {{ wilson_high('counts.n_csat_top2', 'counts.n_csat') }} as csat_top2_share_ci_high,
    counts.n_escalations >= {{ var('min_n_reportable') }} as is_reportable
from counts
inner join channel_totals
    on counts.channel_group = channel_totals.channel_group
left join resolution
    on counts.channel_group = resolution.channel_group
    and counts.team_group = resolution.team_group
