{#- Every KPI in one long table: one row per KPI and period ('overall' and each month) with
    its value, n (the KPI's own denominator), interval and reportable flag, read from the tier
    marts. Later tiers add a KPI with one more entry in `kpis` here and a row in
    seeds/kpi_targets.csv; the index and dim_kpis pick it up from there. -#}
{%- set customer_texts = "source_entity = 'all' and text_field = 'customer_texts'" %}
{#- kpi, mart, value column (its interval is <value>_ci_low/_ci_high), n, extra filter, and
    optionally the minimum n for the value to be reportable (default var min_n_reportable) -#}
{%- set kpis = [
    ('csat_top2_share', 'fct_csat', 'csat_top2_share', 'n', none),
    ('csat_mean', 'fct_csat', 'csat_mean', 'n', none),
    ('nps', 'fct_nps', 'nps', 'n', none),
    ('ces_easy_share', 'fct_ces', 'ces_easy_share', 'n', none),
    ('net_sentiment', 'fct_empathy_language', 'net_sentiment', 'n_with_opinion', customer_texts),
    ('empathy_language_ratio', 'fct_empathy_language', 'empathy_language_ratio',
        'positive_cues + negative_cues', customer_texts),
    ('review_rating_mean', 'fct_review_signals', 'rating_mean', 'n_rated', none),
    ('review_reply_rate', 'fct_review_signals', 'reply_rate', 'n_reviews', 'reply_rate is not null'),
    ('monthly_churn_rate', 'fct_relationship_kpis', 'monthly_churn_rate', 'n_customer_months', none),
    ('cltv_high_low_ratio', 'fct_relationship_kpis', 'cltv_high_low_ratio', 'n_cltv_customers', none),
    ('people_wellbeing_mean', 'fct_people_pulse', 'wellbeing_mean', 'n_wellbeing', none,
        var('min_n_reportable_people')),
    ('people_job_satisfaction_mean', 'fct_people_pulse', 'job_satisfaction_mean',
        'n_job_satisfaction', none, var('min_n_reportable_people')),
    ('enps', 'fct_people_pulse', 'enps', 'n_enps', none),
    ('teq_total_mean', 'fct_people_empathy', 'teq_total_mean', 'n_teq_total', none),
    ('first_response_on_time_share', 'fct_channel_service', 'on_time_share', 'n_with_target',
        "channel = 'all'"),
    ('channel_consistency', 'fct_channel_consistency', 'consistency', 'n',
        "metric = 'csat_top2_share' and consistency is not null"),
    ('bot_containment_rate', 'fct_automation_containment', 'containment_rate', 'n_bot_conversations',
        none),
    ('proactive_contact_rate', 'fct_proactive_service', 'rate', 'denominator',
        "metric = 'proactive_contact_rate'"),
    ('predicted_needs_met', 'fct_proactive_service', 'rate', 'denominator',
        "metric = 'predicted_needs_met'"),
    ('preemptive_issue_resolution_rate', 'fct_proactive_service', 'rate', 'denominator',
        "metric = 'preemptive_issue_resolution_rate'"),
    ('repeat_contact_within_7d_of_resolved', 'fct_contextual_intelligence', 'rate', 'denominator',
        "metric = 'repeat_contact_within_7d_of_resolved'"),
    ('contextual_relevance', 'fct_contextual_intelligence', 'rate', 'denominator',
        "metric = 'contextual_relevance'"),
] %}
with kpi_rows as (
    {%- for entry in kpis %}
    {%- set kpi, mart, value, n, filter = entry[:5] %}
    {%- set min_n = entry[5] if entry | length > 5 else var('min_n_reportable') %}
    select
        '{{ kpi }}' as kpi, grain, grain_value, period_start,
        {{ value }} as value, {{ n }} as n, {{ value }}_ci_low as ci_low, {{ value }}_ci_high as ci_high,
        {{ min_n }} as min_n, {{ n }} >= {{ min_n }} as is_reportable
    from {{ ref(mart) }}
    where grain in ('overall', 'month'){% if filter %} and {{ filter }}{% endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    kpi,
    grain,
    grain_value as period,
    period_start,
    value,
    cast(n as {{ dbt.type_bigint() }}) as n,
    ci_low,
    ci_high,
    cast(min_n as {{ dbt.type_bigint() }}) as min_n,
    is_reportable
from kpi_rows
where n > 0 and grain_value <> 'unknown'
