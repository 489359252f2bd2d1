{#- One row per customer who contacted the business inbound through two or more channels:
    the channels, and how different the experience was between them: the range (best channel
    minus worst) of their mean CSAT, of the mean sentiment of their own turns, of the
    resolution rate and of the median first-response minutes, each over the channels where
    the customer has that figure (null when fewer than two channels have it). -#}
with conversations as (
    select * from {{ ref('int_service_conversations') }}
    where customer_id is not null and channel is not null
),

per_channel as (
    select
        customer_id,
        channel,
        count(*) as n_conversations,
        min(opened_at) as first_contact_at,
        sum(n_csat) as n_csat,
        sum(csat_score_sum) / nullif(sum(n_csat), 0) as csat_mean,
        avg(customer_sentiment_score) as customer_sentiment_mean,
        avg(case when is_resolved then 1 else 0 end) as resolution_rate,
        avg(first_response_minutes) as mean_first_response_minutes
    from conversations
    group by customer_id, channel
),

customers as (
    select
        customer_id,
        count(*) as n_channels,
        sum(n_conversations) as n_conversations,
        {{ dbt.listagg('channel', "', '", 'order by channel') }} as channels,
        min(first_contact_at) as first_contact_at,
        max(first_contact_at) as last_channel_first_used_at,
        cast(sum(n_csat) as {{ dbt.type_bigint() }}) as n_csat,
        count(csat_mean) as n_channels_with_csat,
        max(csat_mean) - min(csat_mean) as csat_mean_range,
        count(customer_sentiment_mean) as n_channels_with_sentiment,
        max(customer_sentiment_mean) - min(customer_sentiment_mean) as customer_sentiment_range,
        max(resolution_rate) - min(resolution_rate) as resolution_rate_range,
        count(mean_first_response_minutes) as n_channels_with_response,
        max(mean_first_response_minutes) - min(mean_first_response_minutes) as first_response_minutes_range
    from per_channel
    group by customer_id
)

select
    customer_id,
    cast(n_channels as {{ dbt.type_bigint() }}) as n_channels,
    cast(n_conversations as {{ dbt.type_bigint() }}) as n_conversations,
    channels,
    cast(first_contact_at as date) as first_contact_date,
    n_csat,
    case when n_channels_with_csat >= 2 then round(csat_mean_range, 6) end as csat_mean_range,
    case when n_channels_with_sentiment >= 2 then round(customer_sentiment_range, 6) end
        as customer_sentiment_range,
    round(resolution_rate_range, 6) as resolution_rate_range,
    case when n_channels_with_response >= 2 then round(first_response_minutes_range, 6) end
        as first_response_minutes_range
from customers
where n_channels >= 2
