{#- CSAT at every grain, computed from the answers of that grain (never from a finer grain). -#}
with responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'csat'
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
        {{ count_where('is_csat_top2') }} as n_top2,
        {%- for score in range(1, 6) %}
        {{ count_where('score = ' ~ score) }} as n_score_{{ score }},
        {%- endfor %}
        sum(score) as score_sum,
        sum(score * score) as score_sum_of_squares
    from by_grain
    group by grain, grain_value, period_start
)

select
    grain,
    grain_value,
    period_start,
    n,
    n_top2,
    {%- for score in range(1, 6) %}
    n_score_{{ score }},
    {%- endfor %}
    cast(n_top2 as double) / n as csat_top2_share,
    {{ wilson_low('n_top2', 'n') }} as csat_top2_share_ci_low,
    {{ wilson_high('n_top2', 'n') }} as csat_top2_share_ci_high,
    score_sum,
    score_sum_of_squares,
    score_sum / n as csat_mean,
    {{ mean_low('score_sum', 'score_sum_of_squares', 'n', 1, 5) }} as csat_mean_ci_low,
    {{ mean_high('score_sum', 'score_sum_of_squares', 'n', 1, 5) }} as csat_mean_ci_high,
    n >= {{ var('min_n_reportable') }} as is_reportable
from counts
