with source as (
    select * from {{ source('raw', 'social_mentions') }}
),

latest as (
    {{ deduplicate_latest('source', ['mention_id']) }}
),

renamed as (
    select
        cast(mention_id as {{ dbt.type_string() }}) as mention_id,
        lower(trim(cast(platform as {{ dbt.type_string() }}))) as platform,
        cast(posted_at as {{ dbt.type_timestamp() }}) as posted_at,
        cast(posted_at as date) as posted_date,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
