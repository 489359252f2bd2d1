{#- CES at every grain. "Easy" is defined on each scale (agree_1_7: 5-7; effort_1_5: 1-2), so
    the share easy pools both scales; the mean is only given when one scale was used. -#}
{%- set scale_max = "case when ces_scale = 'effort_1_5' then 5 else 7 end" %}
with responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'ces'
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
        {{ count_where('is_ces_easy') }} as n_easy,
        {{ count_where("ces_scale = 'agree_1_7'") }} as n_agree_1_7,
        {{ count_where("ces_scale = 'effort_1_5'") }} as n_effort_1_5,
        sum(score) as score_sum,
        sum(score * score) as score_sum_of_squares
    from by_grain
    group by grain, grain_value, period_start
),

scaled as (
    select
        *,
        case
            when n_effort_1_5 = 0 then 'agree_1_7'
            when n_agree_1_7 = 0 then 'effort_1_5'
            else 'mixed'
        end as ces_scale
    from counts
)

select
    grain,
    grain_value,
    period_start,
    ces_scale,
    n,
    n_easy,
    n_agree_1_7,
    n_effort_1_5,
    cast(n_easy as double) / n as ces_easy_share,
    {{ wilson_low('n_easy', 'n') }} as ces_easy_share_ci_low,
    {{ wilson_high('n_easy', 'n') }} as ces_easy_share_ci_high,
    case when ces_scale <> 'mixed' then score_sum end as score_sum,
    case when ces_scale <> 'mixed' then score_sum_of_squares end as score_sum_of_squares,
    case when ces_scale <> 'mixed' then score_sum / n end as ces_mean,
    case
        when ces_scale <> 'mixed' then {{ mean_low('score_sum', 'score_sum_of_squares', 'n', 1, scale_max) }}
    end as ces_mean_ci_low,
    case
        when ces_scale <> 'mixed' then {{ mean_high('score_sum', 'score_sum_of_squares', 'n', 1, scale_max) }}
    end as ces_mean_ci_high,
    n >= {{ var('min_n_reportable') }} as is_reportable
from scaled
