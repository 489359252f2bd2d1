{#- Every published cell of the pulse marts with its members: one row per cell and answer
    (HR: stays in the build database). Cells: overall, month, team, department and frontline
    (fct_people_pulse), and each initiative's trained and untrained groups before and after
    it (fct_people_initiatives). The suppression (int_people_pulse_suppression) decides on
    all of them together, since they are published together. -#}
{%- set measures = ['job_satisfaction', 'wellbeing', 'stress', 'enps'] %}
with answers as (
    select * from {{ ref('int_people_pulse_answers') }}
),

by_grain as (
    {{ explode_to_grains('answers', {
        'overall': none,
        'month': 'response_date',
        'team': 'team',
        'department': 'department',
        'frontline': 'frontline',
    }) }}
),

initiative_windows as (
    select * from {{ ref('int_people_initiative_answers') }}
),

cells as (
    select
        grain,
        grain_value,
        period_start,
        case when grain = 'month' then 'month' end as series,
        response_id,
        employee_id
        {%- for m in measures %},
        {{ m }}
        {%- endfor %},
        enps_category
    from by_grain
    union all
    select
        'initiative' as grain,
        initiative_id || ':' || population || ':' || time_window as grain_value,
        cast(null as date) as period_start,
        cast(null as {{ dbt.type_string() }}) as series,
        response_id,
        employee_id
        {%- for m in measures %},
        {{ m }}
        {%- endfor %},
        enps_category
    from initiative_windows
)

select
    grain || ':' || grain_value as cell_id,
    grain,
    grain_value,
    period_start,
    series,
    response_id as contribution_id,
    employee_id as person_id,
    {%- for m in measures %}
    {{ m }} is not null as has_{{ m }},
    {{ m }},
    {%- endfor %}
    enps_category
from cells
