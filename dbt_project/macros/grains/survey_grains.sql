{#- The grains of the survey marts (fct_csat, fct_nps, fct_ces), over
    int_survey_responses_enriched: grain name -> column. Team and agent use the credited
    columns: answers about bot-first escalated conversations are not credited to the agent. -#}
{% macro survey_grains() -%}
{{ return({
    'overall': none,
    'day': 'response_date',
    'week': 'response_date',
    'month': 'response_date',
    'quarter': 'response_date',
    'weekday': 'response_date',
    'channel': 'channel',
    'team': 'credited_team',
    'agent': 'credited_agent_id',
    'interaction_type': 'interaction_type',
    'location': 'location',
    'handled_by': 'handled_by',
    'service_path': 'service_path',
}) }}
{%- endmacro %}
