{#- Number of rows where `condition` holds, as a BIGINT (DuckDB would return HUGEINT for a
    plain SUM, which model contracts reject). -#}
{% macro count_where(condition) -%}
cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}
