{#- Public reviews: volume, star rating, sentiment of the review text and reply rate, overall,
    by month and quarter, by platform and by location. When no review at all carries a reply
    (no reply column mapped, or none recorded), n_replied and the reply rate are null: "not
    available", never a 0% that looks like a business that ignores its reviews. -#}
with reviews as (
    select * from {{ ref('stg_reviews__reviews') }}
),

reply_info as (
    select count(*) as n_with_reply from reviews where has_reply
),

review_texts as (
    select * from {{ ref('int_texts_scored') }}
    where source_entity = 'reviews' and text_field = 'review_text'
),

scored_reviews as (
    select
        reviews.review_id,
        reviews.platform,
        reviews.location,
        reviews.review_date,
        reviews.rating,
        reviews.has_reply,
        review_texts.text_hash is not null as has_text,
        coalesce(review_texts.has_opinion, false) as has_opinion,
        review_texts.has_opinion and review_texts.sentiment_label = 'positive' as is_positive,
        review_texts.has_opinion and review_texts.sentiment_label = 'negative' as is_negative
    from reviews
    left join review_texts
        on reviews.review_id = review_texts.source_id
),

by_grain as (
    {{ explode_to_grains('scored_reviews', {
        'overall': none,
        'month': 'review_date',
        'quarter': 'review_date',
        'platform': 'platform',
        'location': 'location',
    }) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        count(*) as n_reviews,
        count(rating) as n_rated,
        {{ count_where('rating >= 4') }} as n_rating_top2,
        sum(rating) as rating_sum,
        sum(rating * rating) as rating_sum_of_squares,
        {{ count_where('has_text') }} as n_texts,
        {{ count_where('has_opinion') }} as n_with_opinion,
        {{ count_where('is_positive') }} as n_positive,
        {{ count_where('is_negative') }} as n_negative,
        {{ count_where('has_reply') }} as n_replied
    from by_grain
    group by grain, grain_value, period_start
)

select
    grain,
    grain_value,
    period_start,
    n_reviews,
    n_rated,
    rating_sum / nullif(n_rated, 0) as rating_mean,
    {{ mean_low('rating_sum', 'rating_sum_of_squares', 'n_rated', 1, 5) }} as rating_mean_ci_low,
    {{ mean_high('rating_sum', 'rating_sum_of_squares', 'n_rated', 1, 5) }} as rating_mean_ci_high,
    n_rating_top2,
    cast(n_rating_top2 as double) / nullif(n_rated, 0) as rating_top2_share,
    {{ wilson_low('n_rating_top2', 'n_rated') }} as rating_top2_share_ci_low,
    {{ wilson_high('n_rating_top2', 'n_rated') }} as rating_top2_share_ci_high,
    n_texts,
    {{ sentiment_columns() }},
    case when reply_info.n_with_reply > 0 then n_replied end as n_replied,
    case when reply_info.n_with_reply > 0 then cast(n_replied as double) / n_reviews end
        as reply_rate,
    case when reply_info.n_with_reply > 0 then {{ wilson_low('n_replied', 'n_reviews') }} end
        as reply_rate_ci_low,
    case when reply_info.n_with_reply > 0 then {{ wilson_high('n_replied', 'n_reviews') }} end
        as reply_rate_ci_high,
    n_rated >= {{ var('min_n_reportable') }} as rating_is_reportable,
    n_with_opinion >= {{ var('min_n_reportable') }} as net_sentiment_is_reportable,
    reply_info.n_with_reply > 0 and n_reviews >= {{ var('min_n_reportable') }}
        as reply_rate_is_reportable,
    {#- every rate of the row reaches the minimum on its own denominator -#}
    least(n_reviews, n_rated, n_with_opinion) >= {{ var('min_n_reportable') }} as is_reportable
from counts
cross join reply_info
