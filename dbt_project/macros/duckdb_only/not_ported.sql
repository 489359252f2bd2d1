{#- Stop compilation on an engine a DuckDB-only macro has not been ported to. -#}
{% macro not_ported(macro_name) -%}
{{ exceptions.raise_compiler_error(
    macro_name ~ " has no implementation for the adapter '" ~ target.type
    ~ "': add " ~ target.type ~ "__" ~ macro_name ~ " in macros/duckdb_only/") }}
{%- endmacro %}
