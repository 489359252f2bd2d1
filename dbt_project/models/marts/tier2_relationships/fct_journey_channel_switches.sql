{#- Channel switches within service episodes (int_journey_episodes): per first and last
    channel of the episodes with two or more contacts (a switch when they differ: started in
    chat, ended on the phone), and for three summary groups (single contact, several contacts
    on one channel, switched channel): how the episodes ended (resolved, cancelled), churn
    within var('journey_churn_window_days') days of their end, and the CSAT answers linked to
    their contacts, each share with its Wilson interval. -#}
{%- set min_n = var('min_n_reportable') %}
with episodes as (
    select
        *,
        case
            when n_contacts = 1 then 'single_contact'
            when is_channel_switch then 'switched_channel'
            else 'same_channel'
        end as switch_group
    from {{ ref('int_journey_episodes') }}
),

{%- set measures = 'n_contacts, is_resolved, episode_outcome, has_bot, has_escalation, has_churned_in_window, n_csat, n_csat_satisfied' %}
grouped as (
    select
        'channel_pair' as grain, first_channel, last_channel, switch_group, {{ measures }}
    from episodes
    where n_contacts >= 2
    union all
    select 'switch_group', 'all', 'all', switch_group, {{ measures }}
    from episodes
),

counted as (
    select
        grain,
        first_channel,
        last_channel,
        switch_group,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_episodes,
        cast(sum(n_contacts) as {{ dbt.type_bigint() }}) as n_contacts,
        {{ count_where('is_resolved') }} as n_resolved,
        {{ count_where("episode_outcome = 'cancelled'") }} as n_cancelled,
        {{ count_where('has_bot') }} as n_with_bot,
        {{ count_where('has_escalation') }} as n_escalated,
        {{ count_where('has_churned_in_window is not null') }} as n_churn_observed,
        {{ count_where('has_churned_in_window') }} as n_churned,
        cast(sum(n_csat) as {{ dbt.type_bigint() }}) as n_csat,
        cast(sum(n_csat_satisfied) as {{ dbt.type_bigint() }}) as n_csat_satisfied
    from grouped
    group by grain, first_channel, last_channel, switch_group
)

select
    grain,
    first_channel,
    last_channel,
    switch_group,
    n_episodes,
    n_contacts,
    cast(n_contacts as double) / n_episodes as mean_contacts,
    n_with_bot,
    n_escalated,
    n_resolved,
    cast(n_resolved as double) / n_episodes as resolved_share,
    {{ wilson_low('n_resolved', 'n_episodes') }} as resolved_share_ci_low,
    {{ wilson_high('n_resolved', 'n_episodes') }} as resolved_share_ci_high,
    n_cancelled,
    cast(n_cancelled as double) / n_episodes as cancelled_share,
    {{ wilson_low('n_cancelled', 'n_episodes') }} as cancelled_share_ci_low,
    {{ wilson_high('n_cancelled', 'n_episodes') }} as cancelled_share_ci_high,
    n_churn_observed,
    n_churned,
    cast(n_churned as double) / nullif(n_churn_observed, 0) as churn_share,
    {{ wilson_low('n_churned', 'n_churn_observed') }} as churn_share_ci_low,
    {{ wilson_high('n_churned', 'n_churn_observed') }} as churn_share_ci_high,
    n_csat,
    n_csat_satisfied,
    cast(n_csat_satisfied as double) / nullif(n_csat, 0) as csat_top2_share,
    {{ wilson_low('n_csat_satisfied', 'n_csat') }} as csat_top2_share_ci_low,
    {{ wilson_high('n_csat_satisfied', 'n_csat') }} as csat_top2_share_ci_high,
    n_episodes >= {{ min_n }} as is_reportable
from counted
