{#- Every published cell of fct_people_attrition with its members: one row per cell and
    employee (HR: stays in the build database). An employee's well-being band comes from the
    mean of their pulse well-being answers: low below 2.5, medium 2.5 to below 3.5, high
    3.5 and above (1-5 scale), unknown without an answer. -#}
with employees as (
    select * from {{ ref('stg_hr__employees') }}
),

wellbeing as (
    select employee_id, avg(wellbeing) as mean_wellbeing
    from {{ ref('int_people_pulse_answers') }}
    group by employee_id
),

banded as (
    select
        employees.employee_id,
        employees.has_left,
        case
            when wellbeing.mean_wellbeing is null then 'unknown'
            when wellbeing.mean_wellbeing < 2.5 then '1-low'
            when wellbeing.mean_wellbeing < 3.5 then '2-medium'
            else '3-high'
        end as wellbeing_band
    from employees
    left join wellbeing
        on employees.employee_id = wellbeing.employee_id
),

by_grain as (
    {{ explode_to_grains('banded', {'overall': none, 'wellbeing_band': 'wellbeing_band'}) }}
)

select
    grain || ':' || grain_value as cell_id,
    grain,
    grain_value,
    period_start,
    cast(null as {{ dbt.type_string() }}) as series,
    employee_id as contribution_id,
    employee_id as person_id,
    has_left,
    true as has_employee
from by_grain
