{#- Empathy language and sentiment of texts, per source (entity and field) and for all
    customer-written texts together ('all' / 'customer_texts'), overall, by month, and by
    platform or channel where the source has one. -#}
with texts as (
    select * from {{ ref('int_texts_scored') }}
),

sourced as (
    select source_entity, text_field, text_date, platform, channel, has_opinion,
        sentiment_label, empathy_positive_cues, empathy_negative_cues
    from texts
    union all
    select 'all', 'customer_texts', text_date, platform, channel, has_opinion,
        sentiment_label, empathy_positive_cues, empathy_negative_cues
    from texts
    where text_role = 'customer'
),

by_grain as (
    {{ explode_to_grains('sourced', {
        'overall': none,
        'month': 'text_date',
        'platform': 'platform',
        'channel': 'channel',
    }) }}
),

counts as (
    select
        source_entity,
        text_field,
        grain,
        grain_value,
        period_start,
        count(*) as n_texts,
        {{ count_where('has_opinion') }} as n_with_opinion,
        {{ count_where("has_opinion and sentiment_label = 'positive'") }} as n_positive,
        {{ count_where("has_opinion and sentiment_label = 'negative'") }} as n_negative,
        {{ count_where('empathy_positive_cues > 0') }} as n_texts_with_positive_cue,
        {{ count_where('empathy_negative_cues > 0') }} as n_texts_with_negative_cue,
        cast(coalesce(sum(empathy_positive_cues), 0) as {{ dbt.type_bigint() }}) as positive_cues,
        cast(coalesce(sum(empathy_negative_cues), 0) as {{ dbt.type_bigint() }}) as negative_cues
    from by_grain
    where not (grain = 'platform' and source_entity not in ('reviews', 'social_mentions', 'all'))
        and not (grain = 'channel' and source_entity not in ('interactions', 'survey_responses', 'all'))
    group by source_entity, text_field, grain, grain_value, period_start
)

select
    source_entity,
    text_field,
    grain,
    grain_value,
    period_start,
    n_texts,
    {{ sentiment_columns() }},
    n_texts_with_positive_cue,
    cast(n_texts_with_positive_cue as double) / n_texts as positive_cue_rate,
    {{ wilson_low('n_texts_with_positive_cue', 'n_texts') }} as positive_cue_rate_ci_low,
    {{ wilson_high('n_texts_with_positive_cue', 'n_texts') }} as positive_cue_rate_ci_high,
    n_texts_with_negative_cue,
    cast(n_texts_with_negative_cue as double) / n_texts as negative_cue_rate,
    {{ wilson_low('n_texts_with_negative_cue', 'n_texts') }} as negative_cue_rate_ci_low,
    {{ wilson_high('n_texts_with_negative_cue', 'n_texts') }} as negative_cue_rate_ci_high,
    positive_cues,
    negative_cues,
    cast(positive_cues as double) / nullif(positive_cues + negative_cues, 0) as empathy_language_ratio,
    {{ wilson_low('positive_cues', 'positive_cues + negative_cues') }} as empathy_language_ratio_ci_low,
    {{ wilson_high('positive_cues', 'positive_cues + negative_cues') }} as empathy_language_ratio_ci_high,
    n_with_opinion >= {{ var('min_n_reportable') }} as net_sentiment_is_reportable,
    positive_cues + negative_cues >= {{ var('min_n_reportable') }} as empathy_language_ratio_is_reportable,
    {#- every rate of the row reaches the minimum on its own denominator -#}
    least(n_texts, n_with_opinion, positive_cues + negative_cues) >= {{ var('min_n_reportable') }}
        as is_reportable
from counts
