{#- One row per agent pseudonym used in the CRM, with the team of the employee behind it.
    When several employee records carry the same agent id (a rehire, a transfer), the most
    recently hired one wins. -#}
with employees as (
    select * from {{ ref('stg_hr__employees') }}
    where agent_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by agent_id order by hired_at desc nulls last, employee_id
        ) as agent_rank
    from employees
)

select
    agent_id,
    team,
    department,
    is_frontline
from ranked
where agent_rank = 1
