{#- Why customers left, from every export that says so, one row per feedback: exit-survey
    answers ('exit_survey': reason, felt understood / valued 1-5), cancellation records
    ('cancellation': reason) and the CRM's own churned flag ('crm_churn_flag': reason and
    category, e.g. the IBM Cognos telco status table). Each is linked to the customer's last
    inbound contact before it (its type, channel and whether it was resolved; the last contact
    at all for undated feedback) and to the customer's CSAT answers. -#}
with exit_surveys as (
    select * from {{ ref('stg_surveys__exit_surveys') }}
),

cancellations as (
    select * from {{ ref('stg_crm__cancellations') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

contacts as (
    select * from {{ ref('stg_crm__interactions') }}
    where direction = 'inbound' and customer_id is not null
),

csat as (
    select
        customer_id,
        count(*) as n_csat,
        avg(score) as csat_mean
    from {{ ref('stg_surveys__survey_responses') }}
    where survey_type = 'csat' and customer_id is not null
    group by customer_id
),

feedback as (
    select
        'exit_survey' as source,
        response_id as feedback_id,
        customer_id,
        responded_at as feedback_at,
        coalesce(reason, 'not given') as reason,
        cast(null as {{ dbt.type_string() }}) as category,
        felt_understood,
        felt_valued
    from exit_surveys
    union all
    select
        'cancellation',
        customer_id || '@' || cast(cancelled_at as {{ dbt.type_string() }}),
        customer_id,
        cancelled_at,
        coalesce(reason, 'not given'),
        cast(null as {{ dbt.type_string() }}),
        cast(null as double),
        cast(null as double)
    from cancellations
    union all
    select
        'crm_churn_flag',
        customer_id,
        customer_id,
        cast(null as {{ dbt.type_timestamp() }}),
        coalesce(churn_reason, 'not given'),
        churn_category,
        cast(null as double),
        cast(null as double)
    from customers
    where is_churned
),

last_contacts as (
    select *
    from (
        select
            feedback.source,
            feedback.feedback_id,
            contacts.interaction_type,
            contacts.channel,
            contacts.resolved_at is not null as is_resolved,
            row_number() over (
                partition by feedback.source, feedback.feedback_id
                order by contacts.opened_at desc, contacts.interaction_id desc
            ) as contact_rank
        from feedback
        inner join contacts
            on feedback.customer_id = contacts.customer_id
            and (feedback.feedback_at is null or contacts.opened_at <= feedback.feedback_at)
    ) as ranked
    where contact_rank = 1
)

select
    feedback.source,
    feedback.feedback_id,
    feedback.customer_id,
    feedback.feedback_at,
    cast(feedback.feedback_at as date) as feedback_date,
    feedback.reason,
    feedback.category,
    feedback.felt_understood,
    feedback.felt_valued,
    last_contacts.interaction_type as last_contact_type,
    last_contacts.channel as last_contact_channel,
    last_contacts.is_resolved as last_contact_resolved,
    csat.n_csat,
    csat.csat_mean
from feedback
left join last_contacts
    on feedback.source = last_contacts.source and feedback.feedback_id = last_contacts.feedback_id
left join csat on feedback.customer_id = csat.customer_id
