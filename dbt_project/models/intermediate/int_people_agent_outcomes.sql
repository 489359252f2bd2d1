{#- One row per agent pseudonym: the person's mean TEQ total and mean pulse well-being next
    to the CSAT of the answers about their contacts. Individual HR scores: this model stays
    in the build database (schema intermediate) and is never published. -#}
with employees as (
    select employee_id, agent_id, team
    from {{ ref('stg_hr__employees') }}
    where agent_id is not null
),

teq as (
    select employee_id, avg(teq_total) as teq_total_mean
    from {{ ref('int_people_empathy_scored') }}
    group by employee_id
),

wellbeing as (
    select employee_id, avg(wellbeing) as wellbeing_mean
    from {{ ref('int_people_pulse_answers') }}
    group by employee_id
),

csat as (
    select
        agent_id,
        count(*) as n_csat,
        avg(case when is_csat_top2 then 1 else 0 end) as csat_top2_share
    from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'csat' and handled_by = 'agent' and agent_id is not null
    group by agent_id
)

select
    employees.agent_id,
    employees.employee_id,
    employees.team,
    teq.teq_total_mean,
    wellbeing.wellbeing_mean,
    csat.n_csat,
    csat.csat_top2_share
from employees
left join teq on employees.employee_id = teq.employee_id
left join wellbeing on employees.employee_id = wellbeing.employee_id
left join csat on employees.agent_id = csat.agent_id
