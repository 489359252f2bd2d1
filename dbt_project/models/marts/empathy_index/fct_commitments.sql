{#- Executive accountability: the commitments of seeds/commitments.csv (action, owner, due
    date, status), each with its KPI's current status and whether it is overdue. Overdue is
    judged at the date of the newest data (int_reporting_period.as_of_date), not the date of
    the build, so rebuilding the same exports always gives the same scorecard. -#}
with commitments as (
    select * from {{ ref('commitments') }}
),

kpis as (
    select kpi, kpi_label, status from {{ ref('dim_kpis') }}
),

reporting_period as (
    select * from {{ ref('int_reporting_period') }}
)

select
    commitments.commitment_id,
    commitments.kpi,
    kpis.kpi_label,
    commitments.action,
    commitments.owner,
    commitments.due_date,
    commitments.status,
    kpis.status as kpi_status,
    reporting_period.as_of_date,
    -- No dated fact at all (exports without dates): as_of_date is null, nothing is overdue.
    coalesce(commitments.status <> 'done' and commitments.due_date < reporting_period.as_of_date, false) as is_overdue,
    case when commitments.status <> 'done' and commitments.due_date < reporting_period.as_of_date
        then cast({{ dbt.datediff('commitments.due_date', 'reporting_period.as_of_date', 'day') }}
            as {{ dbt.type_bigint() }})
    end as days_overdue
from commitments
left join kpis
    on commitments.kpi = kpis.kpi
cross join reporting_period
