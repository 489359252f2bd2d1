{#- Map a KPI value to 0-100 by the rule named in seeds/empathy_index_components.csv
    (`rule` is a column holding the rule's name). A new rule is one more branch here. -#}
{% macro normalize_to_100(rule, value) -%}
greatest(0.0, least(100.0, case {{ rule }}
    when 'share_to_0_100' then 100.0 * {{ value }}
    when 'nps_to_0_100' then ({{ value }} + 100.0) / 2.0
    when 'net_to_0_100' then ({{ value }} + 1.0) * 50.0
    when 'score_1_5_to_0_100' then ({{ value }} - 1.0) * 25.0
end))
{%- endmacro %}
