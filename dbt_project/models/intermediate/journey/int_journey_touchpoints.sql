{{ config(materialized="view") }}

{#- Every touchpoint that can be tied to a customer, one row each, not yet in order: orders,
    inbound contacts (bot or human) and proactive outreach, survey answers, reviews and social
    mentions that the export links to a customer (optional `customer_id`), exit surveys and
    cancellations, with what the touchpoint's own text says (the customer's sentiment and the
    empathy cues). A view: the incremental journey fact reads only the customers with new
    rows. Rows without a customer or a time cannot be placed and are left out
    (DECISIONLOG.md "Customer journey"). -#}
{{ journey_touchpoints() }}
