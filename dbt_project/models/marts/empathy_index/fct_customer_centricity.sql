{#- Customer-centricity by department, from two documented proxies the exports carry:
    - ownership: of the KPIs whose owner (a role) belongs to the department
      (seeds/kpi_owner_departments.csv), the share on target in the reporting month;
    - outcomes: the CSAT top-2 share of the answers about contacts the department's agents
      handled in the three months up to the reporting month.
    Each proxy with its counts and a Wilson interval; the department's score (0-100) is the
    mean of the proxies it has (x 100; outcomes only when reportable), with the number used. A department with neither has
    no score. Contact outcomes are customers' answers, not HR data, so no group minimum
    applies beyond var('min_n_reportable'). -#}
with owners as (
    select * from {{ ref('kpi_owner_departments') }}
),

kpis as (
    select kpi, owner, status from {{ ref('dim_kpis') }}
),

reporting_period as (
    select * from {{ ref('int_reporting_period') }}
),

agents as (
    select agent_id, department from {{ ref('int_agents') }}
),

responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
),

ownership as (
    select
        owners.department,
        {{ count_where("kpis.status in ('green', 'amber', 'red')") }} as n_kpis_with_status,
        {{ count_where("kpis.status = 'green'") }} as n_kpis_on_target
    from owners
    inner join kpis
        on owners.owner = kpis.owner
    group by owners.department
),

outcomes as (
    select
        agents.department,
        count(*) as n_csat_answers,
        {{ count_where('responses.is_csat_top2') }} as n_csat_top2
    from responses
    inner join agents
        on responses.agent_id = agents.agent_id
    cross join reporting_period
    where responses.survey_type = 'csat'
        and responses.handled_by = 'agent'
        and responses.response_date >= {{ dbt.dateadd('month', -2, 'reporting_period.reporting_month') }}
        and responses.response_date < {{ dbt.dateadd('month', 1, 'reporting_period.reporting_month') }}
        and agents.department is not null
    group by agents.department
),

departments as (
    select department from ownership
    union
    select department from outcomes
),

combined as (
    select
        departments.department,
        coalesce(ownership.n_kpis_with_status, 0) as n_kpis_with_status,
        coalesce(ownership.n_kpis_on_target, 0) as n_kpis_on_target,
        coalesce(outcomes.n_csat_answers, 0) as n_csat_answers,
        coalesce(outcomes.n_csat_top2, 0) as n_csat_top2
    from departments
    left join ownership
        on departments.department = ownership.department
    left join outcomes
        on departments.department = outcomes.department
),

shares as (
    select
        combined.*,
        case when n_kpis_with_status > 0
            then cast(n_kpis_on_target as double) / n_kpis_with_status end as kpi_on_target_share,
        case when n_csat_answers > 0
            then cast(n_csat_top2 as double) / n_csat_answers end as contacts_csat_top2_share,
        n_csat_answers >= {{ var('min_n_reportable') }} as contacts_csat_is_reportable
    from combined
)

select
    shares.department,
    cast(reporting_period.reporting_month as date) as reporting_month,
    cast(shares.n_kpis_with_status as {{ dbt.type_bigint() }}) as n_kpis_with_status,
    cast(shares.n_kpis_on_target as {{ dbt.type_bigint() }}) as n_kpis_on_target,
    shares.kpi_on_target_share,
    {{ wilson_low('n_kpis_on_target', 'n_kpis_with_status') }} as kpi_on_target_share_ci_low,
    {{ wilson_high('n_kpis_on_target', 'n_kpis_with_status') }} as kpi_on_target_share_ci_high,
    cast(shares.n_csat_answers as {{ dbt.type_bigint() }}) as n_csat_answers,
    cast(shares.n_csat_top2 as {{ dbt.type_bigint() }}) as n_csat_top2,
    shares.contacts_csat_top2_share,
    {{ wilson_low('n_csat_top2', 'n_csat_answers') }} as contacts_csat_top2_share_ci_low,
    {{ wilson_high('n_csat_top2', 'n_csat_answers') }} as contacts_csat_top2_share_ci_high,
    shares.contacts_csat_is_reportable,
    {%- set has_ownership = "case when shares.kpi_on_target_share is not null then 1 else 0 end" %}
    {%- set has_outcomes = "case when shares.contacts_csat_is_reportable then 1 else 0 end" %}
    cast(({{ has_ownership }}) + ({{ has_outcomes }}) as {{ dbt.type_bigint() }}) as n_proxies,
    100.0 * (
        coalesce(shares.kpi_on_target_share, 0)
        + case when shares.contacts_csat_is_reportable then shares.contacts_csat_top2_share else 0 end
    ) / nullif(({{ has_ownership }}) + ({{ has_outcomes }}), 0) as centricity_score
from shares
cross join reporting_period
