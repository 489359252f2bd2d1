{#- Change alerts of the service-delivery tier, by the significance rules of tier 1
    (fct_metric_alerts; macro change_alerts): the negative share and the net sentiment of
    customer texts and of service texts (fct_service_sentiment), and the share of inbound
    conversations answered within the channel's target (fct_service_response_times), between
    consecutive months and quarters and for each weekday against the others. Holm-Bonferroni
    over every comparison of this table. -#}
with observations as (
    {%- for scope in ['customer_texts', 'service_texts'] %}
    select
        '{{ scope }}_negative_share' as metric, grain, grain_value, period_start,
        n_with_opinion as n, n_negative as positives, cast(0 as {{ dbt.type_bigint() }}) as negatives
    from {{ ref('fct_service_sentiment') }}
    where text_scope = '{{ scope }}' and grain in ('month', 'quarter', 'weekday')
    union all
    select
        '{{ scope }}_net_sentiment', grain, grain_value, period_start,
        n_with_opinion, n_positive, n_negative
    from {{ ref('fct_service_sentiment') }}
    where text_scope = '{{ scope }}' and grain in ('month', 'quarter', 'weekday')
    union all
    {%- endfor %}
    select
        'first_response_on_time_share', grain, grain_value, period_start,
        n_with_target, n_on_time, cast(0 as {{ dbt.type_bigint() }})
    from {{ ref('fct_service_response_times') }}
    where first_responder = 'any' and grain in ('month', 'quarter', 'weekday')
),

alerts as (
    {{ change_alerts('observations', ['customer_texts_net_sentiment', 'service_texts_net_sentiment']) }}
)

select * from alerts
