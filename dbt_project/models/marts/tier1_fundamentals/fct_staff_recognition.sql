{#- Staff named in customer texts: how often each agent (pseudonym) was praised, how often
    named in a negative text, and a few masked example quotes. A recognition list for managers. -#}
with customer_texts as (
    select * from {{ ref('int_texts_scored') }}
    where text_role = 'customer'
),

mentions as (
    {{ unnest_list('customer_texts', 'staff_mentions', 'mentioned_agent_id') }}
),

agents as (
    select * from {{ ref('int_agents') }}
),

classified as (
    select
        mentioned_agent_id as agent_key,
        source_entity,
        source_id,
        text_field,
        text_date,
        masked_text,
        sentiment_score,
        has_opinion and sentiment_label = 'positive' as is_praise,
        has_opinion and sentiment_label = 'negative' as is_negative
    from mentions
),

examples as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by agent_key
                order by
                    sentiment_score desc, text_date desc nulls last,
                    source_entity, source_id, text_field
            ) as example_rank
        from classified
        where is_praise
    ) as ranked
    where example_rank <= {{ var('recognition_examples') }}
),

example_lists as (
    select
        agent_key,
        {{ dbt.listagg('masked_text', "' | '", 'order by example_rank') }} as example_verbatims
    from examples
    group by agent_key
),

counts as (
    select
        agent_key,
        count(*) as n_mentions,
        {{ count_where('is_praise') }} as praise_count,
        {{ count_where('is_negative') }} as negative_mentions,
        max(text_date) as last_mentioned_on
    from classified
    group by agent_key
)

select
    counts.agent_key,
    coalesce(agents.team, 'unknown') as team,
    counts.n_mentions,
    counts.praise_count,
    counts.negative_mentions,
    cast(counts.praise_count as double) / counts.n_mentions as praise_share,
    counts.last_mentioned_on,
    example_lists.example_verbatims,
    cast(row_number() over (
        order by counts.praise_count desc, counts.negative_mentions, counts.agent_key
    ) as {{ dbt.type_bigint() }}) as recognition_rank
from counts
left join agents
    on counts.agent_key = agents.agent_id
left join example_lists
    on counts.agent_key = example_lists.agent_key
