{#- The newest input an incremental model built by key already holds: the highest
    `_input_seq` of its rows (the highest `_ingest_seq` of the raw rows each row was built
    from), or -1 when it holds none. `_ingest_seq` grows with every file loaded, so every raw
    row loaded since the last build is newer than this; a row whose inputs are all older was
    built from what is still the latest. -#}
{% macro held_input_seq() -%}
(select coalesce(max(_input_seq), -1) from {{ this }})
{%- endmacro %}

{#- The newest text scoring an incremental model built by key holds (`_scored_at`), or
    1900-01-01 when it holds none: a text scored again has a later scoring than every one held. -#}
{% macro held_scored_at() -%}
(select coalesce(max(_scored_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }})
{%- endmacro %}
