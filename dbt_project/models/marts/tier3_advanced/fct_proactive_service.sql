{#- The seed's proactive-service metrics, one row each, with counts, a Wilson interval and a
    reportable flag (definitions in DECISIONLOG.md, "Tier 3"):
    - proactive_contact_rate: predicted needs (int_proactive_episodes, 30 days observed)
      reached by a proactive contact within 30 days / predicted needs;
    - predicted_needs_met: predicted needs reached proactively before any inbound contact /
      predicted needs;
    - preemptive_issue_resolution_rate: resolved proactive contacts (30 days observed) not
      followed by an inbound contact of the same interaction type within 30 days / resolved
      proactive contacts. -#}
with period as (
    select as_of_date from {{ ref('int_reporting_period') }}
),

episodes as (
    select * from {{ ref('int_proactive_episodes') }} where is_30_days_observed
),

interactions as (
    select customer_id, interaction_type, direction, opened_at, resolved_at
    from {{ ref('int_interactions_enriched') }}
),

proactive as (
    select i.customer_id, i.interaction_type, i.opened_at
    from interactions as i
    cross join period as p
    where i.direction <> 'inbound'
        and i.resolved_at is not null
        and cast(i.opened_at as date) <= cast({{ dbt.dateadd('day', -30, 'p.as_of_date') }} as date)
),

preempted as (
    select pr.customer_id, pr.opened_at,
        max(case when i.customer_id is not null then 1 else 0 end) as had_followup
    from proactive as pr
    left join interactions as i
        on pr.customer_id = i.customer_id
        and i.direction = 'inbound'
        and i.interaction_type = pr.interaction_type
        and i.opened_at > pr.opened_at
        and i.opened_at <= {{ dbt.dateadd('day', 30, 'pr.opened_at') }}
    group by pr.customer_id, pr.opened_at
),

counts as (
    select 'proactive_contact_rate' as metric,
        'predicted needs (first complex-product purchase) reached by a proactive contact within 30 days'
            as definition,
        count(case when is_reached then 1 end) as numerator,
        count(*) as denominator
    from episodes
    union all
    select 'predicted_needs_met',
        'predicted needs reached proactively before any inbound contact in the 30 days after purchase',
        count(case when is_need_met_before_asking then 1 end),
        count(*)
    from episodes
    union all
    select 'preemptive_issue_resolution_rate',
        'resolved proactive contacts without an inbound contact on the same topic within 30 days',
        count(case when had_followup = 0 then 1 end),
        count(*)
    from preempted
)

select
    cast('overall' as {{ dbt.type_string() }}) as grain,
    cast('overall' as {{ dbt.type_string() }}) as grain_value,
    cast(null as date) as period_start,
    cast(metric as {{ dbt.type_string() }}) as metric,
    cast(definition as {{ dbt.type_string() }}) as definition,
    cast(numerator as {{ dbt.type_int() }}) as numerator,
    cast(denominator as {{ dbt.type_int() }}) as denominator,
    case when denominator > 0 then round(cast(numerator as double) / denominator, 6) end as rate,
    {{ wilson_low('numerator', 'denominator') }} as rate_ci_low,
    {{ wilson_high('numerator', 'denominator') }} as rate_ci_high,
    denominator >= {{ var('min_n_reportable') }} as is_reportable
from counts
