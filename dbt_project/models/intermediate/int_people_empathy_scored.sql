{#- One scored empathy sheet per assessment (HR: stays in the build database). TEQ total
    0-64 with items 2, 4, 7, 10, 11, 12, 14, 15 reverse-scored; a sheet with at most
    var('teq_max_missing_items') blank items is prorated, one with more is incomplete (null
    total). IRI subscales 0-28 when the export carries IRI items (at most one blank item per
    subscale, prorated). With the employee's team, department and frontline flag. -#}
{%- set teq_max_missing = var('teq_max_missing_items') %}
with sheets as (
    select * from {{ ref('stg_hr__empathy_assessments') }}
),

employees as (
    select * from {{ ref('stg_hr__employees') }}
),

scored as (
    select
        assessment_id,
        employee_id,
        assessed_at,
        {{ items_answered('teq_', teq_items()) }} as teq_items_answered,
        {{ questionnaire_total('teq_', teq_items(), teq_reversed(), teq_max_missing) }} as teq_total,
        {%- for subscale, items in iri_subscales().items() %}
        {{ questionnaire_total('iri_', items, iri_reversed(), 1) }} as iri_{{ subscale }},
        {%- endfor %}
        {{ items_answered('iri_', range(1, 29) | list) }} as iri_items_answered
    from sheets
)

select
    scored.assessment_id,
    scored.employee_id,
    scored.assessed_at,
    employees.team,
    employees.department,
    employees.is_frontline,
    scored.teq_items_answered,
    scored.teq_total,
    case
        when scored.teq_items_answered = 16 then 'complete'
        when scored.teq_items_answered = 0 then 'not_taken'
        when scored.teq_total is not null then 'prorated'
        else 'incomplete'
    end as teq_status,
    {%- for subscale in iri_subscales() %}
    scored.iri_{{ subscale }},
    {%- endfor %}
    scored.iri_items_answered
from scored
left join employees
    on scored.employee_id = employees.employee_id
