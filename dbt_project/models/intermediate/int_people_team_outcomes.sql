{#- Every team's people measures (mean TEQ total over its sheets, mean pulse well-being over
    its answers) next to its customers' outcomes (CSAT top-2 share of agent-handled answers,
    NPS attributed by int_nps_team_attribution, net sentiment of customer-written texts
    about its contacts), with whether each people figure is published. HR: stays in the
    build database; fct_people_customer_link uses only the published teams. -#}
with teq as (
    select team, count(distinct employee_id) as n_people_teq, avg(teq_total) as teq_total_mean
    from {{ ref('int_people_empathy_scored') }}
    where teq_total is not null and team is not null
    group by team
),

wellbeing as (
    select team, count(distinct employee_id) as n_people_pulse, avg(wellbeing) as wellbeing_mean
    from {{ ref('int_people_pulse_answers') }}
    where wellbeing is not null and team is not null
    group by team
),

csat as (
    select
        team,
        count(*) as n_csat,
        avg(case when is_csat_top2 then 1 else 0 end) as csat_top2_share
    from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'csat' and handled_by = 'agent' and team is not null
    group by team
),

nps as (
    select
        attributed_team as team,
        count(*) as n_nps,
        100.0 * avg(case when nps_category = 'promoter' then 1 when nps_category = 'detractor' then -1 else 0 end) as nps
    from {{ ref('int_nps_team_attribution') }}
    where attributed_team is not null
    group by attributed_team
),

sentiment as (
    select
        team,
        {{ count_where('has_opinion') }} as n_with_opinion,
        cast({{ count_where("has_opinion and sentiment_label = 'positive'") }}
            - {{ count_where("has_opinion and sentiment_label = 'negative'") }} as double)
            / nullif({{ count_where('has_opinion') }}, 0) as net_sentiment
    from {{ ref('int_texts_scored') }}
    where team is not null and text_role = 'customer'
    group by team
),

published_teq as (
    select cell_id, is_suppressed from {{ ref('int_people_empathy_suppression') }}
),

published_pulse as (
    select cell_id, is_suppressed from {{ ref('int_people_pulse_suppression') }}
),

teams as (
    select team from teq
    union
    select team from wellbeing
)

select
    teams.team,
    teq.n_people_teq,
    teq.teq_total_mean,
    coalesce(not published_teq.is_suppressed, false) as is_teq_published,
    wellbeing.n_people_pulse,
    wellbeing.wellbeing_mean,
    coalesce(not published_pulse.is_suppressed, false) as is_wellbeing_published,
    csat.n_csat,
    csat.csat_top2_share,
    nps.n_nps,
    nps.nps,
    sentiment.n_with_opinion,
    sentiment.net_sentiment
from teams
left join teq on teams.team = teq.team
left join wellbeing on teams.team = wellbeing.team
left join csat on teams.team = csat.team
left join nps on teams.team = nps.team
left join sentiment on teams.team = sentiment.team
left join published_teq on published_teq.cell_id = 'team:' || teams.team
left join published_pulse on published_pulse.cell_id = 'team:' || teams.team
