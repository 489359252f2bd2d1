with source as (
    select * from {{ source('raw', 'employees') }}
),

latest as (
    {{ deduplicate_latest('source', ['employee_id']) }}
),

renamed as (
    select
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        trim(cast(team as {{ dbt.type_string() }})) as team,
        trim(cast(department as {{ dbt.type_string() }})) as department,
        cast(is_frontline as {{ dbt.type_boolean() }}) as is_frontline,
        cast(hired_at as date) as hired_at,
        cast(left_at as date) as left_at,
        coalesce(cast(has_left as {{ dbt.type_boolean() }}), left_at is not null) as has_left,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
