{#- Team-level correlations of every team's TEQ and well-being with its CSAT, attributed NPS
    and net sentiment, over all teams, published or not (HR: stays in the build database;
    fct_people_customer_link publishes the same over published team figures only). -#}
{{ people_correlations(
    ref('int_people_team_outcomes'),
    {'teq_total_mean': 'true', 'wellbeing_mean': 'true'},
    {'csat_top2_share': 'n_csat', 'nps': 'n_nps', 'net_sentiment': 'n_with_opinion'},
    1,
) }}
