with source as (
    select * from {{ source('raw', 'exit_surveys') }}
),

latest as (
    {{ deduplicate_latest('source', ['response_id']) }}
),

renamed as (
    select
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(responded_at as date) as response_date,
        cast(felt_understood as double) as felt_understood,
        cast(felt_valued as double) as felt_valued,
        lower(trim(cast(reason as {{ dbt.type_string() }}))) as reason,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
