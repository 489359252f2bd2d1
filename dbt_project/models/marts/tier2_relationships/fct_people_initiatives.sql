{#- Before and after each initiative (training, well-being programme, ...) on the pulse
    measures of the same people: one row per initiative and population (trained: the teams
    it lists; untrained: the others), over the people who answered in the
    var('people_window_days') days before and after it. change = after - before, the mean of
    each person's change, with its 95% paired Student-t interval; on the trained row,
    change_vs_untrained = the trained change minus the untrained change (difference in
    differences, normal 95% interval). Suppressed cells: every figure null. -#}
{%- set means = ['wellbeing', 'stress', 'job_satisfaction'] %}
with answers as (
    select * from {{ ref('int_people_initiative_answers') }}
),

initiatives as (
    select * from {{ ref('stg_hr__trainings') }}
),

suppression as (
    select * from {{ ref('int_people_pulse_suppression') }}
),

person_windows as (
    select
        initiative_id,
        population,
        employee_id,
        {%- for m in means %}
        avg(case when time_window = 'before' then {{ m }} end) as {{ m }}_before,
        avg(case when time_window = 'after' then {{ m }} end) as {{ m }}_after{% if not loop.last %},{% endif %}
        {%- endfor %}
    from answers
    group by initiative_id, population, employee_id
),

groups as (
    select
        initiative_id,
        population,
        count(*) as n_people,
        {%- for m in means %}
        count({{ m }}_after - {{ m }}_before) as n_{{ m }},
        avg(case when {{ m }}_after is not null then {{ m }}_before end) as {{ m }}_before,
        avg(case when {{ m }}_before is not null then {{ m }}_after end) as {{ m }}_after,
        sum({{ m }}_after - {{ m }}_before) as {{ m }}_change_sum,
        sum(({{ m }}_after - {{ m }}_before) * ({{ m }}_after - {{ m }}_before)) as {{ m }}_change_sum_of_squares{% if not loop.last %},{% endif %}
        {%- endfor %}
    from person_windows
    group by initiative_id, population
),

flagged as (
    select
        groups.*,
        coalesce(before_cell.is_suppressed, true) or coalesce(after_cell.is_suppressed, true) as is_suppressed,
        coalesce(before_cell.suppression_reason, after_cell.suppression_reason) as suppression_reason
    from groups
    left join suppression as before_cell
        on before_cell.cell_id = 'initiative:' || groups.initiative_id || ':' || groups.population || ':before'
    left join suppression as after_cell
        on after_cell.cell_id = 'initiative:' || groups.initiative_id || ':' || groups.population || ':after'
),

figures as (
    select
        initiative_id,
        population,
        is_suppressed,
        suppression_reason,
        {{ unless_suppressed('cast(n_people as ' ~ dbt.type_bigint() ~ ')') }} as n_people,
        {%- for m in means %}
        {{ unless_suppressed('n_' ~ m) }} as n_{{ m }},
        {{ unless_suppressed(m ~ '_before') }} as {{ m }}_before,
        {{ unless_suppressed(m ~ '_after') }} as {{ m }}_after,
        {{ unless_suppressed(m ~ '_change_sum / nullif(n_' ~ m ~ ', 0)') }} as {{ m }}_change,
        {{ unless_suppressed(mean_low(m ~ '_change_sum', m ~ '_change_sum_of_squares', 'n_' ~ m, -4, 4)) }} as {{ m }}_change_ci_low,
        {{ unless_suppressed(mean_high(m ~ '_change_sum', m ~ '_change_sum_of_squares', 'n_' ~ m, -4, 4)) }} as {{ m }}_change_ci_high,
        {{ unless_suppressed(
            '(' ~ m ~ '_change_sum_of_squares - ' ~ m ~ '_change_sum * ' ~ m ~ '_change_sum / n_' ~ m ~ ')'
            ~ ' / nullif(n_' ~ m ~ ' - 1, 0) / n_' ~ m) }} as {{ m }}_change_variance{% if not loop.last %},{% endif %}
        {%- endfor %}
    from flagged
)

select
    trained.initiative_id,
    initiatives.initiative_name,
    initiatives.kind,
    initiatives.started_at,
    trained.population,
    trained.n_people,
    {%- for m in means %}
    trained.n_{{ m }},
    trained.{{ m }}_before,
    trained.{{ m }}_after,
    trained.{{ m }}_change,
    trained.{{ m }}_change_ci_low,
    trained.{{ m }}_change_ci_high,
    case when trained.population = 'trained' then trained.{{ m }}_change - untrained.{{ m }}_change end
        as {{ m }}_change_vs_untrained,
    case when trained.population = 'trained' then round(trained.{{ m }}_change - untrained.{{ m }}_change
        - {{ z_95() }} * sqrt(trained.{{ m }}_change_variance + untrained.{{ m }}_change_variance), 6) end
        as {{ m }}_change_vs_untrained_ci_low,
    case when trained.population = 'trained' then round(trained.{{ m }}_change - untrained.{{ m }}_change
        + {{ z_95() }} * sqrt(trained.{{ m }}_change_variance + untrained.{{ m }}_change_variance), 6) end
        as {{ m }}_change_vs_untrained_ci_high,
    {%- endfor %}
    trained.is_suppressed,
    trained.suppression_reason
from figures as trained
left join figures as untrained
    on trained.initiative_id = untrained.initiative_id
    and untrained.population = 'untrained'
    and trained.population = 'trained'
inner join initiatives
    on trained.initiative_id = initiatives.initiative_id
