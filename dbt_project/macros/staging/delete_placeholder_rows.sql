{#- The post-hook of an incremental model keyed by source row that marks "this row has no
    text any more" with a placeholder row (`column` null): `delete+insert` has already
    replaced the row's old texts with the placeholder, which is then deleted, so the table
    holds the rows a full rebuild gives. Nothing on a full build (it writes no placeholder). -#}
{% macro delete_placeholder_rows(column) -%}
{%- if is_incremental() %}delete from {{ this }} where {{ column }} is null{% endif -%}
{%- endmacro %}
