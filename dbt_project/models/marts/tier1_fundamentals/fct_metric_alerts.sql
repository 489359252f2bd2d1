{#- Change alerts of tier 1 (macro change_alerts, the rule every tier shares). Each share
    (CSAT top-2, CES easy) and NPS is compared between consecutive reportable months and
    consecutive reportable quarters (a month below the minimum n in between is skipped, so a
    gap never silences a change), and each weekday against all other weekdays together, only
    when both sides are reportable. A two-proportion z-test (pooled) for shares, and for NPS a
    z-test on the difference of the two NPS with their multinomial variances. A move is
    significant when its Holm-Bonferroni adjusted p-value, over every comparison in this
    table, is at most var('alert_alpha') (two-sided): the chance of any false alert in a build
    stays below that level. -#}
with observations as (
    select
        'csat_top2_share' as metric, grain, grain_value, period_start, n,
        n_top2 as positives, cast(0 as {{ dbt.type_bigint() }}) as negatives
    from {{ ref('fct_csat') }}
    union all
    select
        'ces_easy_share', grain, grain_value, period_start, n,
        n_easy, cast(0 as {{ dbt.type_bigint() }})
    from {{ ref('fct_ces') }}
    union all
    select
        'nps', grain, grain_value, period_start, n,
        n_promoters, n_detractors
    from {{ ref('fct_nps') }}
),

alerts as (
    {{ change_alerts('observations', ['nps'], points_metrics=['nps']) }}
)

select * from alerts
