{#- Score a KPI value 0-100 against its target, so that every index component reads on one
    scale where "exactly on target" is the index's own green threshold.

    Piecewise linear through four anchors, in the KPI's direction:
      worst end of the scale -> 0, amber threshold -> amber_score, target -> green_score,
      best end of the scale -> 100 (clamped to 0-100).
    The scale's ends come from the component's rule (scale_bound); for lower_is_better the
    worst end is the high one. Null when the value is null or the rule is unknown. -#}
{% macro score_against_target(value, rule, target, amber, direction, green_score, amber_score) -%}
{%- set low = scale_bound(rule, 'low') -%}
{%- set high = scale_bound(rule, 'high') -%}
{%- set worst = "case when " ~ direction ~ " = 'lower_is_better' then " ~ high ~ " else " ~ low ~ " end" -%}
{%- set best = "case when " ~ direction ~ " = 'lower_is_better' then " ~ low ~ " else " ~ high ~ " end" -%}
{%- set better_or_equal_target = "case when " ~ direction ~ " = 'lower_is_better' then (" ~ value ~ ") <= (" ~ target ~ ") else (" ~ value ~ ") >= (" ~ target ~ ") end" -%}
{%- set better_or_equal_amber = "case when " ~ direction ~ " = 'lower_is_better' then (" ~ value ~ ") <= (" ~ amber ~ ") else (" ~ value ~ ") >= (" ~ amber ~ ") end" -%}
greatest(0.0, least(100.0, case
    when ({{ value }}) is null or ({{ low }}) is null then null
    when {{ better_or_equal_target }}
        then {{ green_score }} + (100.0 - {{ green_score }}) * coalesce({{ scale_progress(value, target, best) }}, 1.0)
    when {{ better_or_equal_amber }}
        then {{ amber_score }} + ({{ green_score }} - {{ amber_score }}) * coalesce({{ scale_progress(value, amber, target) }}, 1.0)
    else {{ amber_score }} * coalesce({{ scale_progress(value, worst, amber) }}, 0.0)
end))
{%- endmacro %}


{#- The ends of a component's value scale, by its rule in seeds/empathy_index_components.csv
    (`rule` is a column holding the rule's name): share_to_0_100 0..1, nps_to_0_100
    -100..100, net_to_0_100 -1..1, score_1_5_to_0_100 1..5, ratio_to_0_100 0..3 (a ratio of
    two means; 3 and beyond scores 100). An unknown rule gives null,
    never a silent 0. A new scale is one more entry here. -#}
{% macro scale_bound(rule, end) -%}
{%- set bounds = {
    'share_to_0_100': (0.0, 1.0),
    'nps_to_0_100': (-100.0, 100.0),
    'net_to_0_100': (-1.0, 1.0),
    'score_1_5_to_0_100': (1.0, 5.0),
    'ratio_to_0_100': (0.0, 3.0),
} -%}
case {{ rule }}
{%- for name, pair in bounds.items() %}
    when '{{ name }}' then {{ pair[0] if end == 'low' else pair[1] }}
{%- endfor %}
end
{%- endmacro %}


{#- How far `value` has gone from `a` to `b`: 0 at a, 1 at b, whichever way the scale runs;
    null when a = b. -#}
{% macro scale_progress(value, a, b) -%}
(({{ value }}) - ({{ a }})) / nullif(({{ b }}) - ({{ a }}), 0)
{%- endmacro %}
