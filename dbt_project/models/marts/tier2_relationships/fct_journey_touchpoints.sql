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
{%- set journey_order = 'partition by customer_id order by touchpoint_at, source_rank, source_id' %}
{%- set is_inbound_contact = "source = 'interactions' and direction = 'inbound'" %}
with

{#- Read twice, narrow for the journey's order and wide for the row: not held whole as a
    common table expression (spilled to disk at 200k). -#}
{% if is_incremental() %}
touchpoints as {{ inline_cte() }} (
    {{ journey_touchpoints(customers=ref('int_journey_changed_customers')) | indent(4) }}
),
{% else %}
touchpoints as {{ inline_cte() }} (
    select * from {{ ref('int_journey_touchpoints') }}
),
{% endif %}

{#- One pass in journey order over the columns it needs: number, previous touchpoint, the
    previous inbound contact (the latest one before this row) and the journey's means. The
    means sum in that order over the whole journey, so they are the same to the last bit on
    every run (an unordered mean sums in whatever order the threads deliver). -#}
journey as (
    select
        touchpoint_id,
        customer_id,
        source_id,
        touchpoint_at,
        {{ is_inbound_contact }} as is_inbound_contact,
        row_number() over ({{ journey_order }}) as touchpoint_number,
        lag(touchpoint_kind) over ({{ journey_order }}) as previous_touchpoint_kind,
        lag(touchpoint_at) over ({{ journey_order }}) as previous_touchpoint_at,
        max(case when {{ is_inbound_contact }} then touchpoint_at end) over (
            {{ journey_order }}
            rows between unbounded preceding and 1 preceding
        ) as previous_contact_at,
        avg(customer_sentiment) over (
            {{ journey_order }}
            rows between unbounded preceding and unbounded following
        ) as journey_mean_sentiment,
        avg(cast(empathy_positive_cues - empathy_negative_cues as double)) over (
            {{ journey_order }}
            rows between unbounded preceding and unbounded following
        ) as journey_mean_cue_balance
    from touchpoints
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
    from journey
    where is_inbound_contact
),

with_episodes as (
    select
        touchpoints.*,
        journey.is_inbound_contact,
        journey.touchpoint_number,
        journey.previous_touchpoint_kind,
        journey.previous_touchpoint_at,
        journey.journey_mean_sentiment,
        journey.journey_mean_cue_balance,
        touchpoints.empathy_positive_cues - touchpoints.empathy_negative_cues
            as empathy_cue_balance,
        coalesce(own_episode.episode_number, linked_episode.episode_number) as episode_number
    from touchpoints
    inner join journey
        on touchpoints.touchpoint_id = journey.touchpoint_id
    left join contact_episodes as own_episode
        on touchpoints.touchpoint_id = own_episode.touchpoint_id
    left join contact_episodes as linked_episode
        on touchpoints.source = 'survey_responses'
        and touchpoints.linked_interaction_id = linked_episode.source_id
        and touchpoints.customer_id = linked_episode.customer_id
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
from with_episodes
