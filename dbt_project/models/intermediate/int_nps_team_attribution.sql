{#- NPS answers carry no interaction, so no team. Each relationship NPS answer is attributed
    to the customer's main team: the team whose agents handled most of the customer's
    contacts in the var('nps_attribution_days') days before the answer (ties: the team of
    the latest of those contacts). Answers without such a contact keep a null team. -#}
{%- set days = var('nps_attribution_days') %}
with nps as (
    select * from {{ ref('int_survey_responses_enriched') }}
    where survey_type = 'nps' and customer_id is not null
),

contacts as (
    select customer_id, team, opened_at
    from {{ ref('int_interactions_enriched') }}
    where team is not null
),

team_counts as (
    select
        nps.response_id,
        contacts.team,
        count(*) as n_contacts,
        max(contacts.opened_at) as last_contact_at
    from nps
    inner join contacts
        on nps.customer_id = contacts.customer_id
        and contacts.opened_at < nps.responded_at
        and contacts.opened_at >= {{ dbt.dateadd('day', -days, 'nps.responded_at') }}
    group by nps.response_id, contacts.team
),

ranked as (
    select
        *,
        row_number() over (
            partition by response_id order by n_contacts desc, last_contact_at desc, team
        ) as team_rank
    from team_counts
)

select
    nps.response_id,
    nps.customer_id,
    nps.responded_at,
    nps.nps_category,
    ranked.team as attributed_team,
    ranked.n_contacts as attributed_contacts
from nps
left join ranked
    on nps.response_id = ranked.response_id
    and ranked.team_rank = 1
