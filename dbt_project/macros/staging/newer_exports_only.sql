{#- The filter of an incremental staging model: on an incremental run, only the raw rows of
    exports newer than the newest this model holds (`_ingest_seq` grows with every file
    loaded). Every row of a newer export outranks the rows already kept for its key (the
    latest export wins), so `delete+insert` on the key gives the rows a full rebuild gives.
    The pipeline rebuilds in full when history was not only appended to (a file forgotten,
    ids re-keyed) or the code changed (`orchestration/incremental_basis.py`). -#}
{% macro newer_exports_only() -%}
{%- if is_incremental() %}
    where _ingest_seq > (select coalesce(max(_ingest_seq), -1) from {{ this }})
{%- endif %}
{%- endmacro %}
