{#- Map a KPI value to 0-100 by the rule named in seeds/empathy_index_components.csv
    (`rule` is a column holding the rule's name), clamped to 0-100. An unknown rule gives
    null, never a silent 0. A new rule is one more entry here. -#}
{% macro normalize_to_100(rule, value) -%}
{%- set rules = {
    'share_to_0_100': '100.0 * ' ~ value,
    'nps_to_0_100': '(' ~ value ~ ' + 100.0) / 2.0',
    'net_to_0_100': '(' ~ value ~ ' + 1.0) * 50.0',
    'score_1_5_to_0_100': '(' ~ value ~ ' - 1.0) * 25.0',
} -%}
case {{ rule }}
{%- for name, expression in rules.items() %}
    when '{{ name }}' then greatest(0.0, least(100.0, {{ expression }}))
{%- endfor %}
end
{%- endmacro %}
