{#- dbt-spark's listagg ignores the order (collect_list, with a warning), so the joined strings
    could come out in any order. Spark 4 has LISTAGG ... WITHIN GROUP (ORDER BY ...): the same
    ordered string as DuckDB's. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
    {{ exceptions.raise_compiler_error("listagg with a limit is not ported to Spark") }}
  {%- endif -%}
  listagg({{ measure }}, {{ delimiter_text }})
  {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
