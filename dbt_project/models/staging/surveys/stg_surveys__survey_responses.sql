{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='response_id',
) }}

with source as (
    select * from {{ source('raw', 'survey_responses') }}
    {{- newer_exports_only() }}
),

latest as (
    {{ deduplicate_latest('source', ['response_id']) }}
),

renamed as (
    select
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        lower(trim(cast(survey_type as {{ dbt.type_string() }}))) as survey_type,
        cast(score as double) as score,
        case
            when lower(trim(survey_type)) = 'ces'
                then coalesce(lower(trim(cast(ces_scale as {{ dbt.type_string() }}))), 'agree_1_7')
        end as ces_scale,
        cast(felt_understood as double) as felt_understood,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(interaction_id as {{ dbt.type_string() }}) as interaction_id,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(responded_at as date) as response_date,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
