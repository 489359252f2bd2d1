{#- Build-time validation of seeds/kpi_targets.csv: a KPI's target must be better than its
    amber threshold in its direction, or the green/amber/red bands and the index's scoring
    (score_against_target) would be meaningless. Returns the offending rows. -#}
select kpi, direction, target, amber_threshold
from {{ ref('kpi_targets') }}
where (direction = 'higher_is_better' and target <= amber_threshold)
    or (direction = 'lower_is_better' and target >= amber_threshold)
