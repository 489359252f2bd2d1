{#- Build-time validation of seeds/empathy_index_components.csv: every one of the index's
    five pillars has at least one component with a positive weight, so coverage counts every
    pillar and none can silently drop out of the index. Returns the pillars without one. -#}
with pillars as (
    select 'customer_feeling' as pillar
    union all select 'voice_of_the_customer'
    union all select 'relationship_outcomes'
    union all select 'service_delivery'
    union all select 'people'
),

configured as (
    select distinct pillar
    from {{ ref('empathy_index_components') }}
    where weight > 0
)

select pillars.pillar
from pillars
left join configured
    on pillars.pillar = configured.pillar
where configured.pillar is null
