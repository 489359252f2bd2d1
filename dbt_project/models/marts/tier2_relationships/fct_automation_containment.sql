{#- The bot's conversations (handled_by 'bot', inbound) at every grain: containment rate
    (resolved by the bot without a hand-over), escalation rate (handed over to a person),
    unresolved rate (no resolution, whoever had it last), and the share where the bot
    struggled, from the transcript: the customer asked for a person, the bot said it could not
    help, the customer wrote var('bot_rephrase_turns') or more turns before the bot's last
    turn (rephrasing), or the customer's last turn was more negative than the first. Wilson
    95% intervals; median minutes from opening to resolution of escalated conversations
    (the exports carry no hand-over time stamp). -#}
with conversations as (
    select * from {{ ref('int_service_conversations') }}
    where handled_by = 'bot'
),

by_grain as (
    {{ explode_to_grains('conversations', {
        'overall': none,
        'month': 'opened_date',
        'channel': 'channel',
        'interaction_type': 'interaction_type',
    }) }}
),

counts as (
    select
        grain,
        grain_value,
        period_start,
        count(*) as n_bot_conversations,
        {{ count_where("service_path = 'bot_only' and is_resolved") }} as n_contained,
        {{ count_where("service_path = 'bot_escalated'") }} as n_escalated,
        {{ count_where('not is_resolved') }} as n_unresolved,
        {{ count_where('bot_struggled') }} as n_struggled,
        {{ count_where('asked_for_person') }} as n_asked_for_person,
        {{ count_where('had_bot_failure') }} as n_bot_failure,
        {{ count_where('customer_rephrased') }} as n_rephrased,
        {{ count_where('sentiment_fell') }} as n_sentiment_fell
    from by_grain
    group by grain, grain_value, period_start
),

escalated as (
    select * from by_grain where service_path = 'bot_escalated'
),

escalated_resolution as (
    {{ quantile_summary('escalated', ['grain', 'grain_value'], 'resolution_minutes') }}
)

select
    counts.grain,
    counts.grain_value,
    counts.period_start,
    counts.n_bot_conversations,
    {%- for measure, rate in [
        ('n_contained', 'containment_rate'),
        ('n_escalated', 'escalation_rate'),
        ('n_unresolved', 'unresolved_rate'),
        ('n_struggled', 'struggle_rate'),
    ] %}
    counts.{{ measure }},
    cast(counts.{{ measure }} as double) / counts.n_bot_conversations as {{ rate }},
    {{ wilson_low('counts.' ~ measure, 'counts.n_bot_conversations') }} as {{ rate }}_ci_low,
    {{ wilson_high('counts.' ~ measure, 'counts.n_bot_conversations') }} as {{ rate }}_ci_high,
    {%- endfor %}
    counts.n_asked_for_person,
    counts.n_bot_failure,
    counts.n_rephrased,
    counts.n_sentiment_fell,
    round(escalated_resolution.median_value, 6) as median_escalated_resolution_minutes,
    counts.n_bot_conversations >= {{ var('min_n_reportable') }} as is_reportable
from counts
left join escalated_resolution
    on counts.grain = escalated_resolution.grain
    and counts.grain_value = escalated_resolution.grain_value
