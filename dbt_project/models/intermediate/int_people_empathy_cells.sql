{#- Every published cell of fct_people_empathy with its members: one row per cell and
    empathy sheet (HR: stays in the build database). Cells: overall, month of assessment,
    team, department, frontline. -#}
with sheets as (
    select
        *,
        case
            when is_frontline then 'frontline'
            when not is_frontline then 'not_frontline'
        end as frontline
    from {{ ref('int_people_empathy_scored') }}
    where teq_status <> 'not_taken' or iri_items_answered > 0
),

by_grain as (
    {{ explode_to_grains('sheets', {
        'overall': none,
        'month': 'assessed_at',
        'team': 'team',
        'department': 'department',
        'frontline': 'frontline',
    }) }}
)

select
    grain || ':' || grain_value as cell_id,
    grain,
    grain_value,
    period_start,
    case when grain = 'month' then 'month' end as series,
    assessment_id as contribution_id,
    employee_id as person_id,
    teq_status,
    teq_total,
    teq_total is not null as has_teq_total,
    {%- for subscale in iri_subscales() %}
    iri_{{ subscale }},
    iri_{{ subscale }} is not null as has_iri_{{ subscale }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from by_grain
