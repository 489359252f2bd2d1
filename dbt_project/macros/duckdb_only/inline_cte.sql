{#- DuckDB-only. Written between a CTE's `name as` and its parenthesis: the CTE is computed
    in every query step that reads it (streamed), not once into a temporary result. DuckDB
    stores a CTE read more than once, spilling it to disk beyond its memory limit: the
    conversations repeated once per grain in the service marts (10M rows at 200,000
    customers) cost more to store and read back than to repeat (DECISIONLOG.md, "Faster
    service aggregates"). Spark: nothing (its optimizer decides). -#}
{% macro inline_cte() -%}
{{ return(adapter.dispatch('inline_cte')()) }}
{%- endmacro %}

{% macro duckdb__inline_cte() -%}not materialized{%- endmacro %}

{% macro spark__inline_cte() -%}{%- endmacro %}

{% macro default__inline_cte() -%}{{ not_ported('inline_cte') }}{%- endmacro %}
