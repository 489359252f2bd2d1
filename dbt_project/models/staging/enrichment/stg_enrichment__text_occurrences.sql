{#- One row per text field of a source row. The enrichment keeps an occurrence per raw row,
    so a row exported twice has two; as for the raw tables, the latest export wins. The
    enrichment writes occurrences for non-empty texts only, so a text blanked in a later export
    has no occurrence there: an occurrence is kept only when it belongs to the latest raw row
    of its business key, and a blanked text therefore has none (the blank wins). -#}
{%- set entities = {
    'reviews': 'review_id',
    'social_mentions': 'mention_id',
    'survey_responses': 'response_id',
    'exit_surveys': 'response_id',
    'interactions': 'interaction_id',
} %}
with source as (
    select * from {{ source('enrichment', 'text_occurrences') }}
),

latest as (
    {{ deduplicate_latest('source', ['source_entity', 'source_id', 'text_field']) }}
),

{%- for entity, key in entities.items() %}

raw_{{ entity }} as (
    select {{ key }}, _file_hash, _row_number, _ingest_seq
    from {{ source('raw', entity) }}
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
        _row_number
    from latest_{{ entity }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
),

current_occurrences as (
    select latest.*
    from latest
    inner join latest_raw_rows
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
        cast(text_hash as {{ dbt.type_string() }}) as text_hash
    from current_occurrences
)

select * from renamed
