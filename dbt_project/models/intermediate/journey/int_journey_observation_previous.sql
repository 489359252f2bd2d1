{#- The observation cuts of the previous build (int_journey_observation_window as this run
    found it, before rebuilding it), so that the incremental journey models rebuild the
    customers whose outcome windows the data's newer end has just made observed. Null on a
    first build or a full refresh (everything is built). Runs before the journey fact (which
    depends on this model), hence before the window is rebuilt. -#}
{%- set previous = journey_previous_state('int_journey_observation_window') %}
{%- if previous is not none %}
select
    last_data_date,
    repeat_contact_observed_before,
    churn_observed_before
from {{ previous }}
{%- else %}
select
    cast(null as date) as last_data_date,
    cast(null as {{ dbt.type_timestamp() }}) as repeat_contact_observed_before,
    cast(null as {{ dbt.type_timestamp() }}) as churn_observed_before
{%- endif %}
