{#- DuckDB-only. One row per element of the list column `list_column` of `relation`, all of
    the relation's columns plus the element as `element_alias`. An empty or null list gives
    one row with `empty_value` when it is set, and no row otherwise. -#}
{% macro unnest_list(relation, list_column, element_alias, empty_value=none) -%}
{{ return(adapter.dispatch('unnest_list')(relation, list_column, element_alias, empty_value)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(relation, list_column, element_alias, empty_value) -%}
select
    *,
    unnest(
        {%- if empty_value is not none %}
        case
            when {{ list_column }} is null or len({{ list_column }}) = 0 then ['{{ empty_value }}']
            else {{ list_column }}
        end
        {%- else %}
        {{ list_column }}
        {%- endif %}
    ) as {{ element_alias }}
from {{ relation }}
{%- endmacro %}

{% macro spark__unnest_list(relation, list_column, element_alias, empty_value) -%}
select
    *,
    explode(
        {%- if empty_value is not none %}
        case
            when {{ list_column }} is null or size({{ list_column }}) = 0
                then array('{{ empty_value }}')
            else {{ list_column }}
        end
        {%- else %}
        {{ list_column }}
        {%- endif %}
    ) as {{ element_alias }}
from {{ relation }}
{%- endmacro %}

{% macro default__unnest_list(relation, list_column, element_alias, empty_value) -%}
{{ not_ported('unnest_list') }}
{%- endmacro %}
