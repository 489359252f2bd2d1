{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key=['source_entity', 'source_id'],
    post_hook=["{{ delete_placeholder_rows('text_field') }}"],
) }}

{#- One row per text field of a source row. The enrichment keeps an occurrence per raw row,
    so a row exported twice has two; as for the raw tables, the latest export wins. The
    enrichment writes occurrences for non-empty texts only, so a text blanked in a later export
    has no occurrence there: an occurrence is kept only when it belongs to the latest raw row
    of its business key, and a blanked text therefore has none (the blank wins).

    A table (its tests read it once, not a view each), incremental by source row: a run reads
    only the raw rows and occurrences of exports newer than the newest this table holds
    (`_ingest_seq`), and replaces every text of each source row exported again
    (`delete+insert` on source_entity and source_id). A source row exported again without any
    text gets one placeholder row without a text field, which deletes the texts it had and is
    then deleted itself (post-hook), so the table holds the rows a full rebuild gives. A file
    forgotten or replaced makes the pipeline rebuild in full (orchestration/incremental_basis.py). -#}
{%- set entities = {
    'reviews': 'review_id',
    'social_mentions': 'mention_id',
    'survey_responses': 'response_id',
    'exit_surveys': 'response_id',
    'interactions': 'interaction_id',
} %}
with source as (
    select * from {{ source('enrichment', 'text_occurrences') }}
    {{- newer_exports_only() }}
),

latest as (
    {{ deduplicate_latest('source', ['source_entity', 'source_id', 'text_field']) }}
),

{%- for entity, key in entities.items() %}

raw_{{ entity }} as (
    select {{ key }}, _file_hash, _row_number, _ingest_seq
    from {{ source('raw', entity) }}
    {{- newer_exports_only() }}
),

latest_{{ entity }} as (
    {{ deduplicate_latest('raw_' ~ entity, [key]) }}
),
{%- endfor %}

latest_raw_rows as (
{%- for entity, key in entities.items() %}
    select
        '{{ entity }}' as source_entity,
        cast({{ key }} as {{ dbt.type_string() }}) as source_id,
        _file_hash,
        _row_number,
        _ingest_seq
    from latest_{{ entity }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
),

current_occurrences as (
    select
        latest_raw_rows.source_entity,
        latest_raw_rows.source_id,
        latest.text_field,
        latest.text_role,
        latest.text_hash,
        latest_raw_rows._ingest_seq
    from latest_raw_rows
    {#- On an incremental run every source row exported again is kept, with its texts or
        as one placeholder row without them. #}
    {% if is_incremental() %}left{% else %}inner{% endif %} join latest
        on latest.source_entity = latest_raw_rows.source_entity
        and latest.source_id = latest_raw_rows.source_id
        and latest._file_hash = latest_raw_rows._file_hash
        and latest._row_number = latest_raw_rows._row_number
),

renamed as (
    select
        cast(source_entity as {{ dbt.type_string() }}) as source_entity,
        cast(source_id as {{ dbt.type_string() }}) as source_id,
        cast(text_field as {{ dbt.type_string() }}) as text_field,
        cast(text_role as {{ dbt.type_string() }}) as text_role,
        cast(text_hash as {{ dbt.type_string() }}) as text_hash,
        cast(_ingest_seq as {{ dbt.type_bigint() }}) as _ingest_seq
    from current_occurrences
)

select * from renamed
