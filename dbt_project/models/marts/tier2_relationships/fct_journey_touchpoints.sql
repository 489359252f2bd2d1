{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='append_new_columns',
    pre_hook="{{ journey_delete_rebuilt() }}",
) }}

{#- The journey fact: one row per customer touchpoint, numbered in time order, with the gap
    since the customer's previous touchpoint, the service episode it belongs to, and its
    customer sentiment and empathy cues against the journey's own average.

    Incremental by customer: a run rebuilds the whole journey of every customer with a row
    from a newer export (`_ingest_seq`) or a newer text score than this table holds, and of
    any customer who held one of those touchpoints before (a survey re-linked to another
    customer), and leaves every other journey as it is. Order, gaps and episodes depend only
    on the customer's own touchpoints, so a full refresh gives the same rows. The changed
    customers (int_journey_changed_customers, found in the staging tables) are pushed into
    every source of the touchpoints, so a daily run costs what its customers cost, and their
    rows are deleted first, so a customer left with no touchpoint keeps none (issue 11). -#}
{%- set episode_gap_seconds = var('journey_episode_gap_days') * 86400 %}
{#- The view int_journey_touchpoints is not evaluated whole on an incremental run: its body
    (journey_touchpoints()) is read with the changed customers pushed into every source. -#}
-- depends_on: {{ ref('int_journey_touchpoints') }}
{#- Read only on incremental runs: declared at parse time (not in unit tests, which
    give no input for them). -#}
{%- if not execute %}
-- depends_on: {{ ref('int_journey_changed_customers') }}
-- depends_on: {{ ref('int_journey_observation_previous') }}
-- depends_on: {{ ref('stg_crm__orders') }}
-- depends_on: {{ ref('stg_crm__interactions') }}
-- depends_on: {{ ref('stg_surveys__survey_responses') }}
-- depends_on: {{ ref('stg_reviews__reviews') }}
-- depends_on: {{ ref('stg_reviews__social_mentions') }}
-- depends_on: {{ ref('stg_surveys__exit_surveys') }}
-- depends_on: {{ ref('stg_crm__cancellations') }}
-- depends_on: {{ ref('stg_enrichment__text_occurrences') }}
-- depends_on: {{ ref('stg_enrichment__text_scores') }}
{%- endif %}
with
{% if is_incremental() %}
touchpoints as (
    {{ journey_touchpoints(customers=ref('int_journey_changed_customers')) | indent(4) }}
),
{% else %}
touchpoints as (
    select * from {{ ref('int_journey_touchpoints') }}
),
{% endif %}

ordered as (
    select
        *,
        source = 'interactions' and direction = 'inbound' as is_inbound_contact,
        row_number() over (
            partition by customer_id order by touchpoint_at, source_rank, source_id
        ) as touchpoint_number
    from touchpoints
),

with_previous as (
    select
        *,
        lag(touchpoint_kind) over (
            partition by customer_id order by touchpoint_number
        ) as previous_touchpoint_kind,
        lag(touchpoint_at) over (
            partition by customer_id order by touchpoint_number
        ) as previous_touchpoint_at
    from ordered
),

contacts as (
    select
        touchpoint_id,
        customer_id,
        source_id,
        touchpoint_number,
        touchpoint_at,
        lag(touchpoint_at) over (
            partition by customer_id order by touchpoint_number
        ) as previous_contact_at
    from ordered
    where is_inbound_contact
),

{#- An episode: inbound contacts of one customer, each opened within
    var('journey_episode_gap_days') of the one before; a longer silence starts a new one. -#}
contact_episodes as (
    select
        touchpoint_id,
        customer_id,
        source_id,
        sum(case
            when previous_contact_at is null then 1
            when {{ dbt.datediff('previous_contact_at', 'touchpoint_at', 'second') }}
                > {{ episode_gap_seconds }} then 1
            else 0
        end) over (
            partition by customer_id order by touchpoint_number
            rows between unbounded preceding and current row
        ) as episode_number
    from contacts
),

with_episodes as (
    select
        with_previous.*,
        coalesce(own_episode.episode_number, linked_episode.episode_number) as episode_number,
        case
            when with_previous.empathy_positive_cues is not null
                then with_previous.empathy_positive_cues - with_previous.empathy_negative_cues
        end as empathy_cue_balance
    from with_previous
    left join contact_episodes as own_episode
        on with_previous.touchpoint_id = own_episode.touchpoint_id
    left join contact_episodes as linked_episode
        on with_previous.source = 'survey_responses'
        and with_previous.linked_interaction_id = linked_episode.source_id
        and with_previous.customer_id = linked_episode.customer_id
),

with_journey_means as (
    select
        *,
        avg(customer_sentiment) over (partition by customer_id) as journey_mean_sentiment,
        avg(cast(empathy_cue_balance as double)) over (
            partition by customer_id
        ) as journey_mean_cue_balance
    from with_episodes
)

select
    touchpoint_id,
    customer_id,
    cast(touchpoint_number as {{ dbt.type_int() }}) as touchpoint_number,
    touchpoint_at,
    cast(touchpoint_at as date) as touchpoint_date,
    source,
    source_id,
    touchpoint_kind,
    channel,
    is_inbound_contact,
    direction,
    interaction_type,
    handled_by,
    is_escalated,
    is_resolved,
    survey_type,
    survey_score,
    linked_interaction_id,
    order_amount,
    cast(episode_number as {{ dbt.type_int() }}) as episode_number,
    previous_touchpoint_kind,
    cast({{ dbt.datediff('previous_touchpoint_at', 'touchpoint_at', 'second') }} as double)
        / 3600 as hours_since_previous,
    customer_sentiment,
    case
        when customer_sentiment > {{ var('journey_positive_sentiment_above') }} then 'positive'
        when customer_sentiment < {{ var('journey_negative_sentiment_below') }} then 'negative'
        when customer_sentiment is not null then 'neutral'
    end as sentiment_label,
    journey_mean_sentiment,
    customer_sentiment - journey_mean_sentiment as sentiment_gap_vs_journey,
    cast(empathy_positive_cues as {{ dbt.type_int() }}) as empathy_positive_cues,
    cast(empathy_negative_cues as {{ dbt.type_int() }}) as empathy_negative_cues,
    cast(empathy_cue_balance as {{ dbt.type_int() }}) as empathy_cue_balance,
    journey_mean_cue_balance,
    empathy_cue_balance - journey_mean_cue_balance as empathy_cue_gap_vs_journey,
    cast(source_ingest_seq as {{ dbt.type_bigint() }}) as source_ingest_seq,
    text_scored_at
from with_journey_means
