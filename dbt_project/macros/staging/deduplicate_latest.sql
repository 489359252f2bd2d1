{#- Keep one row per business key: the latest export wins (highest `_ingest_seq`, then the
    highest `_row_number` within that export). Portable SQL (a window in a subquery, no QUALIFY). -#}
{% macro deduplicate_latest(relation, key_columns) -%}
select *
from (
    select
        *,
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by _ingest_seq desc, _row_number desc
        ) as _latest_rank
    from {{ relation }}
) as ranked
where _latest_rank = 1
{%- endmacro %}
