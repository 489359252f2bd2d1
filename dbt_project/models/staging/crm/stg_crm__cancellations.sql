with source as (
    select * from {{ source('raw', 'cancellations') }}
),

latest as (
    {{ deduplicate_latest('source', ['customer_id', 'cancelled_at']) }}
),

renamed as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(cancelled_at as {{ dbt.type_timestamp() }}) as cancelled_at,
        lower(trim(cast(reason as {{ dbt.type_string() }}))) as reason,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
