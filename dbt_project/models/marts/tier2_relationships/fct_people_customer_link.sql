{#- Do teams with more empathetic, better-off people earn better customer outcomes? One row
    per people measure (TEQ total, well-being) and customer outcome (CSAT top-2 share, NPS
    attributed to the customer's main team, net sentiment): the Pearson correlation across
    teams with its 95% Fisher-z interval, and a plain-words conclusion. Only teams whose
    people figure is published in fct_people_empathy / fct_people_pulse and whose outcome
    rests on at least var('min_n_reportable') answers count, so the correlation reveals
    nothing the published marts do not. -#}
with correlations as (
    {{ people_correlations(
        ref('int_people_team_outcomes'),
        {'teq_total_mean': 'is_teq_published', 'wellbeing_mean': 'is_wellbeing_published'},
        {'csat_top2_share': 'n_csat', 'nps': 'n_nps', 'net_sentiment': 'n_with_opinion'},
        var('min_n_reportable'),
    ) }}
),

nps_attribution as (
    select
        count(*) as n_nps_answers,
        count(attributed_team) as n_nps_attributed
    from {{ ref('int_nps_team_attribution') }}
)

select
    correlations.people_measure,
    correlations.customer_measure,
    correlations.n_units as n_teams,
    correlations.r,
    correlations.r_ci_low,
    correlations.r_ci_high,
    correlations.n_units >= {{ var('min_teams_correlation') }} and correlations.r_ci_low is not null
        as is_reportable,
    case
        when correlations.customer_measure = 'nps' and nps_attribution.n_nps_attributed = 0
            then 'not available: no NPS answer can be attributed to a team (no agent contact in the {{ var("nps_attribution_days") }} days before it)'
        when correlations.n_units < {{ var('min_teams_correlation') }}
            then 'too few teams to conclude: ' || cast(correlations.n_units as {{ dbt.type_string() }})
                || ' teams with a published figure, at least {{ var("min_teams_correlation") }} needed'
        when correlations.r_ci_low > 0 then 'positive association across teams'
        when correlations.r_ci_high < 0 then 'negative association across teams'
        else 'no clear association: the interval includes 0'
    end as conclusion,
    cast(case when correlations.customer_measure = 'nps' then nps_attribution.n_nps_answers end
        as {{ dbt.type_bigint() }}) as n_nps_answers,
    cast(case when correlations.customer_measure = 'nps' then nps_attribution.n_nps_attributed end
        as {{ dbt.type_bigint() }}) as n_nps_attributed
from correlations
cross join nps_attribution
