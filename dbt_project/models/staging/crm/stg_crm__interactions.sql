{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
) }}

with source as (
    select * from {{ source('raw', 'interactions') }}
    {{- newer_exports_only() }}
),

latest as (
    {{ deduplicate_latest('source', ['interaction_id']) }}
),

renamed as (
    select
        cast(interaction_id as {{ dbt.type_string() }}) as interaction_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        lower(trim(cast(channel as {{ dbt.type_string() }}))) as channel,
        lower(trim(cast(interaction_type as {{ dbt.type_string() }}))) as interaction_type,
        coalesce(lower(trim(cast(direction as {{ dbt.type_string() }}))), 'inbound') as direction,
        coalesce(
            lower(trim(cast(handled_by as {{ dbt.type_string() }}))),
            case when agent_id is not null then 'agent' end
        ) as handled_by,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(escalated_to_human as {{ dbt.type_boolean() }}) as escalated_to_human,
        cast(opened_at as {{ dbt.type_timestamp() }}) as opened_at,
        cast(first_response_at as {{ dbt.type_timestamp() }}) as first_response_at,
        cast(resolved_at as {{ dbt.type_timestamp() }}) as resolved_at,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
