{#- Executive accountability: every KPI of seeds/kpi_targets.csv with its owner, target,
    unit and direction, and its value in the reporting month (int_reporting_period: the
    latest month that had ended when the data were exported, the one definition of "latest"
    the index and the scorecard use too). A KPI with no monthly series (measured over the
    whole history only) reports its overall value. Also: the change from the previous
    reportable month, and how many reportable months in a row it has been off target. -#}
with targets as (
    select * from {{ ref('kpi_targets') }}
),

reporting_period as (
    select * from {{ ref('int_reporting_period') }}
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
        index_value is not null
    from {{ ref('fct_empathy_index') }}
    where period = 'overall' or index_value is not null
),

monthly_kpis as (
    select distinct kpi from kpi_values where grain = 'month'
),

reportable_months as (
    select
        kpi_values.kpi,
        kpi_values.period,
        kpi_values.period_start,
        kpi_values.value,
        {{ status_vs_target('kpi_values.value', 'targets.target', 'targets.amber_threshold',
            'targets.direction') }} as status,
        row_number() over (
            partition by kpi_values.kpi order by kpi_values.period_start desc
        ) as recency_rank
    from kpi_values
    inner join targets
        on kpi_values.kpi = targets.kpi
    cross join reporting_period
    where kpi_values.grain = 'month'
        and kpi_values.is_reportable
        and kpi_values.period_start <= reporting_period.reporting_month
),

last_green as (
    select kpi, max(period_start) as last_green_start
    from reportable_months
    where status = 'green'
    group by kpi
),

off_target as (
    select
        reportable_months.kpi,
        {{ count_where("reportable_months.period_start > coalesce(last_green.last_green_start, cast('1900-01-01' as date))") }}
            as periods_off_target
    from reportable_months
    left join last_green
        on reportable_months.kpi = last_green.kpi
    group by reportable_months.kpi
),

current_value as (
    {#- the reporting month's row for KPIs with a monthly series, else the overall row -#}
    select kpi_values.*
    from kpi_values
    cross join reporting_period
    left join monthly_kpis
        on kpi_values.kpi = monthly_kpis.kpi
    where (monthly_kpis.kpi is not null and kpi_values.grain = 'month'
            and kpi_values.period_start = reporting_period.reporting_month)
        or (monthly_kpis.kpi is null and kpi_values.grain = 'overall')
),

previous_value as (
    {#- the latest reportable month before the reporting month -#}
    select reportable_months.kpi, reportable_months.period, reportable_months.value
    from reportable_months
    cross join reporting_period
    inner join (
        select kpi, max(period_start) as period_start
        from reportable_months
        cross join reporting_period
        where period_start < reporting_period.reporting_month
        group by kpi
    ) as latest_before
        on reportable_months.kpi = latest_before.kpi
        and reportable_months.period_start = latest_before.period_start
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
    coalesce(current_value.period, cast(reporting_period.reporting_month as {{ dbt.type_string() }}))
        as latest_period,
    coalesce(current_value.period_start, reporting_period.reporting_month) as latest_period_start,
    case when current_value.is_reportable then current_value.value end as latest_value,
    cast(current_value.n as {{ dbt.type_bigint() }}) as latest_n,
    case
        when current_value.is_reportable
            then {{ status_vs_target('current_value.value', 'targets.target', 'targets.amber_threshold', 'targets.direction') }}
        when kpis_with_data.kpi is not null then 'insufficient_data'
        else 'no_data'
    end as status,
    case
        when current_value.is_reportable then null
        when current_value.kpi is not null and targets.kpi = 'empathy_index'
            then 'not enough data: coverage below the floor'
        when current_value.kpi is not null
            then 'n = ' || cast(current_value.n as {{ dbt.type_string() }})
                || ' in ' || current_value.period || ', below the minimum of {{ var("min_n_reportable") }}'
        when kpis_with_data.kpi is not null
            then 'no data in ' || cast(reporting_period.reporting_month as {{ dbt.type_string() }})
        else targets.missing_reason
    end as status_reason,
    previous_value.period as previous_period,
    previous_value.value as previous_value,
    case when current_value.is_reportable then current_value.value - previous_value.value end
        as change_from_previous,
    cast(coalesce(off_target.periods_off_target, 0) as {{ dbt.type_bigint() }}) as periods_off_target
from targets
cross join reporting_period
left join current_value
    on targets.kpi = current_value.kpi
left join previous_value
    on targets.kpi = previous_value.kpi
left join off_target
    on targets.kpi = off_target.kpi
left join kpis_with_data
    on targets.kpi = kpis_with_data.kpi
