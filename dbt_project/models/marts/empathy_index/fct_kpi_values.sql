{#- Every KPI in one long table: one row per KPI and period ('overall' and each month) with
    its value, n (the KPI's own denominator), interval and reportable flag, read from the tier
    marts. Later tiers add a KPI with one more `union all` block here and a row in
    seeds/kpi_targets.csv; the index and dim_kpis pick it up from there. -#}
{%- set periods = "grain in ('overall', 'month')" %}
with kpi_rows as (
    select
        'csat_top2_share' as kpi, grain, grain_value, period_start,
        csat_top2_share as value, n, csat_top2_share_ci_low as ci_low, csat_top2_share_ci_high as ci_high
    from {{ ref('fct_csat') }}
    where {{ periods }}
    union all
    select
        'csat_mean', grain, grain_value, period_start,
        csat_mean, n, csat_mean_ci_low, csat_mean_ci_high
    from {{ ref('fct_csat') }}
    where {{ periods }}
    union all
    select
        'nps', grain, grain_value, period_start,
        nps, n, nps_ci_low, nps_ci_high
    from {{ ref('fct_nps') }}
    where {{ periods }}
    union all
    select
        'ces_easy_share', grain, grain_value, period_start,
        ces_easy_share, n, ces_easy_share_ci_low, ces_easy_share_ci_high
    from {{ ref('fct_ces') }}
    where {{ periods }}
    union all
    select
        'net_sentiment', grain, grain_value, period_start,
        net_sentiment, n_with_opinion, net_sentiment_ci_low, net_sentiment_ci_high
    from {{ ref('fct_empathy_language') }}
    where {{ periods }} and source_entity = 'all' and text_field = 'customer_texts'
    union all
    select
        'empathy_language_ratio', grain, grain_value, period_start,
        empathy_language_ratio, positive_cues + negative_cues,
        empathy_language_ratio_ci_low, empathy_language_ratio_ci_high
    from {{ ref('fct_empathy_language') }}
    where {{ periods }} and source_entity = 'all' and text_field = 'customer_texts'
    union all
    select
        'review_rating_mean', grain, grain_value, period_start,
        rating_mean, n_rated, rating_mean_ci_low, rating_mean_ci_high
    from {{ ref('fct_review_signals') }}
    where {{ periods }}
    union all
    select
        'review_reply_rate', grain, grain_value, period_start,
        reply_rate, n_reviews, reply_rate_ci_low, reply_rate_ci_high
    from {{ ref('fct_review_signals') }}
    where {{ periods }}
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
    n >= {{ var('min_n_reportable') }} as is_reportable
from kpi_rows
where n > 0 and grain_value <> 'unknown'
