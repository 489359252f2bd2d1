{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='order_id',
) }}

with source as (
    select * from {{ source('raw', 'orders') }}
    {{- newer_exports_only() }}
),

latest as (
    {{ deduplicate_latest('source', ['order_id']) }}
),

renamed as (
    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(amount as double) as amount,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        trim(cast(product as {{ dbt.type_string() }})) as product,
        cast(is_complex_product as {{ dbt.type_boolean() }}) as is_complex_product,
        cast(margin as double) as margin,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
