{#- The company-wide empathy index, 0-100, for every period ('overall' and each month).

    Value: the weighted mean of every configured component's score (fct_empathy_index_
    components), with the configured weights; a component on target scores the green
    threshold, so everything on target reads exactly green. Interval: 95%, from the
    components' sampling intervals (each score's standard error taken as its interval's
    width / 3.92, combined as independent: sqrt(sum (w_i SE_i)^2)). Published only when the
    coverage (weight of measured or carried-forward components) reaches
    var('index_coverage_floor'); otherwise 'not_enough_data', naming what is missing.
    Change: against the previous month with a published value, significant when the
    difference's z (the two intervals' standard errors combined) is beyond 1.96; otherwise
    'flat', drawn without an arrow. -#}
{%- set floor = var('index_coverage_floor') %}
with components as (
    select * from {{ ref('fct_empathy_index_components') }}
),

index_target as (
    select target, amber_threshold, direction
    from {{ ref('kpi_targets') }}
    where kpi = 'empathy_index'
),

reporting_period as (
    select * from {{ ref('int_reporting_period') }}
),

periods as (
    select
        period,
        period_start,
        sum(contribution) as index_exact,
        sqrt(sum(
            weight_share * weight_share
            * ((score_ci_high - score_ci_low) / 3.92) * ((score_ci_high - score_ci_low) / 3.92)
        )) as standard_error,
        sum(case when is_available then weight else 0 end) / sum(weight) as coverage,
        {{ count_where('is_available') }} as n_components_used,
        count(*) as n_components_configured,
        {{ dbt.listagg("case when is_available then component end", "', '", 'order by component') }}
            as components_used,
        {{ dbt.listagg("case when not is_available then component end", "', '", 'order by component') }}
            as components_missing
    from components
    group by period, period_start
),

published as (
    select
        periods.*,
        coverage >= {{ floor }} - 1e-9 and index_exact is not null as is_published
    from periods
),

sequenced as (
    select
        published.*,
        case when period <> 'overall' and is_published then
            row_number() over (
                partition by case when period <> 'overall' and is_published then 1 else 0 end
                order by period_start
            )
        end as published_rank
    from published
),

with_previous as (
    select
        current_period.*,
        previous.period as previous_period,
        previous.index_exact as previous_index_exact,
        previous.standard_error as previous_standard_error
    from sequenced as current_period
    left join sequenced as previous
        on current_period.published_rank is not null
        and previous.published_rank = current_period.published_rank - 1
),

changes as (
    select
        with_previous.*,
        index_exact - previous_index_exact as change_exact,
        sqrt(standard_error * standard_error + previous_standard_error * previous_standard_error)
            as change_standard_error
    from with_previous
)

select
    changes.period,
    changes.period_start,
    case when changes.is_published then round(changes.index_exact, 2) end as index_value,
    case when changes.is_published
        then round(greatest(0.0, changes.index_exact - 1.96 * changes.standard_error), 2) end as index_ci_low,
    case when changes.is_published
        then round(least(100.0, changes.index_exact + 1.96 * changes.standard_error), 2) end as index_ci_high,
    case when changes.is_published then {{ status_vs_target('round(changes.index_exact, 2)',
        'index_target.target', 'index_target.amber_threshold', 'index_target.direction') }} end as band,
    case when changes.is_published then 'published' else 'not_enough_data' end as status,
    case when not changes.is_published then
        'coverage ' || cast(round(100 * changes.coverage) as {{ dbt.type_bigint() }})
        || '% of the configured weight, below the floor of '
        || cast(round(100 * {{ floor }}) as {{ dbt.type_bigint() }}) || '%; missing: '
        || coalesce(changes.components_missing, 'none')
    end as status_reason,
    changes.coverage,
    cast({{ floor }} as double) as coverage_floor,
    changes.n_components_used,
    changes.n_components_configured,
    changes.components_used,
    changes.components_missing,
    changes.period <> 'overall'
        and {{ dbt.dateadd('month', 1, 'changes.period_start') }}
            <= {{ dbt.dateadd('day', 1, 'reporting_period.as_of_date') }} as is_complete_period,
    coalesce(changes.period_start = reporting_period.reporting_month, false) as is_latest,
    changes.previous_period,
    round(changes.change_exact, 2) as change,
    round(changes.change_exact - 1.96 * changes.change_standard_error, 2) as change_ci_low,
    round(changes.change_exact + 1.96 * changes.change_standard_error, 2) as change_ci_high,
    case when changes.change_exact is not null then
        changes.change_standard_error > 0
        and abs(changes.change_exact) > 1.96 * changes.change_standard_error
    end as change_is_significant,
    case
        when changes.change_exact is null then null
        when changes.change_standard_error = 0
            or abs(changes.change_exact) <= 1.96 * changes.change_standard_error then 'flat'
        when changes.change_exact > 0 then 'up'
        else 'down'
    end as change_direction
from changes
cross join index_target
cross join reporting_period
