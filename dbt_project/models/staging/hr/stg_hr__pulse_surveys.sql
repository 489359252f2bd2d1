with source as (
    select * from {{ source('raw', 'pulse_surveys') }}
),

latest as (
    {{ deduplicate_latest('source', ['response_id']) }}
),

renamed as (
    select
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(job_satisfaction as double) as job_satisfaction,
        cast(wellbeing as double) as wellbeing,
        cast(stress as double) as stress,
        cast(enps as {{ dbt.type_int() }}) as enps,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
