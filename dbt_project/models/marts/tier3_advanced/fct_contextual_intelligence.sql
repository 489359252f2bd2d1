{#- Contextual-intelligence proxies (definitions in DECISIONLOG.md, "Tier 3"):
    - repeat_contact_within_7d_of_resolved: inbound contacts resolved at least 7 days before
      the data's as-of date and followed by another inbound contact of the same customer
      within 7 days after the resolution / those resolved contacts;
    - contextual_relevance: follow-up contacts (int_follow_up_contacts) whose agent
      acknowledged the earlier issue / those follow-ups (fct_contextual_proxies has the
      outcomes of acknowledged vs other follow-ups). -#}
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

counts as (
    select 'repeat_contact_within_7d_of_resolved' as metric,
        'resolved inbound contacts followed by another inbound contact within 7 days' as definition,
        count(case when has_repeat = 1 then 1 end) as numerator,
        count(*) as denominator
    from repeats
    union all
    select 'contextual_relevance',
        'follow-up contacts whose transcript acknowledges the customer''s earlier issue',
        count(case when is_acknowledged then 1 end),
        count(*)
    from {{ ref('int_follow_up_contacts') }}
    where is_follow_up
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
