{#- Change alerts, the one significance rule of every tier (fct_metric_alerts,
    fct_service_alerts), over the relation `observations` (metric, grain, grain_value,
    period_start, n, positives, negatives): each metric compared between consecutive
    reportable months and consecutive reportable quarters (a period below the minimum n in
    between is skipped, so a gap never silences a change), and each weekday against all other
    weekdays together, only when both sides are reportable. A two-proportion pooled
    z-test for shares (negatives = 0), and for the metrics in `difference_metrics` (a share
    minus another share of one sample, like NPS or net sentiment) a z-test with their
    multinomial variances. Significant when the Holm-Bonferroni adjusted p-value over every
    comparison of the model is at most var('alert_alpha'). Values of the metrics in
    `points_metrics` (NPS) are published x 100, in points. -#}
{% macro change_alerts(observations, difference_metrics, points_metrics=[]) -%}
{%- set difference_metrics = "('" ~ difference_metrics | join("', '") ~ "')" %}
{%- set scale = "case when metric in ('" ~ points_metrics | join("', '") ~ "') then 100 else 1 end"
    if points_metrics else "1" %}
{%- set min_n = var('min_n_reportable') %}
with observations as (
    select * from {{ observations }}
),

reportable_periods as (
    select
        *,
        row_number() over (partition by metric, grain order by period_start) as period_rank
    from observations
    where grain in ('month', 'quarter') and n >= {{ min_n }}
),

previous_period as (
    select
        current_period.metric,
        current_period.grain,
        current_period.grain_value,
        current_period.period_start,
        'previous_' || current_period.grain as comparison,
        previous.grain_value as baseline_grain_value,
        current_period.n,
        current_period.positives,
        current_period.negatives,
        previous.n as baseline_n,
        previous.positives as baseline_positives,
        previous.negatives as baseline_negatives
    from reportable_periods as current_period
    inner join reportable_periods as previous
        on current_period.metric = previous.metric
        and current_period.grain = previous.grain
        and previous.period_rank = current_period.period_rank - 1
),

weekday_totals as (
    select metric, sum(n) as n, sum(positives) as positives, sum(negatives) as negatives
    from observations
    where grain = 'weekday' and grain_value <> 'unknown'
    group by metric
),

weekday_vs_rest as (
    select
        weekday.metric,
        weekday.grain,
        weekday.grain_value,
        weekday.period_start,
        'other_weekdays' as comparison,
        'other weekdays' as baseline_grain_value,
        weekday.n,
        weekday.positives,
        weekday.negatives,
        cast(totals.n - weekday.n as {{ dbt.type_bigint() }}) as baseline_n,
        cast(totals.positives - weekday.positives as {{ dbt.type_bigint() }}) as baseline_positives,
        cast(totals.negatives - weekday.negatives as {{ dbt.type_bigint() }}) as baseline_negatives
    from observations as weekday
    inner join weekday_totals as totals
        on weekday.metric = totals.metric
    where weekday.grain = 'weekday' and weekday.grain_value <> 'unknown'
),

comparisons as (
    select * from previous_period
    union all
    select * from weekday_vs_rest
),

reportable as (
    select
        *,
        cast(positives - negatives as double) / n as value_fraction,
        cast(baseline_positives - baseline_negatives as double) / baseline_n as baseline_fraction,
        cast(positives + baseline_positives as double) / (n + baseline_n) as pooled_share
    from comparisons
    where n >= {{ min_n }} and baseline_n >= {{ min_n }}
),

tested as (
    select
        *,
        case
            when metric in {{ difference_metrics }} then sqrt(
                (cast(positives + negatives as double) / n - value_fraction * value_fraction) / n
                + (cast(baseline_positives + baseline_negatives as double) / baseline_n
                    - baseline_fraction * baseline_fraction) / baseline_n
            )
            else sqrt(pooled_share * (1 - pooled_share) * (1.0 / n + 1.0 / baseline_n))
        end as standard_error
    from reportable
),

scored as (
    select
        *,
        case when standard_error > 0 then (value_fraction - baseline_fraction) / standard_error end as z
    from tested
),

with_p as (
    select
        *,
        coalesce({{ normal_two_sided_p('z') }}, 1.0) as p_value_exact
    from scored
),

holm as (
    select
        *,
        count(*) over () as n_comparisons,
        row_number() over (order by p_value_exact, metric, grain, grain_value) as p_rank
    from with_p
),

adjusted as (
    select
        *,
        least(1.0, max((n_comparisons - p_rank + 1) * p_value_exact) over (
            order by p_rank rows between unbounded preceding and current row
        )) as p_value_adjusted_exact
    from holm
)



select
    metric,
    grain,
    grain_value,
    period_start,
    comparison,
    baseline_grain_value,
    n,
    baseline_n,
    {{ scale }} * value_fraction as value,
    {{ scale }} * baseline_fraction as baseline_value,
    {{ scale }} * (value_fraction - baseline_fraction) as difference,
    round(z, 6) as z,
    round(p_value_exact, 6) as p_value,
    round(p_value_adjusted_exact, 6) as p_value_adjusted,
    cast(n_comparisons as {{ dbt.type_bigint() }}) as n_comparisons,
    p_value_adjusted_exact <= {{ var('alert_alpha') }} as is_significant,
    case
        when value_fraction > baseline_fraction then 'up'
        when value_fraction < baseline_fraction then 'down'
        else 'flat'
    end as direction
from adjusted
{%- endmacro %}
