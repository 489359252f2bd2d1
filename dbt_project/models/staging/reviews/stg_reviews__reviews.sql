with source as (
    select * from {{ source('raw', 'reviews') }}
),

latest as (
    {{ deduplicate_latest('source', ['review_id']) }}
),

renamed as (
    select
        cast(review_id as {{ dbt.type_string() }}) as review_id,
        lower(trim(cast(platform as {{ dbt.type_string() }}))) as platform,
        trim(cast(location as {{ dbt.type_string() }})) as location,
        cast(rating as double) as rating,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(created_at as date) as review_date,
        coalesce(trim(reply_text) <> '', false) or replied_at is not null as has_reply,
        cast(replied_at as {{ dbt.type_timestamp() }}) as replied_at,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
