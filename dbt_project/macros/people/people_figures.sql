{#- The figure `expression`, or null when the cell is suppressed (column is_suppressed). -#}
{% macro unless_suppressed(expression) -%}
case when not is_suppressed then {{ expression }} end
{%- endmacro %}

{#- Mean, its 95% Student-t interval and n of a 1-5 measure from the columns n_<m>,
    <m>_sum and <m>_sum_of_squares, all null when the cell is suppressed. -#}
{% macro people_mean_columns(m, scale_min, scale_max) -%}
    {{ unless_suppressed('n_' ~ m) }} as n_{{ m }},
    {{ unless_suppressed(m ~ '_sum / nullif(n_' ~ m ~ ', 0)') }} as {{ m }}_mean,
    {{ unless_suppressed(mean_low(m ~ '_sum', m ~ '_sum_of_squares', 'n_' ~ m, scale_min, scale_max)) }} as {{ m }}_mean_ci_low,
    {{ unless_suppressed(mean_high(m ~ '_sum', m ~ '_sum_of_squares', 'n_' ~ m, scale_min, scale_max)) }} as {{ m }}_mean_ci_high
{%- endmacro %}
