{#- Sentiment and emotions of what customers say, at every grain, for four text scopes:
    - customer_texts: every text a customer wrote (reviews, social mentions, survey and exit
      comments) and the customer's own turns of every transcript;
    - service_texts: what customers said about an inbound service contact: the customer's
      turns of its transcript and the comments of the surveys that followed it;
    - customer_turns: the customer's turns of transcripts only (customer_sentiment_score);
    - whole_transcripts: transcripts with both sides, to set the customer's turns apart from
      the agent's or bot's.
    Emotion shares count the texts whose emotions were scored on the scope's own words (none
    for customer turns: the scorer stores emotions per whole text). Team and agent follow the
    CSAT credit rule: conversations a bot answered first and escalated are not credited. -#}
{%- set positive_above = var('sentiment_positive_above') %}
{%- set negative_below = var('sentiment_negative_below') %}
{%- set emotions = ['joy', 'anger', 'sadness', 'fear', 'trust', 'surprise'] %}
with texts as (
    select * from {{ ref('int_texts_scored') }}
),

interactions as (
    select interaction_id, service_path, direction from {{ ref('int_interactions_enriched') }}
),

responses as (
    select response_id, interaction_id from {{ ref('int_survey_responses_enriched') }}
),

contexts as (
    select
        texts.*,
        coalesce(interactions.service_path, linked.service_path) as service_path,
        coalesce(interactions.direction, linked.direction) as direction
    from texts
    left join interactions
        on texts.source_entity = 'interactions'
        and texts.source_id = interactions.interaction_id
    left join responses
        on texts.source_entity = 'survey_responses'
        and texts.source_id = responses.response_id
    left join interactions as linked
        on responses.interaction_id = linked.interaction_id
),

customer_turns as (
    select
        contexts.*,
        customer_sentiment_score is not null as turns_have_opinion,
        case
            when customer_sentiment_score > {{ positive_above }} then 'positive'
            when customer_sentiment_score < {{ negative_below }} then 'negative'
            else 'neutral'
        end as turns_label
    from contexts
    where source_entity = 'interactions' and text_field = 'transcript'
),

scoped as (
    {%- set common = 'text_date, platform, location, channel, interaction_type, topics, service_path' %}
    {%- set credited = "case when service_path = 'bot_escalated' then null else team end as team,
        case when service_path = 'bot_escalated' then null else agent_id end as agent_id,
        handled_by" %}
    select 'customer_texts' as text_scope, false as turn_is_inbound, {{ common }}, {{ credited }},
        has_opinion, sentiment_label, sentiment_score, true as emotion_applies, dominant_emotion
    from contexts
    where text_role = 'customer'
    union all
    select 'service_texts', false, {{ common }}, {{ credited }},
        has_opinion, sentiment_label, sentiment_score, true, dominant_emotion
    from contexts
    where source_entity = 'survey_responses' and direction = 'inbound'
    union all
    {#- The customer's turns count the same in three scopes (customer texts, customer turns,
        and service texts when the contact was inbound): tallied once here, as the pseudo
        scope 'turns', and handed to those scopes per cell below. #}
    select 'turns', coalesce(direction = 'inbound', false), {{ common }}, {{ credited }},
        turns_have_opinion, turns_label, customer_sentiment_score, false, dominant_emotion
    from customer_turns
    union all
    select 'whole_transcripts', false, {{ common }}, {{ credited }},
        has_opinion, sentiment_label, sentiment_score, true, dominant_emotion
    from customer_turns
),

{#- Every grain adds up the same per-text tallies. They are first added up per cell of the
    columns the grains are taken from (1.5M texts -> ~240k cells at 100,000 customers; the team
    and agent grains and the topics get cells of their own), and the grains are then added up
    from the cells: a third of the rows a grain-by-grain repetition of every text reads.
    The customer's turns are tallied once per cell (pseudo scope 'turns') and the cells are
    then copied to the three scopes that count them alike: 1.75M rows into the cells instead
    of 3.1M at 200,000 customers. Counts are the same; sums of scores are the same up to the
    order of the additions. -#}
{%- set counted = [
    ('n_texts', 'true'),
    ('n_with_opinion', 'has_opinion'),
    ('n_positive', "has_opinion and sentiment_label = 'positive'"),
    ('n_negative', "has_opinion and sentiment_label = 'negative'"),
    ('n_emotion_scored', 'emotion_applies'),
    ('n_with_emotion', 'emotion_applies and dominant_emotion is not null'),
] %}
{%- for emotion in emotions %}
    {%- do counted.append(('n_' ~ emotion, "emotion_applies and dominant_emotion = '" ~ emotion ~ "'")) %}
{%- endfor %}
{%- set summed = [
    ('sentiment_sum', 'case when has_opinion then sentiment_score end'),
    ('sentiment_sum_of_squares', 'case when has_opinion then sentiment_score * sentiment_score end'),
] %}
{%- set cell_keys = {
    'cells': ['text_date', 'platform', 'location', 'channel', 'interaction_type', 'handled_by', 'service_path'],
    'credited_cells': ['team', 'agent_id'],
    'topic_cells': ['topics'],
} %}
{%- set tally_columns = (counted + summed) | map(attribute=0) | list %}
{%- set tally_names = tally_columns | join(', ') %}

turn_copies as (
    {#- the scopes that count the customer's turns: the turns' cells are copied to each (to
        service_texts only when the contact was inbound), one read of the cells for the three -#}
    select 'customer_texts' as text_scope, false as inbound_only
    union all select 'customer_turns', false
    union all select 'service_texts', true
),
{%- for cell, keys in cell_keys.items() %}

{{ cell }}_tallied as (
    select
        text_scope,
        turn_is_inbound,
        {{ keys | join(', ') }},
        {%- for name, condition in counted %}
        {{ count_where(condition) }} as {{ name }},
        {%- endfor %}
        {%- for name, expression in summed %}
        sum({{ expression }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from scoped
    group by text_scope, turn_is_inbound, {{ keys | join(', ') }}
),

{{ cell }} as (
    select text_scope, {{ keys | join(', ') }}, {{ tally_names }}
    from {{ cell }}_tallied
    where text_scope <> 'turns'
    union all
    select
        copies.text_scope,
        {%- for column in keys + tally_columns %}
        tallied.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ cell }}_tallied as tallied
    inner join turn_copies as copies
        on tallied.turn_is_inbound or not copies.inbound_only
    where tallied.text_scope = 'turns'
),
{%- endfor %}

with_topic as (
    {{ unnest_list('topic_cells', 'topics', 'topic', 'no_topic') }}
),

{%- set tallies = 'text_scope, ' ~ tally_names %}

by_grain as (
    select grain, grain_value, period_start, {{ tallies }}
    from (
        {{ explode_to_grains('cells', {
            'overall': none,
            'month': 'text_date',
            'quarter': 'text_date',
            'weekday': 'text_date',
            'channel': 'channel',
            'interaction_type': 'interaction_type',
            'handled_by': 'handled_by',
            'service_path': 'service_path',
            'platform': 'platform',
            'location': 'location',
        }) }}
    ) as exploded
    union all
    select grain, grain_value, period_start, {{ tallies }}
    from (
        {{ explode_to_grains('credited_cells', {'team': 'team', 'agent': 'agent_id'}) }}
    ) as exploded_credited
    union all
    select grain, grain_value, period_start, {{ tallies }}
    from (
        {{ explode_to_grains('with_topic', {'topic': 'topic'}) }}
    ) as exploded_topics
),

counts as (
    select
        text_scope,
        grain,
        grain_value,
        period_start,
        {%- for name, condition in counted %}
        cast(sum({{ name }}) as {{ dbt.type_bigint() }}) as {{ name }},
        {%- endfor %}
        {%- for name, expression in summed %}
        sum({{ name }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from by_grain
    where not (grain = 'platform' and grain_value = 'unknown' and text_scope <> 'customer_texts')
    group by text_scope, grain, grain_value, period_start
),

with_rest as (
    {#- the rest: the scope's overall row (one per scope) less the row, taken by a window over
        the scope rather than a join of the counts with themselves (one read of the counts) -#}
    select
        counts.*,
        {%- for name in ['n_with_opinion', 'n_negative'] %}
        case when counts.grain not in ('overall', 'month', 'quarter', 'weekday') then
            cast(sum(case when counts.grain = 'overall' then counts.{{ name }} end)
                over (partition by counts.text_scope) as {{ dbt.type_bigint() }}) - counts.{{ name }}
        end as rest_{{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from counts
),

contrasted as (
    select
        *,
        cast(n_negative as double) / nullif(n_with_opinion, 0)
            - cast(rest_n_negative as double) / nullif(rest_n_with_opinion, 0) as negative_share_vs_rest,
        sqrt(
            (cast(n_negative as double) / nullif(n_with_opinion, 0))
                * (1 - cast(n_negative as double) / nullif(n_with_opinion, 0)) / nullif(n_with_opinion, 0)
            + (cast(rest_n_negative as double) / nullif(rest_n_with_opinion, 0))
                * (1 - cast(rest_n_negative as double) / nullif(rest_n_with_opinion, 0))
                / nullif(rest_n_with_opinion, 0)
        ) as negative_share_vs_rest_se
    from with_rest
)

select
    text_scope,
    grain,
    grain_value,
    period_start,
    n_texts,
    {{ sentiment_columns() }},
    sentiment_sum / nullif(n_with_opinion, 0) as mean_sentiment,
    {{ mean_low('sentiment_sum', 'sentiment_sum_of_squares', 'n_with_opinion', -1, 1) }} as mean_sentiment_ci_low,
    {{ mean_high('sentiment_sum', 'sentiment_sum_of_squares', 'n_with_opinion', -1, 1) }} as mean_sentiment_ci_high,
    n_emotion_scored,
    n_with_emotion,
    cast(n_with_emotion as double) / nullif(n_emotion_scored, 0) as emotion_share,
    {%- for emotion in emotions %}
    n_{{ emotion }},
    cast(n_{{ emotion }} as double) / nullif(n_emotion_scored, 0) as {{ emotion }}_share,
    {{ wilson_low('n_' ~ emotion, 'n_emotion_scored') }} as {{ emotion }}_share_ci_low,
    {{ wilson_high('n_' ~ emotion, 'n_emotion_scored') }} as {{ emotion }}_share_ci_high,
    {%- endfor %}
    rest_n_with_opinion,
    rest_n_negative,
    round(negative_share_vs_rest, 6) as negative_share_vs_rest,
    round(negative_share_vs_rest - {{ z_95() }} * negative_share_vs_rest_se, 6) as negative_share_vs_rest_ci_low,
    round(negative_share_vs_rest + {{ z_95() }} * negative_share_vs_rest_se, 6) as negative_share_vs_rest_ci_high,
    n_with_opinion >= {{ var('min_n_reportable') }} as is_reportable
from contrasted
