{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
) }}

with source as (
    select * from {{ source('raw', 'customers') }}
    {{- newer_exports_only() }}
),

latest as (
    {{ deduplicate_latest('source', ['customer_id']) }}
),

renamed as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(signed_up_at as date) as signed_up_at,
        trim(cast(location as {{ dbt.type_string() }})) as location,
        trim(cast(segment as {{ dbt.type_string() }})) as segment,
        cast(tenure_months as {{ dbt.type_int() }}) as tenure_months,
        cast(is_churned as {{ dbt.type_boolean() }}) as is_churned,
        lower(trim(cast(churn_reason as {{ dbt.type_string() }}))) as churn_reason,
        lower(trim(cast(churn_category as {{ dbt.type_string() }}))) as churn_category,
        cast(reported_cltv as double) as reported_cltv,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
