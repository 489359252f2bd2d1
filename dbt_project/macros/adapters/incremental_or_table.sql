{#- The materialization of a model kept up to date by `delete+insert` on a key: `incremental`
    on DuckDB; a plain table elsewhere. dbt-spark offers `delete+insert` on no file format
    (its `merge` needs Delta or Iceberg tables), and these models give the same rows on a full
    rebuild. On Databricks (Delta), `merge` on the same unique_key is the equivalent. -#}
{% macro incremental_or_table() -%}
    {{- return('incremental' if target.type == 'duckdb' else 'table') -}}
{%- endmacro %}
