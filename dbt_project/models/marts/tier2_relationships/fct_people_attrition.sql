{#- Attrition (share of the employees in the exports who have left) overall and by
    well-being band, with its 95% Wilson interval; every figure of a suppressed cell is null
    (macro people_suppression). -#}
with cells as (
    select * from {{ ref('int_people_employee_cells') }}
),

suppression as (
    select * from {{ ref('int_people_employee_suppression') }}
),

counts as (
    select
        cell_id,
        grain,
        grain_value,
        count(*) as n_people,
        {{ count_where('has_left') }} as n_left
    from cells
    group by cell_id, grain, grain_value
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
    {{ unless_suppressed('cast(n_people as ' ~ dbt.type_bigint() ~ ')') }} as n_people,
    {{ unless_suppressed('n_left') }} as n_left,
    {{ unless_suppressed('cast(n_left as double) / n_people') }} as attrition_share,
    {{ unless_suppressed(wilson_low('n_left', 'n_people')) }} as attrition_share_ci_low,
    {{ unless_suppressed(wilson_high('n_left', 'n_people')) }} as attrition_share_ci_high,
    not is_suppressed and n_people >= {{ var('min_n_reportable') }} as is_reportable,
    is_suppressed,
    suppression_reason
from flagged
