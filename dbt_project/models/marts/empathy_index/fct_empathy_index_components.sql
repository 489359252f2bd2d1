{#- The empathy index's components for every period ('overall' and each month with any KPI):
    raw value, its 0-100 normalization, configured and renormalized weight, target, owner and
    status, and why a component is unavailable. A component counts only when its KPI is
    reportable in the period; the others' weights are shared out among those available. -#}
with components as (
    select * from {{ ref('empathy_index_components') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
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

kpis_with_data as (
    select distinct kpi from kpi_values
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
        targets.missing_reason,
        kpis_with_data.kpi is not null as kpi_has_data
    from periods
    cross join components
    left join targets
        on components.component = targets.kpi
    left join kpis_with_data
        on components.component = kpis_with_data.kpi
),

valued as (
    select
        grid.*,
        kpi_values.value as raw_value,
        kpi_values.n,
        coalesce(kpi_values.is_reportable and kpi_values.value is not null, false) as is_available,
        case
            when kpi_values.is_reportable and kpi_values.value is not null then null
            when not grid.kpi_has_data then grid.missing_reason
            when kpi_values.kpi is null then 'no data in this period'
            else 'not reportable: n = ' || cast(kpi_values.n as {{ dbt.type_string() }})
                || ', below the minimum of '
                || cast(coalesce(kpi_values.min_n, {{ var('min_n_reportable') }}) as {{ dbt.type_string() }})
        end as unavailable_reason
    from grid
    left join kpi_values
        on grid.component = kpi_values.kpi
        and grid.period = kpi_values.period
)

select
    period,
    period_start,
    component,
    pillar,
    raw_value,
    n,
    case when is_available then {{ normalize_to_100('normalization', 'raw_value') }} end as normalized_value,
    weight,
    case
        when is_available
            then weight / sum(case when is_available then weight end) over (partition by period)
        else 0.0
    end as effective_weight,
    target,
    amber_threshold,
    owner,
    case when is_available then {{ status_vs_target('raw_value', 'target', 'amber_threshold', 'direction') }} end as status,
    is_available,
    unavailable_reason
from valued
