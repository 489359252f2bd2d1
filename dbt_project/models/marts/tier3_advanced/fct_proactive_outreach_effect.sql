{#- Churn within 180 days of a predicted need (int_proactive_episodes, 180 days observed):
    customers reached proactively against those not reached, per stratum (tenure at purchase
    x an inbound contact in the 90 days before it) and pooled over strata with
    Mantel-Haenszel weights n1*n0/(n1+n0); 95% Wald interval of the risk difference from the
    per-stratum binomial variances. Rows: one per stratum, 'crude' (no stratification) and
    'stratified' (the headline). -#}
with episodes as (
    select * from {{ ref('int_proactive_episodes') }} where is_180_days_observed
),

strata as (
    select
        tenure_band || ' / ' || case when had_recent_inbound_contact
            then 'recent_contact' else 'no_recent_contact' end as stratum,
        count(case when is_reached then 1 end) as n_reached,
        count(case when is_reached and churned_within_180_days then 1 end) as churned_reached,
        count(case when not is_reached then 1 end) as n_not_reached,
        count(case when not is_reached and churned_within_180_days then 1 end) as churned_not_reached
    from episodes
    group by 1
    union all
    select 'crude',
        count(case when is_reached then 1 end),
        count(case when is_reached and churned_within_180_days then 1 end),
        count(case when not is_reached then 1 end),
        count(case when not is_reached and churned_within_180_days then 1 end)
    from episodes
),

rates as (
    select *,
        case when n_reached > 0 then cast(churned_reached as double) / n_reached end as p1,
        case when n_not_reached > 0 then cast(churned_not_reached as double) / n_not_reached end as p0,
        case when n_reached > 0 and n_not_reached > 0
            then cast(n_reached as double) * n_not_reached / (n_reached + n_not_reached) else 0 end as w
    from strata
),

per_row as (
    select stratum, n_reached, churned_reached, n_not_reached, churned_not_reached, p1, p0,
        p1 - p0 as diff,
        case when n_reached > 0 and n_not_reached > 0
            then p1 * (1 - p1) / n_reached + p0 * (1 - p0) / n_not_reached end as var
    from rates
),

pooled as (
    select 'stratified' as stratum,
        sum(n_reached) as n_reached, sum(churned_reached) as churned_reached,
        sum(n_not_reached) as n_not_reached, sum(churned_not_reached) as churned_not_reached,
        cast(sum(churned_reached) as double) / nullif(sum(n_reached), 0) as p1,
        cast(sum(churned_not_reached) as double) / nullif(sum(n_not_reached), 0) as p0,
        sum(w * (p1 - p0)) / nullif(sum(w), 0) as diff,
        sum(case when w > 0 then w * w * (p1 * (1 - p1) / n_reached + p0 * (1 - p0) / n_not_reached) end)
            / nullif(sum(w) * sum(w), 0) as var
    from rates
    where stratum <> 'crude'
),

combined as (
    select * from per_row
    union all
    select * from pooled
)

select
    cast(stratum as {{ dbt.type_string() }}) as stratum,
    cast(n_reached as {{ dbt.type_int() }}) as n_reached,
    cast(churned_reached as {{ dbt.type_int() }}) as churned_reached,
    cast(n_not_reached as {{ dbt.type_int() }}) as n_not_reached,
    cast(churned_not_reached as {{ dbt.type_int() }}) as churned_not_reached,
    round(p1, 6) as churn_rate_reached,
    round(p0, 6) as churn_rate_not_reached,
    round(diff, 6) as churn_difference,
    round(diff - {{ z_95() }} * sqrt(var), 6) as churn_difference_ci_low,
    round(diff + {{ z_95() }} * sqrt(var), 6) as churn_difference_ci_high,
    coalesce(diff + {{ z_95() }} * sqrt(var) < 0 or diff - {{ z_95() }} * sqrt(var) > 0, false)
        as is_significant,
    least(n_reached, n_not_reached) >= {{ var('min_n_reportable') }} as is_reportable
from combined
