{#- The company-wide empathy index, 0-100, for every period ('overall' and each month): the
    weighted mean of the normalized components available in the period, with the weights
    renormalized over them. Coverage is the share of the configured weight that was available;
    the row names the components used and missing. -#}
with components as (
    select * from {{ ref('fct_empathy_index_components') }}
),

index_target as (
    select * from {{ ref('kpi_targets') }}
    where kpi = 'empathy_index'
),

periods as (
    select
        period,
        period_start,
        sum(case when is_available then normalized_value * effective_weight end) as index_value,
        sum(case when is_available then weight else 0 end) / sum(weight) as coverage,
        {{ count_where('is_available') }} as n_components_used,
        count(*) as n_components_configured,
        {{ dbt.listagg("case when is_available then component end", "', '", 'order by component') }}
            as components_used,
        {{ dbt.listagg("case when not is_available then component end", "', '", 'order by component') }}
            as components_missing
    from components
    group by period, period_start
)

select
    periods.period,
    periods.period_start,
    round(periods.index_value, 2) as index_value,
    {{ status_vs_target('round(periods.index_value, 2)', 'index_target.target',
        'index_target.amber_threshold', 'index_target.direction') }} as band,
    periods.coverage,
    periods.n_components_used,
    periods.n_components_configured,
    periods.components_used,
    periods.components_missing
from periods
cross join index_target
