{#- The newest input an incremental model built by key already holds: the highest
    `_input_seq` of its rows (the highest `_ingest_seq` of the raw rows each row was built
    from), or -1 when it holds none. `_ingest_seq` grows with every file loaded, so every raw
    row loaded since the last build is newer than this; a row whose inputs are all older was
    built from what is still the latest. -#}
{% macro held_input_seq() -%}
(select coalesce(max(_input_seq), -1) from {{ this }})
{%- endmacro %}
