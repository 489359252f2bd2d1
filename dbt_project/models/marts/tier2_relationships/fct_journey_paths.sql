{#- Paths to churn and to retention: per sequence of the last var('journey_path_length')
    touchpoint kinds before a customer's outcome (int_journey_paths), how many customers took
    it to churn and how many to a repeat purchase; what share of all churners and of all
    retained customers took it (Wilson intervals: compare the two to see how the paths
    differ), and the churn share among the customers on it against the overall churn share. -#}
{%- set min_n = var('min_n_reportable') %}
with paths as (
    select * from {{ ref('int_journey_paths') }}
),

by_path as (
    select
        path,
        max(path_length) as path_length,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_customers,
        {{ count_where("outcome = 'churned'") }} as n_churned,
        {{ count_where("outcome = 'retained'") }} as n_retained
    from paths
    group by path
),

totals as (
    select
        {{ count_where("outcome = 'churned'") }} as total_churned,
        {{ count_where("outcome = 'retained'") }} as total_retained
    from paths
)

select
    by_path.path,
    cast(by_path.path_length as {{ dbt.type_int() }}) as path_length,
    by_path.n_customers,
    by_path.n_churned,
    by_path.n_retained,
    cast(row_number() over (order by by_path.n_customers desc, by_path.path) as {{ dbt.type_int() }})
        as path_rank,
    cast(row_number() over (order by by_path.n_churned desc, by_path.path) as {{ dbt.type_int() }})
        as churned_rank,
    cast(row_number() over (order by by_path.n_retained desc, by_path.path) as {{ dbt.type_int() }})
        as retained_rank,
    totals.total_churned,
    totals.total_retained,
    cast(by_path.n_churned as double) / nullif(totals.total_churned, 0) as share_of_churners,
    {{ wilson_low('by_path.n_churned', 'totals.total_churned') }} as share_of_churners_ci_low,
    {{ wilson_high('by_path.n_churned', 'totals.total_churned') }} as share_of_churners_ci_high,
    cast(by_path.n_retained as double) / nullif(totals.total_retained, 0) as share_of_retained,
    {{ wilson_low('by_path.n_retained', 'totals.total_retained') }} as share_of_retained_ci_low,
    {{ wilson_high('by_path.n_retained', 'totals.total_retained') }} as share_of_retained_ci_high,
    cast(by_path.n_churned as double) / by_path.n_customers as churn_share,
    {{ wilson_low('by_path.n_churned', 'by_path.n_customers') }} as churn_share_ci_low,
    {{ wilson_high('by_path.n_churned', 'by_path.n_customers') }} as churn_share_ci_high,
    cast(totals.total_churned as double)
        / nullif(totals.total_churned + totals.total_retained, 0) as overall_churn_share,
    by_path.n_customers >= {{ min_n }} as is_reportable
from by_path
cross join totals
