{#- DuckDB-only. One row per line of the text column `text_column` of `relation`: the
    columns `id_columns`, the 1-based `line_number` and the line as `line_text`. A null text
    gives no row. -#}
{% macro split_lines(relation, id_columns, text_column) -%}
{{ return(adapter.dispatch('split_lines')(relation, id_columns, text_column)) }}
{%- endmacro %}

{% macro duckdb__split_lines(relation, id_columns, text_column) -%}
select
    {{ id_columns | join(', ') }},
    generate_subscripts(string_split({{ text_column }}, chr(10)), 1) as line_number,
    unnest(string_split({{ text_column }}, chr(10))) as line_text
from {{ relation }}
where {{ text_column }} is not null
{%- endmacro %}

{#- Spark: `split` takes a regular expression; a newline matches itself. -#}
{% macro spark__split_lines(relation, id_columns, text_column) -%}
select
    {{ id_columns | join(', ') }},
    line_index + 1 as line_number,
    line_text
from (
    select
        {{ id_columns | join(', ') }},
        posexplode(split({{ text_column }}, char(10), -1)) as (line_index, line_text)
    from {{ relation }}
    where {{ text_column }} is not null
) as lines
{%- endmacro %}

{% macro default__split_lines(relation, id_columns, text_column) -%}
{{ not_ported('split_lines') }}
{%- endmacro %}
