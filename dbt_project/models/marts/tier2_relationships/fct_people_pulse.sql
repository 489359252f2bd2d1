{#- Employee pulse surveys (well-being, stress, job satisfaction, eNPS) overall, by month,
    team, department and frontline vs not, with every figure of a suppressed cell null
    (fewer than var('min_group_people') people, or derivable by subtraction: macro
    people_suppression). -#}
{%- set means = ['job_satisfaction', 'wellbeing', 'stress'] %}
with cells as (
    select * from {{ ref('int_people_pulse_cells') }}
    where grain in ('overall', 'month', 'team', 'department', 'frontline')
),

suppression as (
    select * from {{ ref('int_people_pulse_suppression') }}
),

counts as (
    select
        cell_id,
        grain,
        grain_value,
        period_start,
        count(distinct person_id) as n_people,
        count(*) as n_answers,
        {%- for m in means %}
        count({{ m }}) as n_{{ m }},
        sum({{ m }}) as {{ m }}_sum,
        sum({{ m }} * {{ m }}) as {{ m }}_sum_of_squares,
        {%- endfor %}
        count(enps) as n_enps,
        {{ count_where("enps_category = 'promoter'") }} as n_enps_promoters,
        {{ count_where("enps_category = 'passive'") }} as n_enps_passives,
        {{ count_where("enps_category = 'detractor'") }} as n_enps_detractors
    from cells
    group by cell_id, grain, grain_value, period_start
),

flagged as (
    select counts.*, suppression.is_suppressed, suppression.suppression_reason
    from counts
    inner join suppression
        on counts.cell_id = suppression.cell_id
)

select
    grain,
    grain_value,
    period_start,
    {{ unless_suppressed('cast(n_people as ' ~ dbt.type_bigint() ~ ')') }} as n_people,
    {{ unless_suppressed('cast(n_answers as ' ~ dbt.type_bigint() ~ ')') }} as n_answers,
    {%- for m in means %}
    {{ people_mean_columns(m, 1, 5) }},
    {%- endfor %}
    {{ unless_suppressed('n_enps') }} as n_enps,
    {{ unless_suppressed('n_enps_promoters') }} as n_enps_promoters,
    {{ unless_suppressed('n_enps_passives') }} as n_enps_passives,
    {{ unless_suppressed('n_enps_detractors') }} as n_enps_detractors,
    {{ unless_suppressed('cast(n_enps_promoters - n_enps_detractors as double) * 100 / nullif(n_enps, 0)') }} as enps,
    {{ unless_suppressed(difference_low('n_enps_promoters', 'n_enps_detractors', 'n_enps', scale=100)) }} as enps_ci_low,
    {{ unless_suppressed(difference_high('n_enps_promoters', 'n_enps_detractors', 'n_enps', scale=100)) }} as enps_ci_high,
    not is_suppressed and n_answers >= {{ var('min_n_reportable') }} as is_reportable,
    is_suppressed,
    suppression_reason
from flagged
