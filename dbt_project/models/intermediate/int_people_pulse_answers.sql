{#- One pulse answer per row with the employee's team, department and frontline flag (HR:
    stays in the build database). An employee's groups are those of the latest employee
    export; an answer whose employee is unknown is grouped as 'unknown'. -#}
with answers as (
    select * from {{ ref('stg_hr__pulse_surveys') }}
),

employees as (
    select * from {{ ref('stg_hr__employees') }}
)

select
    answers.response_id,
    answers.employee_id,
    answers.responded_at,
    cast(answers.responded_at as date) as response_date,
    employees.team,
    employees.department,
    case
        when employees.is_frontline then 'frontline'
        when not employees.is_frontline then 'not_frontline'
    end as frontline,
    answers.job_satisfaction,
    answers.wellbeing,
    answers.stress,
    answers.enps,
    case
        when answers.enps >= 9 then 'promoter'
        when answers.enps >= 7 then 'passive'
        when answers.enps >= 0 then 'detractor'
    end as enps_category
from answers
left join employees
    on answers.employee_id = employees.employee_id
