{#- Friction points: what follows each kind of inbound contact, per channel, resolution and
    bot or person, compared with every other inbound contact (the customer base's contacts).
    Four bad outcomes, each a share of the contacts whose window is observed:
      repeat_contact            the customer contacts again within journey_repeat_contact_days
      churn                     the customer churns within journey_churn_window_days
      next_contact_negative     the next inbound contact's customer sentiment is negative
      next_contact_dissatisfied the CSAT answer after the next inbound contact is 1-3 of 5
    Each group's share has a Wilson interval and is tested against the rest with a pooled
    two-proportion z-test; a difference is significant when its Holm-Bonferroni adjusted
    p-value over every tested row of this table is at most var('alert_alpha'), as for
    fct_metric_alerts. A friction point is a significant difference in the bad direction.
    Only inbound contacts are compared: orders, outreach and surveys are not service
    contacts, and the business chooses whom it reaches out to (DECISIONLOG.md). -#}
{%- set min_n = var('min_n_reportable') %}
{%- set outcomes = {
    'repeat_contact': ['has_repeat_contact is not null', 'has_repeat_contact'],
    'churn': ['has_churned_in_window is not null', 'has_churned_in_window'],
    'next_contact_negative': [
        'next_contact_sentiment_label is not null', "next_contact_sentiment_label = 'negative'"
    ],
    'next_contact_dissatisfied': [
        'next_contact_csat_score is not null', 'next_contact_csat_score < 4'
    ],
} %}
with contacts as (
    select
        *,
        case when is_resolved then 'resolved' else 'unresolved' end as resolution
    from {{ ref('int_journey_touchpoint_outcomes') }}
    where is_inbound_contact
),

{%- set outcome_columns = 'has_repeat_contact, has_churned_in_window, next_contact_sentiment_label, next_contact_csat_score' %}
grouped as (
    select
        'kind' as grain, touchpoint_kind, 'all' as channel, 'all' as resolution,
        'all' as handled_by, {{ outcome_columns }}
    from contacts
    union all
    select 'kind_channel', touchpoint_kind, channel, 'all', 'all', {{ outcome_columns }}
    from contacts
    union all
    select 'kind_resolution', touchpoint_kind, 'all', resolution, 'all', {{ outcome_columns }}
    from contacts
    union all
    select
        'handled_by', 'all_contacts', 'all', 'all', coalesce(handled_by, 'unknown'),
        {{ outcome_columns }}
    from contacts
),

observations as (
{%- for outcome, rule in outcomes.items() %}
    select
        grain, touchpoint_kind, channel, resolution, handled_by,
        '{{ outcome }}' as outcome,
        cast(count(*) as {{ dbt.type_bigint() }}) as n,
        {{ count_where(rule[1]) }} as n_outcome
    from grouped
    where {{ rule[0] }}
    group by grain, touchpoint_kind, channel, resolution, handled_by
    {{- '\n    union all' if not loop.last }}
{%- endfor %}
),

totals as (
{%- for outcome, rule in outcomes.items() %}
    select
        '{{ outcome }}' as outcome,
        cast(count(*) as {{ dbt.type_bigint() }}) as n,
        {{ count_where(rule[1]) }} as n_outcome
    from contacts
    where {{ rule[0] }}
    {{- '\n    union all' if not loop.last }}
{%- endfor %}
),

compared as (
    select
        observations.*,
        totals.n - observations.n as baseline_n,
        totals.n_outcome - observations.n_outcome as baseline_n_outcome
    from observations
    inner join totals
        on observations.outcome = totals.outcome
),

tested as (
    select
        *,
        n >= {{ min_n }} and baseline_n >= {{ min_n }} as is_tested,
        cast(n_outcome as double) / n as rate_exact,
        cast(baseline_n_outcome as double) / nullif(baseline_n, 0) as baseline_rate_exact,
        cast(n_outcome + baseline_n_outcome as double) / (n + baseline_n) as pooled_rate
    from compared
),

scored as (
    select
        *,
        case
            when is_tested and pooled_rate > 0 and pooled_rate < 1 then
                (rate_exact - baseline_rate_exact) / sqrt(
                    pooled_rate * (1 - pooled_rate) * (1.0 / n + 1.0 / baseline_n)
                )
        end as z
    from tested
),

with_p as (
    select
        *,
        case when is_tested then coalesce({{ normal_two_sided_p('z') }}, 1.0) end as p_value_exact
    from scored
),

holm as (
    select
        *,
        count(p_value_exact) over () as n_comparisons,
        row_number() over (
            order by case when is_tested then 0 else 1 end, p_value_exact,
                grain, touchpoint_kind, channel, resolution, handled_by, outcome
        ) as p_rank
    from with_p
),

adjusted as (
    select
        *,
        case when is_tested then least(1.0, max(
            case when is_tested then (n_comparisons - p_rank + 1) * p_value_exact end
        ) over (order by p_rank rows between unbounded preceding and current row)) end
            as p_value_adjusted_exact
    from holm
)

select
    grain,
    touchpoint_kind,
    channel,
    resolution,
    handled_by,
    outcome,
    n,
    n_outcome,
    rate_exact as rate,
    {{ wilson_low('n_outcome', 'n') }} as rate_ci_low,
    {{ wilson_high('n_outcome', 'n') }} as rate_ci_high,
    baseline_n,
    baseline_n_outcome,
    baseline_rate_exact as baseline_rate,
    {{ wilson_low('baseline_n_outcome', 'baseline_n') }} as baseline_rate_ci_low,
    {{ wilson_high('baseline_n_outcome', 'baseline_n') }} as baseline_rate_ci_high,
    rate_exact - baseline_rate_exact as difference,
    round(rate_exact / nullif(baseline_rate_exact, 0), 6) as rate_ratio,
    round(z, 6) as z,
    round(p_value_exact, 6) as p_value,
    round(p_value_adjusted_exact, 6) as p_value_adjusted,
    cast(n_comparisons as {{ dbt.type_bigint() }}) as n_comparisons,
    n >= {{ min_n }} as is_reportable,
    is_tested,
    coalesce(p_value_adjusted_exact <= {{ var('alert_alpha') }}, false) as is_significant,
    coalesce(
        p_value_adjusted_exact <= {{ var('alert_alpha') }} and rate_exact > baseline_rate_exact,
        false
    ) as is_friction_point
from adjusted
