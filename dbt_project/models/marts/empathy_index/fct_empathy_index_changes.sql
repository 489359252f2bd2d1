{#- What moved the index: each published month's change against the previous published
    month, decomposed into component contributions. Every configured component counts in every
    period with its configured weight share, so the contributions (weight share x change of
    the component's score) add up exactly to the index's change. -#}
with index_periods as (
    select period, period_start, previous_period, change, change_is_significant
    from {{ ref('fct_empathy_index') }}
    where previous_period is not null
),

components as (
    select * from {{ ref('fct_empathy_index_components') }}
),

contributions as (
    select
        index_periods.period,
        index_periods.period_start,
        index_periods.previous_period,
        current_component.component,
        current_component.pillar,
        current_component.basis,
        previous_component.basis as previous_basis,
        current_component.score,
        previous_component.score as previous_score,
        current_component.weight_share,
        current_component.contribution - previous_component.contribution as contribution_to_change,
        index_periods.change as index_change,
        index_periods.change_is_significant as index_change_is_significant
    from index_periods
    inner join components as current_component
        on index_periods.period = current_component.period
    inner join components as previous_component
        on index_periods.previous_period = previous_component.period
        and current_component.component = previous_component.component
)

select
    period,
    period_start,
    previous_period,
    component,
    pillar,
    basis,
    previous_basis,
    score,
    previous_score,
    weight_share,
    contribution_to_change,
    index_change,
    index_change_is_significant,
    cast(row_number() over (
        partition by period order by abs(contribution_to_change) desc, component
    ) as {{ dbt.type_bigint() }}) as mover_rank
from contributions
