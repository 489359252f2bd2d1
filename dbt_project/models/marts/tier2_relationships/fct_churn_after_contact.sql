{#- Churn within churn_after_contact_days (default 90) after an inbound contact, by what the
    contact was: overall, channel, interaction_type, resolution (resolved / unresolved),
    interaction_type_resolution ('technical, unresolved'), handled_by. Only contacts opened at
    least that many days before the end of the exports count (the whole window is observed).
    Churned = the customer's churn time (int_customer_lifecycle) after the contact opened and
    within the window. Each group is compared with all other contacts: rate ratio with its
    95% Katz log interval, difference with its 95% Wald interval. Contacts of one customer are
    treated as independent observations (see DECISIONLOG.md). p_value: two-sided z-test of the
    log rate ratio; is_significant: Holm-Bonferroni over every group of the build at the
    family-wise alpha of var alert_alpha (0.05). -#}
{%- set days = var('churn_after_contact_days') | int %}
{%- set z = z_95() %}
with window_ as (
    select * from {{ ref('int_relationship_window') }}
),

lifecycle as (
    select customer_id, churned_at from {{ ref('int_customer_lifecycle') }}
),

contacts as (
    select
        interactions.interaction_id,
        coalesce(interactions.channel, 'unknown') as channel,
        coalesce(interactions.interaction_type, 'unknown') as interaction_type,
        case when interactions.resolved_at is null then 'unresolved' else 'resolved' end as resolution,
        coalesce(interactions.handled_by, 'unknown') as handled_by,
        coalesce(
            lifecycle.churned_at > interactions.opened_at
            and lifecycle.churned_at <= {{ dbt.dateadd('day', days, 'interactions.opened_at') }},
            false
        ) as churned_within
    from {{ ref('stg_crm__interactions') }} as interactions
    cross join window_
    left join lifecycle on interactions.customer_id = lifecycle.customer_id
    where interactions.direction = 'inbound'
        and interactions.customer_id is not null
        and window_.churn_definition is not null
        and interactions.opened_at < {{ dbt.dateadd('day', 1 - days, 'window_.observation_end') }}
),

grouped as (
    {%- for grain, column in [
        ('overall', "'overall'"),
        ('channel', 'channel'),
        ('interaction_type', 'interaction_type'),
        ('resolution', 'resolution'),
        ('interaction_type_resolution', "interaction_type || ', ' || resolution"),
        ('handled_by', 'handled_by'),
    ] %}
    select
        '{{ grain }}' as grain,
        {{ column }} as grain_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_contacts,
        {{ count_where('churned_within') }} as n_churned
    from contacts
    group by {{ column }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

totals as (
    select n_contacts as total_contacts, n_churned as total_churned
    from grouped where grain = 'overall'
),

compared as (
    select
        grouped.*,
        totals.total_contacts - grouped.n_contacts as n_other_contacts,
        totals.total_churned - grouped.n_churned as n_other_churned,
        cast(grouped.n_churned as double) / grouped.n_contacts as churn_rate,
        cast(totals.total_churned - grouped.n_churned as double)
            / nullif(totals.total_contacts - grouped.n_contacts, 0) as other_churn_rate
    from grouped
    cross join totals
),

tested as (
    select
        *,
        case when grain <> 'overall' and n_churned > 0 and n_other_churned > 0 then
            ln(churn_rate / other_churn_rate) / sqrt(
                1.0 / n_churned - 1.0 / n_contacts + 1.0 / n_other_churned - 1.0 / n_other_contacts)
        end as z_statistic
    from compared
),

ranked as (
    select
        *,
        case when z_statistic is not null then {{ normal_two_sided_p('z_statistic') }} end as p_value_raw,
        count(z_statistic) over () as n_tests,
        row_number() over (
            order by case when z_statistic is null then 1 else 0 end, abs(z_statistic) desc,
                grain, grain_value
        ) as p_rank
    from tested
),

holm as (
    select
        *,
        min(case
            when p_value_raw <= {{ var('alert_alpha') }} / (n_tests - p_rank + 1) then 1 else 0
        end) over (order by p_rank rows between unbounded preceding and current row) = 1
            and p_value_raw is not null as is_significant
    from ranked
)

select
    compared.grain,
    compared.grain_value,
    {{ days }} as window_days,
    window_.churn_definition,
    cast({{ dbt.dateadd('day', 1 - days, 'window_.observation_end') }} as date) as contacts_opened_before,
    compared.n_contacts,
    compared.n_churned,
    compared.churn_rate,
    {{ wilson_low('compared.n_churned', 'compared.n_contacts') }} as churn_rate_ci_low,
    {{ wilson_high('compared.n_churned', 'compared.n_contacts') }} as churn_rate_ci_high,
    compared.n_other_contacts,
    compared.n_other_churned,
    compared.other_churn_rate,
    compared.churn_rate - compared.other_churn_rate as rate_difference,
    round(compared.churn_rate - compared.other_churn_rate - {{ z }} * sqrt(
        compared.churn_rate * (1 - compared.churn_rate) / compared.n_contacts
        + compared.other_churn_rate * (1 - compared.other_churn_rate) / compared.n_other_contacts
    ), 6) as rate_difference_ci_low,
    round(compared.churn_rate - compared.other_churn_rate + {{ z }} * sqrt(
        compared.churn_rate * (1 - compared.churn_rate) / compared.n_contacts
        + compared.other_churn_rate * (1 - compared.other_churn_rate) / compared.n_other_contacts
    ), 6) as rate_difference_ci_high,
    compared.churn_rate / nullif(compared.other_churn_rate, 0) as rate_ratio,
{%- for side, sign in [('low', '-'), ('high', '+')] %}
    case when compared.n_churned > 0 and compared.n_other_churned > 0 then round(
        compared.churn_rate / compared.other_churn_rate * exp({{ sign }}{{ z }} * sqrt(
            1.0 / compared.n_churned - 1.0 / compared.n_contacts
            + 1.0 / compared.n_other_churned - 1.0 / compared.n_other_contacts
        )), 6) end as rate_ratio_ci_{{ side }},
{%- endfor %}
    compared.n_contacts >= {{ var('min_n_reportable') }}
        and coalesce(compared.n_other_contacts, 0) >= {{ var('min_n_reportable') }} as is_reportable,
    round(compared.p_value_raw, 6) as p_value,
    compared.is_significant
from holm as compared
cross join window_
