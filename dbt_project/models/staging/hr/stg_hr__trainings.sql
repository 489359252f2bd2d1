with source as (
    select * from {{ source('raw', 'trainings') }}
),

latest as (
    {{ deduplicate_latest('source', ['initiative_id']) }}
),

renamed as (
    select
        cast(initiative_id as {{ dbt.type_string() }}) as initiative_id,
        trim(cast(initiative_name as {{ dbt.type_string() }})) as initiative_name,
        lower(trim(cast(kind as {{ dbt.type_string() }}))) as kind,
        cast(started_at as date) as started_at,
        cast(ended_at as date) as ended_at,
        trim(cast(teams as {{ dbt.type_string() }})) as teams,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
