{#- The empathy index's components for every period ('overall' and each month with any KPI).

    Every configured component counts in every period with its full configured weight, so a
    component that goes missing can never raise the index:
    - measured: the KPI is reportable in the period; scored at its value.
    - carried_forward: no data in a month, but a reportable value within the last
      var('index_carry_forward_months') months (a component measured quarterly, say);
      scored at that value, and said so.
    - low_sample_bound: data, but fewer answers than the KPI's minimum (fct_kpi_values.min_n,
      by default var('min_n_reportable')); scored at the
      pessimistic end of its 95% interval, so thin data cannot flatter the index.
    - no_data: scored 0, the worst end of its scale.
    Scores come from score_against_target: a value exactly on its target scores the index's
    own green threshold, one on its amber threshold the index's amber threshold. Coverage
    counts the weight of measured and carried-forward components. -#}
{%- set carry = var('index_carry_forward_months') %}
with components as (
    select * from {{ ref('empathy_index_components') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
),

index_target as (
    select target as green_score, amber_threshold as amber_score
    from targets
    where kpi = 'empathy_index'
),

kpi_values as (
    select * from {{ ref('fct_kpi_values') }}
),

periods as (
    select 'overall' as period, cast(null as date) as period_start
    union all
    select distinct period, period_start
    from kpi_values
    where grain = 'month'
),

grid as (
    select
        periods.period,
        periods.period_start,
        components.component,
        components.pillar,
        components.weight,
        components.normalization,
        targets.target,
        targets.amber_threshold,
        targets.direction,
        targets.owner,
        targets.missing_reason
    from periods
    cross join components
    left join targets
        on components.component = targets.kpi
),

candidates as (
    {#- the period's own value, or for a month, a reportable value of an earlier month
        within the carry-forward window -#}
    select
        grid.period,
        grid.component,
        kpi_values.period as value_period,
        kpi_values.value,
        kpi_values.n,
        kpi_values.ci_low,
        kpi_values.ci_high,
        kpi_values.min_n,
        kpi_values.is_reportable,
        row_number() over (
            partition by grid.period, grid.component
            order by kpi_values.period_start desc
        ) as recency_rank
    from grid
    inner join kpi_values
        on grid.component = kpi_values.kpi
        and (
            (grid.period = 'overall' and kpi_values.grain = 'overall')
            or (
                kpi_values.grain = 'month'
                and kpi_values.period_start <= grid.period_start
                and kpi_values.period_start > {{ dbt.dateadd('month', -carry, 'grid.period_start') }}
                and (kpi_values.period_start = grid.period_start or kpi_values.is_reportable)
            )
        )
),

kpis_with_data as (
    select distinct kpi from kpi_values
),

valued as (
    select
        grid.*,
        candidates.value as raw_value,
        candidates.n,
        candidates.ci_low,
        candidates.ci_high,
        candidates.min_n,
        candidates.value_period,
        case
            when candidates.value is null then 'no_data'
            when not candidates.is_reportable then 'low_sample_bound'
            when candidates.value_period <> grid.period then 'carried_forward'
            else 'measured'
        end as basis,
        kpis_with_data.kpi is not null as kpi_has_data
    from grid
    left join candidates
        on grid.period = candidates.period
        and grid.component = candidates.component
        and candidates.recency_rank = 1
    left join kpis_with_data
        on grid.component = kpis_with_data.kpi
),

{%- set pessimistic = "case when valued.direction = 'lower_is_better' then valued.ci_high else valued.ci_low end" %}
scored as (
    select
        valued.*,
        case valued.basis
            when 'no_data' then 0.0
            when 'low_sample_bound' then coalesce({{ score_against_target(pessimistic, 'valued.normalization', 'valued.target', 'valued.amber_threshold', 'valued.direction', 'index_target.green_score', 'index_target.amber_score') }}, 0.0)
            else {{ score_against_target('valued.raw_value', 'valued.normalization', 'valued.target', 'valued.amber_threshold', 'valued.direction', 'index_target.green_score', 'index_target.amber_score') }}
        end as score,
        {{ score_against_target('valued.ci_low', 'valued.normalization', 'valued.target', 'valued.amber_threshold', 'valued.direction', 'index_target.green_score', 'index_target.amber_score') }} as score_at_ci_low,
        {{ score_against_target('valued.ci_high', 'valued.normalization', 'valued.target', 'valued.amber_threshold', 'valued.direction', 'index_target.green_score', 'index_target.amber_score') }} as score_at_ci_high
    from valued
    cross join index_target
)

select
    period,
    period_start,
    component,
    pillar,
    raw_value,
    cast(n as {{ dbt.type_bigint() }}) as n,
    value_period,
    basis,
    score,
    {#- sampling interval of the score (a bound or a missing component has none) -#}
    case when basis in ('measured', 'carried_forward')
        then least(score_at_ci_low, score_at_ci_high) else score end as score_ci_low,
    case when basis in ('measured', 'carried_forward')
        then greatest(score_at_ci_low, score_at_ci_high) else score end as score_ci_high,
    weight,
    {#- the weights' sum rounded to 9 decimals: a parallel window sum can differ in its last
        bit from one build to the next, and a contribution on a rounding boundary of the
        publication's content fingerprint would then republish unchanged data -#}
    weight / round(sum(weight) over (partition by period), 9) as weight_share,
    weight / round(sum(weight) over (partition by period), 9) * score as contribution,
    target,
    amber_threshold,
    owner,
    case when basis in ('measured', 'carried_forward')
        then {{ status_vs_target('raw_value', 'target', 'amber_threshold', 'direction') }} end as status,
    basis in ('measured', 'carried_forward') as is_available,
    case
        when basis = 'measured' then null
        when basis = 'carried_forward' then 'no data this month: the value of ' || value_period || ' is carried forward'
        when basis = 'low_sample_bound' then 'not reportable: n = ' || cast(n as {{ dbt.type_string() }})
            || ', below the minimum of ' || cast(min_n as {{ dbt.type_string() }})
            || '; counted at the pessimistic end of its interval'
        when not kpi_has_data then missing_reason || '; counted as 0'
        else 'no data in this period; counted as 0'
    end as unavailable_reason
from scored
