{#- The journey fact summed by day and source: a bounded table (days x sources) for BI volume
    trends and for the quality gate's freshness, volume and plausibility checks, which would
    otherwise read every touchpoint into memory (DECISIONLOG.md "Customer journey"). -#}
select
    touchpoint_date,
    source,
    cast(count(*) as {{ dbt.type_bigint() }}) as n_touchpoints,
    cast(count(distinct customer_id) as {{ dbt.type_bigint() }}) as n_customers,
    {{ count_where('is_inbound_contact') }} as n_inbound_contacts,
    cast(count(customer_sentiment) as {{ dbt.type_bigint() }}) as n_with_sentiment,
    min(customer_sentiment) as min_customer_sentiment,
    max(customer_sentiment) as max_customer_sentiment,
    min(survey_score) as min_survey_score,
    max(survey_score) as max_survey_score,
    min(order_amount) as min_order_amount,
    min(hours_since_previous) as min_hours_since_previous
from {{ ref('fct_journey_touchpoints') }}
group by touchpoint_date, source
