with source as (
    select * from {{ source('enrichment', 'text_occurrences') }}
),

renamed as (
    select distinct
        cast(source_entity as {{ dbt.type_string() }}) as source_entity,
        cast(source_id as {{ dbt.type_string() }}) as source_id,
        cast(text_field as {{ dbt.type_string() }}) as text_field,
        cast(text_role as {{ dbt.type_string() }}) as text_role,
        cast(text_hash as {{ dbt.type_string() }}) as text_hash
    from source
)

select * from renamed
