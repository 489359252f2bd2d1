{#- Contextual-intelligence proxies (definitions in DECISIONLOG.md, "Tier 3"):
    - repeat_contact_within_7d_of_resolved: inbound contacts resolved at least 7 days before
      the data's as-of date and followed by another inbound contact of the same customer
      within 7 days after the resolution / those resolved contacts;
    - contextual_relevance: follow-up contacts (int_follow_up_contacts) whose agent
      acknowledged the earlier issue / those follow-ups (fct_contextual_proxies has the
      outcomes of acknowledged vs other follow-ups).
    Grains: 'overall' (one row per metric, n = 0 without data) and 'month' (of the
    resolution, of the follow-up). -#}
with period as (
    select as_of_date from {{ ref('int_reporting_period') }}
),

inbound as (
    select interaction_id, customer_id, opened_at, resolved_at
    from {{ ref('int_interactions_enriched') }}
    where direction = 'inbound'
),

resolved as (
    select r.interaction_id, r.customer_id, r.resolved_at
    from inbound as r
    cross join period as p
    where r.resolved_at is not null
        and cast(r.resolved_at as date) <= cast({{ dbt.dateadd('day', -7, 'p.as_of_date') }} as date)
),

repeats as (
    select r.interaction_id,
        max(case when i.interaction_id is not null then 1 else 0 end) as has_repeat
    from resolved as r
    left join inbound as i
        on r.customer_id = i.customer_id
        and i.interaction_id <> r.interaction_id
        and i.opened_at > r.resolved_at
        and i.opened_at <= {{ dbt.dateadd('day', 7, 'r.resolved_at') }}
    group by r.interaction_id
),

events as (
    select 'repeat_contact_within_7d_of_resolved' as metric,
        'resolved inbound contacts followed by another inbound contact within 7 days' as definition,
        cast(rr.resolved_at as date) as event_date,
        r.has_repeat as is_hit
    from repeats as r
    inner join resolved as rr on r.interaction_id = rr.interaction_id
    union all
    select 'contextual_relevance',
        'follow-up contacts whose transcript acknowledges the earlier issue of the customer',
        cast(opened_at as date),
        case when is_acknowledged then 1 else 0 end
    from {{ ref('int_follow_up_contacts') }}
    where is_follow_up
),

counts as (
    select 'overall' as grain, 'overall' as grain_value, cast(null as date) as period_start,
        metric, definition,
        count(case when is_hit = 1 then 1 end) as numerator,
        count(*) as denominator
    from events
    group by metric, definition
    union all
    select 'month',
        cast(cast({{ dbt.date_trunc('month', 'event_date') }} as date) as {{ dbt.type_string() }}),
        cast({{ dbt.date_trunc('month', 'event_date') }} as date),
        metric, definition,
        count(case when is_hit = 1 then 1 end),
        count(*)
    from events
    group by 2, 3, metric, definition
),

metrics as (
    select 'repeat_contact_within_7d_of_resolved' as metric
    union all
    select 'contextual_relevance'
),

completed as (
    {#- an overall row per metric even without data (n = 0) -#}
    select * from counts
    union all
    select 'overall', 'overall', cast(null as date), m.metric, 'no data', 0, 0
    from metrics as m
    where m.metric not in (select metric from counts where grain = 'overall')
)

select
    cast(grain as {{ dbt.type_string() }}) as grain,
    cast(grain_value as {{ dbt.type_string() }}) as grain_value,
    period_start,
    cast(metric as {{ dbt.type_string() }}) as metric,
    cast(definition as {{ dbt.type_string() }}) as definition,
    cast(numerator as {{ dbt.type_int() }}) as numerator,
    cast(denominator as {{ dbt.type_int() }}) as denominator,
    case when denominator > 0 then round(cast(numerator as double) / denominator, 6) end as rate,
    {{ wilson_low('numerator', 'denominator') }} as rate_ci_low,
    {{ wilson_high('numerator', 'denominator') }} as rate_ci_high,
    denominator >= {{ var('min_n_reportable') }} as is_reportable
from completed
