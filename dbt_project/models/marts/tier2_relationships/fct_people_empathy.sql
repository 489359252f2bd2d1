{#- Employee empathy: TEQ total (0-64) and, when the export carries it, the four IRI
    subscales (0-28), overall, by month of assessment, team, department and frontline vs
    not. Every figure of a suppressed cell is null (macro people_suppression). -#}
{%- set measures = ['teq_total'] %}
{%- for subscale in iri_subscales() %}{% do measures.append('iri_' ~ subscale) %}{% endfor %}
with cells as (
    select * from {{ ref('int_people_empathy_cells') }}
),

suppression as (
    select * from {{ ref('int_people_empathy_suppression') }}
),

counts as (
    select
        cell_id,
        grain,
        grain_value,
        period_start,
        count(distinct person_id) as n_people,
        count(*) as n_sheets,
        {{ count_where("teq_status = 'prorated'") }} as n_teq_prorated,
        {{ count_where("teq_status in ('incomplete', 'not_taken')") }} as n_teq_incomplete,
        {%- for m in measures %}
        count({{ m }}) as n_{{ m }},
        sum({{ m }}) as {{ m }}_sum,
        sum({{ m }} * {{ m }}) as {{ m }}_sum_of_squares{% if not loop.last %},{% endif %}
        {%- endfor %}
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
    {{ unless_suppressed('cast(n_sheets as ' ~ dbt.type_bigint() ~ ')') }} as n_sheets,
    {{ unless_suppressed('n_teq_prorated') }} as n_teq_prorated,
    {{ unless_suppressed('n_teq_incomplete') }} as n_teq_incomplete,
    {{ people_mean_columns('teq_total', 0, 64) }},
    {%- for subscale in iri_subscales() %}
    {{ people_mean_columns('iri_' ~ subscale, 0, 28) }},
    {%- endfor %}
    not is_suppressed and n_teq_total >= {{ var('min_n_reportable') }} as is_reportable,
    is_suppressed,
    suppression_reason
from flagged
