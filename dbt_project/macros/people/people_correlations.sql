{#- Pearson correlations between people measures and customer outcomes over the rows of
    `relation` (teams or agents): one row per pair with n_units, r and its 95% Fisher-z
    interval, and, per unit of the people measure, the slope of the outcome (ordinary least
    squares) with its 95% normal interval. `people_measures` maps a measure column to the SQL
    condition a unit must meet to count (e.g. its figure is published); `outcomes` maps an
    outcome column to its n column; a unit counts when that n reaches `min_outcome_n`. -#}
{% macro people_correlations(relation, people_measures, outcomes, min_outcome_n) -%}
with pairs as (
    {%- for measure, condition in people_measures.items() %}
    {%- set outer_loop = loop %}
    {%- for outcome, n_column in outcomes.items() %}
    select
        '{{ measure }}' as people_measure,
        '{{ outcome }}' as customer_measure,
        count(*) as n_units,
        corr({{ outcome }}, {{ measure }}) as r,
        covar_samp({{ outcome }}, {{ measure }}) / nullif(var_samp({{ measure }}), 0) as slope,
        stddev_samp({{ outcome }}) / nullif(stddev_samp({{ measure }}), 0) as sd_ratio
    from {{ relation }}
    where {{ measure }} is not null
        and {{ outcome }} is not null
        and {{ n_column }} >= {{ min_outcome_n }}
        and {{ condition }}
    {% if not (outer_loop.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
)

select
    people_measure,
    customer_measure,
    cast(n_units as {{ dbt.type_bigint() }}) as n_units,
    case when n_units >= 3 then r end as r,
    {{ correlation_low('r', 'n_units') }} as r_ci_low,
    {{ correlation_high('r', 'n_units') }} as r_ci_high,
    case when n_units >= 3 then slope end as slope,
    case when n_units >= 4 and abs(r) < 1 then round(slope - {{ z_95() }} * sd_ratio
        * sqrt((1 - r * r) / (n_units - 2.0)), 6) end as slope_ci_low,
    case when n_units >= 4 and abs(r) < 1 then round(slope + {{ z_95() }} * sd_ratio
        * sqrt((1 - r * r) / (n_units - 2.0)), 6) end as slope_ci_high
from pairs
{%- endmacro %}
