{#- DuckDB-only. ISO day of the week of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_weekday(date) -%}
{{ return(adapter.dispatch('iso_weekday')(date)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(date) -%}isodow({{ date }}){%- endmacro %}

{% macro spark__iso_weekday(date) -%}(weekday({{ date }}) + 1){%- endmacro %}

{% macro default__iso_weekday(date) -%}{{ not_ported('iso_weekday') }}{%- endmacro %}
