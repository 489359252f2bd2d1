{#- Two-sided 95% quantile of the standard normal distribution: every interval is a 95% interval. -#}
{% macro z_95() -%}1.959963984540054{%- endmacro %}
