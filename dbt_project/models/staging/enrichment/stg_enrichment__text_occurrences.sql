{#- One row per text field of a source row. The enrichment keeps an occurrence per raw row,
    so a row exported twice has two; as for the raw tables, the latest export wins. -#}
with source as (
    select * from {{ source('enrichment', 'text_occurrences') }}
),

latest as (
    {{ deduplicate_latest('source', ['source_entity', 'source_id', 'text_field']) }}
),

renamed as (
    select
        cast(source_entity as {{ dbt.type_string() }}) as source_entity,
        cast(source_id as {{ dbt.type_string() }}) as source_id,
        cast(text_field as {{ dbt.type_string() }}) as text_field,
        cast(text_role as {{ dbt.type_string() }}) as text_role,
        cast(text_hash as {{ dbt.type_string() }}) as text_hash
    from latest
)

select * from renamed
