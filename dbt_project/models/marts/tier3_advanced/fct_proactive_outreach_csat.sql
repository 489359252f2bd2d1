{#- CSAT of customers reached proactively against those not reached, with the strata of
    fct_proactive_outreach_effect (tenure at purchase x an inbound contact in the 90 days
    before it). Unit: a predicted need (int_proactive_episodes, 180 days observed) whose
    customer answered at least one CSAT survey about an inbound contact in the 180 days
    after the purchase (answers about the proactive call itself are left out); outcome: that
    customer's CSAT top-2 share over those answers. Pooled over strata with weights
    n1*n0/(n1+n0); 95% interval from the per-stratum Welch variances (normal quantile).
    Rows: one per stratum, 'crude' and 'stratified' (the headline). -#}
with episodes as (
    select * from {{ ref('int_proactive_episodes') }} where is_180_days_observed
),

answers as (
    select e.customer_id, e.is_reached,
        e.tenure_band || ' / ' || case when e.had_recent_inbound_contact
            then 'recent_contact' else 'no_recent_contact' end as stratum,
        avg(case when s.is_csat_top2 then 1 else 0 end) as top2_share
    from episodes as e
    inner join {{ ref('int_survey_responses_enriched') }} as s
        on s.customer_id = e.customer_id
        and s.survey_type = 'csat' and s.score is not null and s.direction = 'inbound'
        and s.responded_at > e.bought_at
        and s.responded_at <= {{ dbt.dateadd('day', 180, 'e.bought_at') }}
    group by e.customer_id, e.is_reached, 3
),

strata as (
    select stratum,
        count(case when is_reached then 1 end) as n_reached,
        avg(case when is_reached then top2_share end) as m1,
        coalesce(var_samp(case when is_reached then top2_share end), 0) as v1,
        count(case when not is_reached then 1 end) as n_not_reached,
        avg(case when not is_reached then top2_share end) as m0,
        coalesce(var_samp(case when not is_reached then top2_share end), 0) as v0
    from answers
    group by stratum
    union all
    select 'crude',
        count(case when is_reached then 1 end),
        avg(case when is_reached then top2_share end),
        coalesce(var_samp(case when is_reached then top2_share end), 0),
        count(case when not is_reached then 1 end),
        avg(case when not is_reached then top2_share end),
        coalesce(var_samp(case when not is_reached then top2_share end), 0)
    from answers
),

rated as (
    select *,
        case when n_reached >= 2 and n_not_reached >= 2
            then cast(n_reached as double) * n_not_reached / (n_reached + n_not_reached) else 0 end as w,
        case when n_reached >= 2 and n_not_reached >= 2
            then v1 / n_reached + v0 / n_not_reached end as var
    from strata
),

combined as (
    select stratum, n_reached, n_not_reached, m1, m0, m1 - m0 as diff, var from rated
    union all
    select 'stratified', sum(n_reached), sum(n_not_reached),
        sum(m1 * n_reached) / nullif(sum(n_reached), 0),
        sum(m0 * n_not_reached) / nullif(sum(n_not_reached), 0),
        sum(case when w > 0 then w * (m1 - m0) end) / nullif(sum(w), 0),
        sum(case when w > 0 then w * w * var end) / nullif(sum(w) * sum(w), 0)
    from rated
    where stratum <> 'crude'
)

select
    cast(stratum as {{ dbt.type_string() }}) as stratum,
    cast(n_reached as {{ dbt.type_int() }}) as n_reached,
    cast(n_not_reached as {{ dbt.type_int() }}) as n_not_reached,
    round(m1, 6) as csat_top2_reached,
    round(m0, 6) as csat_top2_not_reached,
    round(diff, 6) as csat_top2_difference,
    round(diff - {{ z_95() }} * sqrt(var), 6) as csat_top2_difference_ci_low,
    round(diff + {{ z_95() }} * sqrt(var), 6) as csat_top2_difference_ci_high,
    coalesce(diff + {{ z_95() }} * sqrt(var) < 0 or diff - {{ z_95() }} * sqrt(var) > 0, false)
        as is_significant,
    coalesce(least(n_reached, n_not_reached) >= {{ var('min_n_reportable') }}, false) as is_reportable
from combined
