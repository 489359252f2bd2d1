{#- One row per customer: the perceived-empathy segment as of `as_of`, from the signals of the
    segment window only (int_customer_empathy_signals; the rule is in DECISIONLOG.md). A
    customer with no signal in the window is 'no_signal'. -#}
with customers as (
    select customer_id from {{ ref('int_customer_lifecycle') }}
),

signals as (
    select * from {{ ref('int_customer_empathy_signals') }}
),

window_ as (
    select * from {{ ref('int_relationship_window') }}
)

select
    customers.customer_id,
    window_.as_of,
    window_.segment_window_start,
    window_.as_of is not null as is_time_ordered,
    coalesce(signals.empathy_segment, 'no_signal') as empathy_segment,
    coalesce(signals.felt_understood_segment, 'no_answer') as felt_understood_segment,
    cast(coalesce(signals.positive_votes, 0) as {{ dbt.type_int() }}) as positive_votes,
    cast(coalesce(signals.negative_votes, 0) as {{ dbt.type_int() }}) as negative_votes,
    cast(coalesce(signals.n_signals, 0) as {{ dbt.type_int() }}) as n_signals,
    cast(coalesce(signals.n_felt_understood, 0) as {{ dbt.type_bigint() }}) as n_felt_understood,
    signals.felt_understood_mean,
    cast(coalesce(signals.n_csat, 0) as {{ dbt.type_bigint() }}) as n_csat,
    signals.csat_mean,
    cast(coalesce(signals.n_ces, 0) as {{ dbt.type_bigint() }}) as n_ces,
    signals.ces_easy_share,
    cast(coalesce(signals.n_conversations, 0) as {{ dbt.type_bigint() }}) as n_conversations,
    cast(signals.net_empathy_cues as {{ dbt.type_bigint() }}) as net_empathy_cues,
    signals.customer_sentiment_mean,
    cast(coalesce(signals.n_contacts, 0) as {{ dbt.type_bigint() }}) as n_contacts,
    cast(coalesce(signals.n_unresolved, 0) as {{ dbt.type_bigint() }}) as n_unresolved,
    cast(coalesce(signals.n_escalated, 0) as {{ dbt.type_bigint() }}) as n_escalated
from customers
cross join window_
left join signals on customers.customer_id = signals.customer_id
