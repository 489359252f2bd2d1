{#- Churn, as the journey marts define it: a customer churned when the CRM holds a
    cancellation of theirs; the first cancellation is the moment of churn. The CRM's own
    `is_churned` flag carries no date, so it cannot place churn in a journey and is not used.
    Defined here, not taken from a churn mart, so that the journey layer stands on its own. -#}
select
    customer_id,
    min(cancelled_at) as churned_at,
    cast(count(*) as {{ dbt.type_bigint() }}) as n_cancellations
from {{ ref('stg_crm__cancellations') }}
where customer_id is not null
group by customer_id
