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
        cast(iri_01 as {{ dbt.type_int() }}) as iri_01,
        cast(iri_02 as {{ dbt.type_int() }}) as iri_02,
        cast(iri_03 as {{ dbt.type_int() }}) as iri_03,
        cast(iri_04 as {{ dbt.type_int() }}) as iri_04,
        cast(iri_05 as {{ dbt.type_int() }}) as iri_05,
        cast(iri_06 as {{ dbt.type_int() }}) as iri_06,
        cast(iri_07 as {{ dbt.type_int() }}) as iri_07,
        cast(iri_08 as {{ dbt.type_int() }}) as iri_08,
        cast(iri_09 as {{ dbt.type_int() }}) as iri_09,
        cast(iri_10 as {{ dbt.type_int() }}) as iri_10,
        cast(iri_11 as {{ dbt.type_int() }}) as iri_11,
        cast(iri_12 as {{ dbt.type_int() }}) as iri_12,
        cast(iri_13 as {{ dbt.type_int() }}) as iri_13,
        cast(iri_14 as {{ dbt.type_int() }}) as iri_14,
        cast(iri_15 as {{ dbt.type_int() }}) as iri_15,
        cast(iri_16 as {{ dbt.type_int() }}) as iri_16,
        cast(iri_17 as {{ dbt.type_int() }}) as iri_17,
        cast(iri_18 as {{ dbt.type_int() }}) as iri_18,
        cast(iri_19 as {{ dbt.type_int() }}) as iri_19,
        cast(iri_20 as {{ dbt.type_int() }}) as iri_20,
        cast(iri_21 as {{ dbt.type_int() }}) as iri_21,
        cast(iri_22 as {{ dbt.type_int() }}) as iri_22,
        cast(iri_23 as {{ dbt.type_int() }}) as iri_23,
        cast(iri_24 as {{ dbt.type_int() }}) as iri_24,
        cast(iri_25 as {{ dbt.type_int() }}) as iri_25,
        cast(iri_26 as {{ dbt.type_int() }}) as iri_26,
        cast(iri_27 as {{ dbt.type_int() }}) as iri_27,
        cast(iri_28 as {{ dbt.type_int() }}) as iri_28,
        _ingest_seq,
        _loaded_at
    from latest
)

select * from renamed
