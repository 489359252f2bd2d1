{#- Quantiles of a group from ranked rows: `value` ranked 1..n (`rank_column`, ascending,
    nulls left out) within the group, `n_column` the group's number of values. Used inside an
    aggregate over the group's rows.

    ranked_quantile: linear interpolation between order statistics (h = (n - 1) * q; the
    "type 7" definition of R, numpy and SQL percentile_cont), so q = 0.5 is the usual median.

    ranked_median_bound: the distribution-free 95% interval of the median from order
    statistics (Conover 1999): ranks floor(n/2 - z*sqrt(n)/2) and ceil(n/2 + 1 + z*sqrt(n)/2),
    clamped to 1..n. -#}
{% macro ranked_quantile(value, rank_column, n_column, q) -%}
{%- set h = '((' ~ n_column ~ ' - 1) * ' ~ q ~ ')' -%}
case when max({{ n_column }}) > 0 then sum(case
    when {{ rank_column }} = floor({{ h }}) + 1 then {{ value }} * (1 - ({{ h }} - floor({{ h }})))
    when {{ rank_column }} = floor({{ h }}) + 2 then {{ value }} * ({{ h }} - floor({{ h }}))
    else 0
end) end
{%- endmacro %}

{% macro ranked_median_bound(value, rank_column, n_column, side) -%}
{%- set half_width = z_95() ~ ' * sqrt(' ~ n_column ~ ') / 2.0' -%}
max(case when {{ rank_column }} = {% if side == 'low' -%}
    greatest(1, floor({{ n_column }} / 2.0 - {{ half_width }}))
{%- else -%}
    least({{ n_column }}, ceil({{ n_column }} / 2.0 + 1 + {{ half_width }}))
{%- endif %} then {{ value }} end)
{%- endmacro %}

{#- Median (with its 95% interval) and 90th percentile of `value_column` per group of
    `group_columns` of `relation`, rows with a null value left out: a select statement with
    the group columns, median_value, median_value_ci_low, median_value_ci_high, p90_value.
    Window functions rank the rows, so DuckDB can spill the sort to disk under its memory
    limit (a sorted `list()` per group was faster and could not: DECISIONLOG.md, "Faster
    service aggregates"). -#}
{% macro quantile_summary(relation, group_columns, value_column) -%}
{%- set groups = group_columns | join(', ') -%}
select
    {{ groups }},
    {{ ranked_quantile('quantile_value', 'value_rank', 'n_values', 0.5) }} as median_value,
    {{ ranked_median_bound('quantile_value', 'value_rank', 'n_values', 'low') }} as median_value_ci_low,
    {{ ranked_median_bound('quantile_value', 'value_rank', 'n_values', 'high') }} as median_value_ci_high,
    {{ ranked_quantile('quantile_value', 'value_rank', 'n_values', 0.9) }} as p90_value
from (
    select
        {{ groups }},
        {{ value_column }} as quantile_value,
        row_number() over (partition by {{ groups }} order by {{ value_column }}) as value_rank,
        count(*) over (partition by {{ groups }}) as n_values
    from {{ relation }}
    where {{ value_column }} is not null
) as ranked
group by {{ groups }}
{%- endmacro %}
