{#- DuckDB-only. The elements of a list column joined with `delimiter`, in list order. -#}
{% macro list_to_string(list_column, delimiter=', ') -%}
{{ return(adapter.dispatch('list_to_string')(list_column, delimiter)) }}
{%- endmacro %}

{% macro duckdb__list_to_string(list_column, delimiter) -%}
array_to_string({{ list_column }}, '{{ delimiter }}')
{%- endmacro %}

{% macro spark__list_to_string(list_column, delimiter) -%}
array_join({{ list_column }}, '{{ delimiter }}')
{%- endmacro %}

{% macro default__list_to_string(list_column, delimiter) -%}
{{ not_ported('list_to_string') }}
{%- endmacro %}
