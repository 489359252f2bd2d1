{#- NPS at every grain, computed from the answers of that grain (never from a finer grain). -#}
with responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'nps'
),

by_grain as (
    {{ explode_to_grains('responses', survey_grains()) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        count(*) as n,
        {{ count_where("nps_category = 'promoter'") }} as n_promoters,
        {{ count_where("nps_category = 'passive'") }} as n_passives,
        {{ count_where("nps_category = 'detractor'") }} as n_detractors
    from by_grain
    group by grain, grain_value, period_start
)

select
    grain,
    grain_value,
    period_start,
    n,
    n_promoters,
    n_passives,
    n_detractors,
    cast(n_promoters as double) / n as promoter_share,
    cast(n_passives as double) / n as passive_share,
    cast(n_detractors as double) / n as detractor_share,
    cast(n_promoters - n_detractors as double) * 100 / n as nps,
    {{ difference_low('n_promoters', 'n_detractors', 'n', scale=100) }} as nps_ci_low,
    {{ difference_high('n_promoters', 'n_detractors', 'n', scale=100) }} as nps_ci_high,
    n >= {{ var('min_n_reportable') }} as is_reportable
from counts
