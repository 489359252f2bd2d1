{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='append_new_columns',
    pre_hook="{{ journey_delete_rebuilt([]) }}",
) }}
{#- Read only on incremental runs: declared at parse time (not in unit tests, which
    give no input for them). -#}
{%- if not execute %}
-- depends_on: {{ ref('int_journey_changed_customers') }}
{%- endif %}

{#- One row per customer whose journey reached an outcome, with the path that led there: the
    kinds of the last var('journey_path_length') touchpoints before it, oldest first.
    - churned: the customer's first cancellation (int_journey_churn);
    - retained: a customer with no cancellation who bought again: their latest repeat purchase
      (an order after their first one).
    Customers with neither (one order, or none, and no cancellation) have no outcome yet and
    are left out. Bounded lags keep the cost linear in touchpoints.
    Incremental by customer (issue 11): a path depends only on its customer's touchpoints
    (their churn is their first cancellation touchpoint), so a run rebuilds the customers
    whose touchpoints changed; a full refresh gives the same rows. -#}
{%- set length = var('journey_path_length') %}
with touchpoints as (
    select * from {{ ref('fct_journey_touchpoints') }}
{%- if is_incremental() %}
    where customer_id in ({{ journey_rebuilt_customers([]) }})
{%- endif %}
),

churn as (
    select * from {{ ref('int_journey_churn') }}
),

with_history as (
    select
        customer_id,
        touchpoint_id,
        touchpoint_number,
        touchpoint_at,
        touchpoint_kind,
        row_number() over (
            partition by customer_id, touchpoint_kind order by touchpoint_number
        ) as kind_number,
        row_number() over (
            partition by customer_id, touchpoint_kind order by touchpoint_number desc
        ) as kind_number_from_last
{%- for step in range(1, length + 1) %},
        lag(touchpoint_kind, {{ step }}) over (
            partition by customer_id order by touchpoint_number
        ) as kind_{{ step }}_before
{%- endfor %}
    from touchpoints
),

{#- The first cancellation; the customer's latest order, when it is not their first one. -#}
events as (
    select
        with_history.*,
        'churned' as outcome
    from with_history
    inner join churn
        on with_history.customer_id = churn.customer_id
    where with_history.touchpoint_kind = 'cancellation' and with_history.kind_number = 1
    union all
    select
        with_history.*,
        'retained' as outcome
    from with_history
    left join churn
        on with_history.customer_id = churn.customer_id
    where with_history.touchpoint_kind = 'order'
        and with_history.kind_number_from_last = 1
        and with_history.kind_number >= 2
        and churn.customer_id is null
)

select
    customer_id,
    outcome,
    touchpoint_id as outcome_touchpoint_id,
    touchpoint_at as outcome_at,
    cast(
        {%- for step in range(1, length + 1) %}
        case when kind_{{ step }}_before is null then 0 else 1 end
        {{- ' +' if not loop.last }}
        {%- endfor %}
    as {{ dbt.type_int() }}) as path_length,
    {#- oldest first, "kind_3 > kind_2 > kind_1"; a lag is null only when every older one
        is, so a separator follows each present step but the newest. -#}
    {%- set parts = [] %}
    {%- for step in range(length, 0, -1) %}
        {%- do parts.append("coalesce(kind_" ~ step ~ "_before, '')") %}
        {%- if step > 1 %}
            {%- do parts.append("case when kind_" ~ step ~ "_before is null then '' else ' > ' end") %}
        {%- endif %}
    {%- endfor %}
    case
        when kind_1_before is null then '(no earlier touchpoint)'
        else {{ dbt.concat(parts) }}
    end as path
{%- for step in range(1, length + 1) %},
    kind_{{ step }}_before
{%- endfor %}
from events
