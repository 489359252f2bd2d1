{#- The customers whose journey an incremental run rebuilds (issue 11): every customer named
    by a journey source row of an export newer than the journey fact holds (`_ingest_seq`),
    every customer with a touchpoint whose text was scored after the newest score it holds,
    and every customer who held one of those touchpoints before (a row re-exported under
    another customer). Read from the staging tables filtered on `_ingest_seq` and from the
    fact as this run found it (it runs before the fact), never from every touchpoint. Empty
    on a first build or a full refresh, which rebuild every journey. -#}
-- depends_on: {{ ref('stg_crm__orders') }}
-- depends_on: {{ ref('stg_crm__interactions') }}
-- depends_on: {{ ref('stg_surveys__survey_responses') }}
-- depends_on: {{ ref('stg_reviews__reviews') }}
-- depends_on: {{ ref('stg_reviews__social_mentions') }}
-- depends_on: {{ ref('stg_surveys__exit_surveys') }}
-- depends_on: {{ ref('stg_crm__cancellations') }}
-- depends_on: {{ source('enrichment', 'text_occurrences') }}
-- depends_on: {{ source('enrichment', 'text_scores') }}
{%- set previous = journey_previous_state('fct_journey_touchpoints') %}
{%- if previous is not none %}
with held as (
    select
        coalesce(max(source_ingest_seq), -1) as max_ingest_seq,
        max(text_scored_at) as max_text_scored_at
    from {{ previous }}
),

{#- A survey answer takes the customer of its interaction when it names none, so a newer
    interaction counts for it too. Cancellations are keyed by customer: no other holder. -#}
new_rows as (
    select 'orders' as source, order_id as source_id, customer_id
    from {{ ref('stg_crm__orders') }}
    where _ingest_seq > (select max_ingest_seq from held)
    union all
    select 'interactions', interaction_id, customer_id
    from {{ ref('stg_crm__interactions') }}
    where _ingest_seq > (select max_ingest_seq from held)
    union all
    select
        'survey_responses',
        survey_responses.response_id,
        coalesce(survey_responses.customer_id, interactions.customer_id)
    from {{ ref('stg_surveys__survey_responses') }} as survey_responses
    left join {{ ref('stg_crm__interactions') }} as interactions
        on survey_responses.interaction_id = interactions.interaction_id
    where survey_responses._ingest_seq > (select max_ingest_seq from held)
        or interactions._ingest_seq > (select max_ingest_seq from held)
    union all
    select 'reviews', review_id, customer_id
    from {{ ref('stg_reviews__reviews') }}
    where _ingest_seq > (select max_ingest_seq from held)
    union all
    select 'social_mentions', mention_id, customer_id
    from {{ ref('stg_reviews__social_mentions') }}
    where _ingest_seq > (select max_ingest_seq from held)
    union all
    select 'exit_surveys', response_id, customer_id
    from {{ ref('stg_surveys__exit_surveys') }}
    where _ingest_seq > (select max_ingest_seq from held)
    union all
    select 'cancellations', cast(null as {{ dbt.type_string() }}), customer_id
    from {{ ref('stg_crm__cancellations') }}
    where _ingest_seq > (select max_ingest_seq from held)
),

{#- Texts scored after the newest score the fact holds: their rows are touchpoints held
    already (a row not held yet comes from a newer export). Read from the raw enrichment
    tables, not the deduplicating staging views: a hash with a scoring after the mark is
    exactly a hash whose latest scoring is after it, and every current occurrence is a raw
    one (older ones at worst rebuild a customer needlessly). -#}
rescored as (
    select distinct
        cast(occurrences.source_entity as {{ dbt.type_string() }}) as source,
        cast(occurrences.source_id as {{ dbt.type_string() }}) as source_id
    from {{ source('enrichment', 'text_occurrences') }} as occurrences
    inner join {{ source('enrichment', 'text_scores') }} as scores
        on occurrences.text_hash = scores.text_hash
    cross join held
    where scores.scored_at > held.max_text_scored_at
        or (scores.scored_at is not null and held.max_text_scored_at is null)
),

changed_keys as (
    select source, source_id from new_rows
    union
    select source, source_id from rescored
)

select customer_id
from new_rows
where customer_id is not null
union
select held_rows.customer_id
from {{ previous }} as held_rows
inner join changed_keys
    on held_rows.source = changed_keys.source
    and held_rows.source_id = changed_keys.source_id
{%- else %}
select cast(null as {{ dbt.type_string() }}) as customer_id
from {{ ref('stg_crm__orders') }}
where 1 = 0
{%- endif %}
