with source as (
    select * from {{ source('raw', 'empathy_assessments') }}
),

latest as (
    {{ deduplicate_latest('source', ['assessment_id']) }}
),

renamed as (
    select
        cast(assessment_id as {{ dbt.type_string() }}) as assessment_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(assessed_at as date) as assessed_at,
        cast(teq_01 as {{ dbt.type_int() }}) as teq_01,
        cast(teq_02 as {{ dbt.type_int() }}) as teq_02,
        cast(teq_03 as {{ dbt.type_int() }}) as teq_03,
        cast(teq_04 as {{ dbt.type_int() }}) as teq_04,
        cast(teq_05 as {{ dbt.type_int() }}) as teq_05,
        cast(teq_06 as {{ dbt.type_int() }}) as teq_06,
        cast(teq_07 as {{ dbt.type_int() }}) as teq_07,
        cast(teq_08 as {{ dbt.type_int() }}) as teq_08,
        cast(teq_09 as {{ dbt.type_int() }}) as teq_09,
        cast(teq_10 as {{ dbt.type_int() }}) as teq_10,
        cast(teq_11 as {{ dbt.type_int() }}) as teq_11,
        cast(teq_12 as {{ dbt.type_int() }}) as teq_12,
        cast(teq_13 as {{ dbt.type_int() }}) as teq_13,
        cast(teq_14 as {{ dbt.type_int() }}) as teq_14,
        cast(teq_15 as {{ dbt.type_int() }}) as teq_15,
        cast(teq_16 as {{ dbt.type_int() }}) as teq_16,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
