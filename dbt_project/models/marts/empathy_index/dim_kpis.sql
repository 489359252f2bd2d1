{#- Executive accountability: every KPI of seeds/kpi_targets.csv with its owner, target,
    unit and direction, its latest value and its status. The latest value is the most recent
    month in which the KPI is reportable, or the whole history when no single month is. -#}
with targets as (
    select * from {{ ref('kpi_targets') }}
),

kpi_values as (
    select kpi, grain, period, period_start, value, n, is_reportable
    from {{ ref('fct_kpi_values') }}
    union all
    select
        'empathy_index',
        case when period = 'overall' then 'overall' else 'month' end,
        period,
        period_start,
        index_value,
        n_components_used,
        true
    from {{ ref('fct_empathy_index') }}
    where index_value is not null
),

latest as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by kpi
                order by case when grain = 'month' then 0 else 1 end, period_start desc
            ) as recency_rank
        from kpi_values
        where is_reportable
    ) as ranked
    where recency_rank = 1
),

kpis_with_data as (
    select distinct kpi from kpi_values
)

select
    targets.kpi,
    targets.kpi_label,
    targets.tier,
    targets.unit,
    targets.direction,
    targets.owner,
    targets.target,
    targets.amber_threshold,
    latest.period as latest_period,
    latest.period_start as latest_period_start,
    latest.value as latest_value,
    latest.n as latest_n,
    case
        when latest.kpi is not null
            then {{ status_vs_target('latest.value', 'targets.target', 'targets.amber_threshold', 'targets.direction') }}
        when kpis_with_data.kpi is not null then 'insufficient_data'
        else 'no_data'
    end as status,
    case
        when latest.kpi is not null then null
        when kpis_with_data.kpi is not null
            then 'fewer than {{ var("min_n_reportable") }} answers in every period'
        else targets.missing_reason
    end as status_reason
from targets
left join latest
    on targets.kpi = latest.kpi
left join kpis_with_data
    on targets.kpi = kpis_with_data.kpi
