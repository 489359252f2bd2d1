{#- The per-agent model: across agents with at least var('min_n_reportable') CSAT answers,
    the correlation of the agent's CSAT top-2 share with their TEQ total and well-being, and
    the slope (change in the share per TEQ point / per well-being point), each with a 95%
    interval. Built from individual HR scores, so it stays in the build database. -#}
{{ people_correlations(
    ref('int_people_agent_outcomes'),
    {'teq_total_mean': 'true', 'wellbeing_mean': 'true'},
    {'csat_top2_share': 'n_csat'},
    var('min_n_reportable'),
) }}
