{#- Pulse answers around each initiative (HR: stays in the build database): for every
    initiative of stg_hr__trainings, the answers given in the var('people_window_days') days
    before its start and in as many days from its end (its start when it has none), by the
    people who answered in both windows (a panel: before and after hold the same people).
    Population 'trained' = employees of the teams it lists (all of them for 'all'),
    'untrained' = everyone else. -#}
{%- set days = var('people_window_days') %}
with initiatives as (
    select
        initiative_id,
        started_at,
        coalesce(ended_at, started_at) as after_from,
        ';' || replace(replace(lower(teams), '; ', ';'), ' ;', ';') || ';' as team_list,
        lower(trim(teams)) = 'all' as applies_to_all
    from {{ ref('stg_hr__trainings') }}
),

answers as (
    select * from {{ ref('int_people_pulse_answers') }}
    where response_date is not null
),

windowed as (
    select
        initiatives.initiative_id,
        case
            when initiatives.applies_to_all then 'trained'
            when initiatives.team_list like '%;' || lower(answers.team) || ';%' then 'trained'
            else 'untrained'
        end as population,
        case
            when answers.response_date < initiatives.started_at then 'before'
            else 'after'
        end as time_window,
        answers.*
    from initiatives
    inner join answers
        on (answers.response_date >= {{ dbt.dateadd('day', -days, 'initiatives.started_at') }}
            and answers.response_date < initiatives.started_at)
        or (answers.response_date >= initiatives.after_from
            and answers.response_date < {{ dbt.dateadd('day', days, 'initiatives.after_from') }})
),

panel as (
    select initiative_id, employee_id
    from windowed
    group by initiative_id, employee_id
    having count(distinct time_window) = 2
)

select windowed.*
from windowed
inner join panel
    on windowed.initiative_id = panel.initiative_id
    and windowed.employee_id = panel.employee_id
