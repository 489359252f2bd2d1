{#- Spark reads the models' YAML types with DuckDB's names: `varchar` without a length is not a
    Spark type (Spark's is `string`). The contract check's empty query casts to the declared
    types; on Spark a bare `varchar` is cast to `string`. DuckDB is untouched (dbt's own
    default__ macro). -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- set data_type = column.get('data_type') -%}
        {%- if data_type is not none and data_type.strip().lower() == 'varchar' -%}
            {%- set original = column -%}
            {%- set column = {} -%}
            {%- do column.update(original) -%}
            {%- do column.update({'data_type': dbt.type_string()}) -%}
        {%- endif -%}
        {%- do translated.update({name: column}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{%- endmacro %}
