{#- One row: how far the journey data reaches, and the latest touchpoint time whose outcome
    windows are fully observed. The data are taken as complete through the last day with any
    touchpoint; an outcome window of d days after a touchpoint is observed when the touchpoint
    is before that day + 1 - d days (the same cut as the demo's ground truth). -#}
with last_day as (
    select max(touchpoint_date) as last_data_date
    from {{ ref('fct_journey_touchpoints') }}
)

select
    last_data_date,
    cast({{ dbt.dateadd(
        'day', 1 - var('journey_repeat_contact_days'), 'last_data_date'
    ) }} as {{ dbt.type_timestamp() }}) as repeat_contact_observed_before,
    cast({{ dbt.dateadd(
        'day', 1 - var('journey_churn_window_days'), 'last_data_date'
    ) }} as {{ dbt.type_timestamp() }}) as churn_observed_before
from last_day
