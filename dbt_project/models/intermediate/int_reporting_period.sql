{#- The one definition of "the latest period" used by every mart and by the scorecard: the
    data are as of the newest event in any export (a survey answer, a contact, a review, an
    order, a cancellation, a pulse answer); the reporting month is the latest calendar month
    that had ended by then. The month still in progress is partial and never headlines. -#}
{%- set events = [
    ('stg_surveys__survey_responses', 'responded_at'),
    ('stg_surveys__exit_surveys', 'responded_at'),
    ('stg_crm__interactions', 'opened_at'),
    ('stg_crm__orders', 'ordered_at'),
    ('stg_crm__cancellations', 'cancelled_at'),
    ('stg_reviews__reviews', 'created_at'),
    ('stg_hr__pulse_surveys', 'responded_at'),
] %}
with latest_events as (
    {%- for model, column in events %}
    select max({{ column }}) as latest_at from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

as_of as (
    select cast(max(latest_at) as date) as as_of_date
    from latest_events
)

select
    as_of_date,
    cast({{ dbt.dateadd('month', -1,
        dbt.date_trunc('month', dbt.dateadd('day', 1, 'as_of_date'))) }} as date) as reporting_month
from as_of
