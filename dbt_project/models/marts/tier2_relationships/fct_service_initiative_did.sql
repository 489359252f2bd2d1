{#- Before/after each initiative of the HR trainings export, difference-in-differences of
    the trained teams against the untrained ones, for two outcomes of the conversations that
    people handled from the start (service path human_only; the team of their agent):
    - closing_turn_positive_share: share of transcripts whose last customer turn is positive
      (cue-based turn sentiment of int_conversation_turns): how the customer left, which the
      problem described in the opening turn does not blur;
    - customer_positive_share: share positive of all the customer's turns of the transcript
      by the text scorer (among transcripts whose customer turns carry an opinion word);
    - csat_top2_share: CSAT answers of 4-5 among the answers about those conversations.
    Before = opened before the initiative's start date, after = on or after it. DiD = (trained
    after - trained before) - (untrained after - untrained before), with a 95% Wald interval
    from the four independent cells. "insufficient_data" with the reason when the design
    cannot support an estimate: the initiative covers every team (no comparison group), or a
    cell has fewer than var('min_n_reportable') observations. -#}
{%- set min_n = var('min_n_reportable') %}
with initiatives as (
    select
        initiative_id,
        initiative_name,
        kind,
        started_at,
        ended_at,
        teams,
        lower(trim(teams)) in ('all', '*', '') as covers_everyone,
        {{ dbt.concat(["';'", "replace(replace(teams, '; ', ';'), ' ;', ';')", "';'"]) }} as team_list
    from {{ ref('stg_hr__trainings') }}
    where started_at is not null
),

conversations as (
    select * from {{ ref('int_service_conversations') }}
    where service_path = 'human_only' and team is not null
),

cells as (
    select
        initiatives.initiative_id,
        initiatives.covers_everyone
            or {{ dbt.position(dbt.concat(["';'", 'conversations.team', "';'"]), 'initiatives.team_list') }} > 0
            as is_trained,
        conversations.opened_date >= initiatives.started_at as is_after,
        conversations.team,
        conversations.customer_sentiment_label,
        conversations.n_customer_turns,
        conversations.last_customer_turn_sentiment,
        conversations.n_csat,
        conversations.n_csat_top2
    from initiatives
    cross join conversations
),

outcomes as (
    select
        initiative_id, is_trained, is_after, team,
        'customer_positive_share' as metric,
        {{ count_where('customer_sentiment_label is not null') }} as n,
        {{ count_where("customer_sentiment_label = 'positive'") }} as successes
    from cells
    group by initiative_id, is_trained, is_after, team
    union all
    select
        initiative_id, is_trained, is_after, team,
        'closing_turn_positive_share',
        {{ count_where('n_customer_turns > 0') }},
        {{ count_where('n_customer_turns > 0 and last_customer_turn_sentiment > 0') }}
    from cells
    group by initiative_id, is_trained, is_after, team
    union all
    select
        initiative_id, is_trained, is_after, team,
        'csat_top2_share',
        cast(sum(n_csat) as {{ dbt.type_bigint() }}),
        cast(sum(n_csat_top2) as {{ dbt.type_bigint() }})
    from cells
    group by initiative_id, is_trained, is_after, team
),

metrics as (
    select 'customer_positive_share' as metric
    union all
    select 'closing_turn_positive_share'
    union all
    select 'csat_top2_share'
),

pivoted as (
    select
        initiatives.initiative_id,
        metrics.metric,
        count(distinct case when outcomes.is_trained then outcomes.team end) as n_trained_teams,
        count(distinct case when not outcomes.is_trained then outcomes.team end) as n_untrained_teams,
        {%- for group, trained in [('trained', 'outcomes.is_trained'), ('untrained', 'not outcomes.is_trained')] %}
        {%- for period, after in [('before', 'not outcomes.is_after'), ('after', 'outcomes.is_after')] %}
        cast(coalesce(sum(case when {{ trained }} and {{ after }} then outcomes.n end), 0)
            as {{ dbt.type_bigint() }}) as n_{{ group }}_{{ period }},
        cast(coalesce(sum(case when {{ trained }} and {{ after }} then outcomes.successes end), 0)
            as {{ dbt.type_bigint() }}) as successes_{{ group }}_{{ period }}
        {%- if not (group == 'untrained' and period == 'after') %},{% endif %}
        {%- endfor %}
        {%- endfor %}
    from initiatives
    cross join metrics
    left join outcomes
        on initiatives.initiative_id = outcomes.initiative_id
        and metrics.metric = outcomes.metric
    group by initiatives.initiative_id, metrics.metric
),

shares as (
    select
        *,
        {%- for cell in ['trained_before', 'trained_after', 'untrained_before', 'untrained_after'] %}
        cast(successes_{{ cell }} as double) / nullif(n_{{ cell }}, 0) as share_{{ cell }},
        {%- endfor %}
        case
            when n_untrained_teams = 0 then 'every team took part: no untrained comparison group'
            when n_trained_teams = 0 then 'no conversation of a trained team'
            when least(n_trained_before, n_trained_after, n_untrained_before, n_untrained_after) < {{ min_n }}
                then 'a group has fewer than {{ min_n }} observations before or after the start'
        end as insufficient_reason
    from pivoted
),

estimated as (
    select
        *,
        (share_trained_after - share_trained_before) as trained_lift,
        (share_untrained_after - share_untrained_before) as untrained_lift,
        (share_trained_after - share_trained_before) - (share_untrained_after - share_untrained_before)
            as did,
        sqrt(
            {%- for cell in ['trained_before', 'trained_after', 'untrained_before', 'untrained_after'] %}
            share_{{ cell }} * (1 - share_{{ cell }}) / nullif(n_{{ cell }}, 0)
            {%- if not loop.last %} +{% endif %}
            {%- endfor %}
        ) as did_se
    from shares
)

select
    estimated.initiative_id,
    initiatives.initiative_name,
    initiatives.kind,
    initiatives.started_at,
    initiatives.teams,
    estimated.metric,
    cast(estimated.n_trained_teams as {{ dbt.type_bigint() }}) as n_trained_teams,
    cast(estimated.n_untrained_teams as {{ dbt.type_bigint() }}) as n_untrained_teams,
    {%- for cell in ['trained_before', 'trained_after', 'untrained_before', 'untrained_after'] %}
    estimated.n_{{ cell }},
    estimated.successes_{{ cell }},
    estimated.share_{{ cell }},
    {%- endfor %}
    case when insufficient_reason is null then round(trained_lift, 6) end as trained_lift,
    case when insufficient_reason is null then round(untrained_lift, 6) end as untrained_lift,
    case when insufficient_reason is null then round(did, 6) end as difference_in_differences,
    case when insufficient_reason is null then round(did - {{ z_95() }} * did_se, 6) end
        as difference_in_differences_ci_low,
    case when insufficient_reason is null then round(did + {{ z_95() }} * did_se, 6) end
        as difference_in_differences_ci_high,
    case when insufficient_reason is null and did_se > 0 then
        round({{ normal_two_sided_p('(did / did_se)') }}, 6)
    end as p_value,
    case when insufficient_reason is null then 'estimated' else 'insufficient_data' end as status,
    estimated.insufficient_reason
from estimated
inner join initiatives
    on estimated.initiative_id = initiatives.initiative_id
