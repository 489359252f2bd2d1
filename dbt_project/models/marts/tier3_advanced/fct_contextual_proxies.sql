{#- The three contextual-intelligence proxies (definitions in DECISIONLOG.md, "Tier 3:
    support need and contextual proxies"), from int_follow_up_contacts:
    - contextual_relevance: share of follow-up contacts whose agent acknowledged the earlier
      issue (Wilson interval);
    - personalization_effectiveness: outcomes of acknowledged follow-ups minus the other
      follow-ups (CSAT top-2 share, resolved share, mean customer sentiment; Welch);
    - situational_awareness: distressed contacts (a follow-up while the previous contact is
      still unresolved) against all other agent contacts: first-response time as a ratio of
      geometric means (Welch on log seconds), CSAT top-2 and resolved shares (Welch). -#}
{%- set comparisons = [
    ('personalization_effectiveness', 'csat_top2_share', 'csat_top2', 'is_follow_up', 'is_acknowledged', 'acknowledged follow-ups', 'other follow-ups', 'difference'),
    ('personalization_effectiveness', 'resolved_share', 'is_resolved', 'is_follow_up', 'is_acknowledged', 'acknowledged follow-ups', 'other follow-ups', 'difference'),
    ('personalization_effectiveness', 'customer_sentiment_mean', 'customer_sentiment_score', 'is_follow_up', 'is_acknowledged', 'acknowledged follow-ups', 'other follow-ups', 'difference'),
    ('situational_awareness', 'first_response_time', 'ln(first_response_seconds)', 'true', 'is_distressed', 'distressed contacts', 'other agent contacts', 'ratio'),
    ('situational_awareness', 'csat_top2_share', 'csat_top2', 'true', 'is_distressed', 'distressed contacts', 'other agent contacts', 'difference'),
    ('situational_awareness', 'resolved_share', 'is_resolved', 'true', 'is_distressed', 'distressed contacts', 'other agent contacts', 'difference'),
] -%}
with contacts as (
    select * from {{ ref('int_follow_up_contacts') }}
),

relevance as (
    select
        count(case when is_acknowledged then 1 end) as successes,
        count(*) as n
    from contacts
    where is_follow_up
),

groups as (
    {%- for proxy, measure, value, population, flag, label_a, label_b, kind in comparisons %}
    select
        '{{ proxy }}' as proxy,
        '{{ measure }}' as measure,
        '{{ label_a }}' as group_a,
        '{{ label_b }}' as group_b,
        '{{ kind }}' as estimate_kind,
        count(case when {{ flag }} then {{ value }} end) as n_a,
        avg(case when {{ flag }} then cast({{ value }} as double) end) as mean_a,
        coalesce(var_samp(case when {{ flag }} then cast({{ value }} as double) end), 0) as var_a,
        count(case when not {{ flag }} then {{ value }} end) as n_b,
        avg(case when not {{ flag }} then cast({{ value }} as double) end) as mean_b,
        coalesce(var_samp(case when not {{ flag }} then cast({{ value }} as double) end), 0) as var_b
    from contacts
    where {{ population }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

compared as (
    select *,
        {{ welch_bound('mean_a', 'var_a', 'n_a', 'mean_b', 'var_b', 'n_b', 'low') }} as low,
        {{ welch_bound('mean_a', 'var_a', 'n_a', 'mean_b', 'var_b', 'n_b', 'high') }} as high
    from groups
),

rows as (
    select
        'contextual_relevance' as proxy,
        'acknowledged_share' as measure,
        'follow-up contacts (an inbound contact handled by an agent within 30 days of the previous inbound contact of the same customer) whose transcript acknowledges the earlier issue' as definition,
        'follow-up contacts' as group_a,
        cast(null as {{ dbt.type_string() }}) as group_b,
        'share' as estimate_kind,
        n as n_a,
        case when n > 0 then cast(successes as double) / n end as value_a,
        0 as n_b,
        cast(null as double) as value_b,
        successes,
        case when n > 0 then cast(successes as double) / n end as estimate,
        {{ wilson_low('successes', 'n') }} as ci_low,
        {{ wilson_high('successes', 'n') }} as ci_high,
        n as n_smallest
    from relevance
    union all
    select
        proxy,
        measure,
        case when estimate_kind = 'ratio'
            then 'ratio of geometric means of seconds to the first response, ' || group_a || ' / ' || group_b
            else 'mean of ' || measure || ', ' || group_a || ' minus ' || group_b
        end,
        group_a,
        group_b,
        estimate_kind,
        n_a,
        case when estimate_kind = 'ratio' then exp(mean_a) else mean_a end,
        n_b,
        case when estimate_kind = 'ratio' then exp(mean_b) else mean_b end,
        cast(null as {{ dbt.type_int() }}),
        case when estimate_kind = 'ratio' then exp(mean_a - mean_b) else mean_a - mean_b end,
        case when estimate_kind = 'ratio' then exp(low) else low end,
        case when estimate_kind = 'ratio' then exp(high) else high end,
        case when n_a < n_b then n_a else n_b end
    from compared
)

select
    cast(proxy as {{ dbt.type_string() }}) as proxy,
    cast(measure as {{ dbt.type_string() }}) as measure,
    cast(definition as {{ dbt.type_string() }}) as definition,
    cast(group_a as {{ dbt.type_string() }}) as group_a,
    cast(group_b as {{ dbt.type_string() }}) as group_b,
    cast(estimate_kind as {{ dbt.type_string() }}) as estimate_kind,
    cast(n_a as {{ dbt.type_int() }}) as n_a,
    round(value_a, 6) as value_a,
    cast(n_b as {{ dbt.type_int() }}) as n_b,
    round(value_b, 6) as value_b,
    cast(successes as {{ dbt.type_int() }}) as successes,
    round(estimate, 6) as estimate,
    round(ci_low, 6) as ci_low,
    round(ci_high, 6) as ci_high,
    coalesce(estimate_kind <> 'share' and (
        (estimate_kind = 'ratio' and (ci_high < 1 or ci_low > 1))
        or (estimate_kind = 'difference' and (ci_high < 0 or ci_low > 0))), false) as is_significant,
    coalesce(n_smallest >= {{ var('min_n_reportable') }}, false) as is_reportable
from rows
