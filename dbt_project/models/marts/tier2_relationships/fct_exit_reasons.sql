{#- What churned customers say, per source (exit_survey, cancellation, crm_churn_flag) at the
    grains overall, reason and category: how many gave each reason (share of the source, 95%
    Wilson interval); the shares who felt understood and felt valued (an answer of 4-5 of 5,
    among those who answered; Wilson intervals); their mean CSAT; and their last contact before
    leaving (share unresolved with its interval, and the most common contact type). -#}
with feedback as (
    select * from {{ ref('int_exit_feedback') }}
),

exploded as (
    {%- for grain, column in [('overall', "'overall'"), ('reason', 'reason'), ('category', 'category')] %}
    select '{{ grain }}' as grain, {{ column }} as grain_value, feedback.*
    from feedback
    {%- if grain == 'category' %}
    where category is not null
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

grouped as (
    select
        source,
        grain,
        grain_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_responses,
        cast(count(felt_understood) as {{ dbt.type_bigint() }}) as n_understood_answers,
        {{ count_where('felt_understood >= 4') }} as n_felt_understood,
        cast(count(felt_valued) as {{ dbt.type_bigint() }}) as n_valued_answers,
        {{ count_where('felt_valued >= 4') }} as n_felt_valued,
        {{ count_where('n_csat > 0') }} as n_with_csat,
        sum(n_csat * csat_mean) / nullif(sum(n_csat), 0) as csat_mean,
        cast(count(last_contact_resolved) as {{ dbt.type_bigint() }}) as n_with_last_contact,
        {{ count_where('not last_contact_resolved') }} as n_last_contact_unresolved
    from exploded
    group by source, grain, grain_value
),

source_totals as (
    select source, n_responses as n_source_responses
    from grouped
    where grain = 'overall'
),

contact_types as (
    select *
    from (
        select
            source,
            grain,
            grain_value,
            last_contact_type,
            row_number() over (
                partition by source, grain, grain_value
                order by count(*) desc, last_contact_type
            ) as type_rank
        from exploded
        where last_contact_type is not null
        group by source, grain, grain_value, last_contact_type
    ) as ranked
    where type_rank = 1
)

select
    grouped.source,
    grouped.grain,
    grouped.grain_value,
    grouped.n_responses,
    source_totals.n_source_responses,
    cast(grouped.n_responses as double) / source_totals.n_source_responses as share_of_source,
    {{ wilson_low('grouped.n_responses', 'source_totals.n_source_responses') }} as share_of_source_ci_low,
    {{ wilson_high('grouped.n_responses', 'source_totals.n_source_responses') }} as share_of_source_ci_high,
    grouped.n_understood_answers,
    grouped.n_felt_understood,
    cast(grouped.n_felt_understood as double) / nullif(grouped.n_understood_answers, 0) as felt_understood_share,
    {{ wilson_low('grouped.n_felt_understood', 'grouped.n_understood_answers') }} as felt_understood_share_ci_low,
    {{ wilson_high('grouped.n_felt_understood', 'grouped.n_understood_answers') }} as felt_understood_share_ci_high,
    grouped.n_valued_answers,
    grouped.n_felt_valued,
    cast(grouped.n_felt_valued as double) / nullif(grouped.n_valued_answers, 0) as felt_valued_share,
    {{ wilson_low('grouped.n_felt_valued', 'grouped.n_valued_answers') }} as felt_valued_share_ci_low,
    {{ wilson_high('grouped.n_felt_valued', 'grouped.n_valued_answers') }} as felt_valued_share_ci_high,
    grouped.n_with_csat,
    grouped.csat_mean,
    grouped.n_with_last_contact,
    grouped.n_last_contact_unresolved,
    cast(grouped.n_last_contact_unresolved as double) / nullif(grouped.n_with_last_contact, 0)
        as last_contact_unresolved_share,
    {{ wilson_low('grouped.n_last_contact_unresolved', 'grouped.n_with_last_contact') }} as last_contact_unresolved_share_ci_low,
    {{ wilson_high('grouped.n_last_contact_unresolved', 'grouped.n_with_last_contact') }} as last_contact_unresolved_share_ci_high,
    contact_types.last_contact_type as most_common_last_contact_type,
    grouped.n_responses >= {{ var('min_n_reportable') }} as is_reportable
from grouped
inner join source_totals on grouped.source = source_totals.source
left join contact_types
    on grouped.source = contact_types.source
    and grouped.grain = contact_types.grain
    and grouped.grain_value = contact_types.grain_value
