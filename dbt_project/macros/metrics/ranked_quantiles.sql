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

    Exact order statistics in two levels, without sorting every row (DECISIONLOG.md, "Faster
    service aggregates"):
    1. every value falls in a bucket of a monotone function of it (quantile_value_bucket:
       about 1% wide in relative terms), and the rows are counted per group and bucket (a
       hash aggregate);
    2. the buckets' running counts tell in which bucket each wanted rank lies (the six ranks
       ranked_quantile and ranked_median_bound read) and its rank inside that bucket;
    3. only the rows of those buckets are ranked (row_number over group and bucket), and the
       values at the wanted ranks go through ranked_quantile and ranked_median_bound as if
       every row had been ranked: the same figures, bit for bit.
    Every step is a hash aggregate, a hash join or a window sort, which DuckDB spills to disk
    under its memory limit (a sorted `list()` per group cannot: tests/test_quantile_summary.py).
    A null group value is a group of its own, as in a GROUP BY. -#}
{% macro quantile_summary(relation, group_columns, value_column) -%}
{%- set groups = group_columns | join(', ') -%}
{%- set bucket = quantile_value_bucket(value_column) -%}
{%- set n = 'groups.n_values' -%}
{%- set h50 = '((' ~ n ~ ' - 1) * 0.5)' -%}
{%- set h90 = '((' ~ n ~ ' - 1) * 0.9)' -%}
{%- set half_width = z_95() ~ ' * sqrt(' ~ n ~ ') / 2.0' -%}
{%- set wanted_ranks = [
    'floor(' ~ h50 ~ ') + 1',
    'floor(' ~ h50 ~ ') + 2',
    'floor(' ~ h90 ~ ') + 1',
    'floor(' ~ h90 ~ ') + 2',
    'greatest(1, floor(' ~ n ~ ' / 2.0 - ' ~ half_width ~ '))',
    'least(' ~ n ~ ', ceil(' ~ n ~ ' / 2.0 + 1 + ' ~ half_width ~ '))',
] -%}
with quantile_buckets as (
    select {{ groups }}, {{ bucket }} as value_bucket, count(*) as n_bucket_values
    from {{ relation }}
    where {{ value_column }} is not null
    group by {{ groups }}, {{ bucket }}
),

quantile_cumulative as (
    select
        {{ groups }},
        value_bucket,
        n_bucket_values,
        cast(sum(n_bucket_values) over (
            partition by {{ groups }} order by value_bucket
            rows between unbounded preceding and current row
        ) - n_bucket_values as bigint) as n_before,
        cast(sum(n_bucket_values) over (partition by {{ groups }}) as bigint) as n_values
    from quantile_buckets
),

quantile_wanted as (
    {#- distinct: the same rank wanted twice is read once (ranked_quantile adds up) -#}
    select distinct
        {% for column in group_columns %}groups.{{ column }}, {% endfor %}
        groups.n_values,
        cast(case wanted.rank_slot
            {%- for rank in wanted_ranks %}
            {% if loop.last %}else{% else %}when {{ loop.index }} then{% endif %} {{ rank }}
            {%- endfor %}
        end as bigint) as value_rank
    from (select distinct {{ groups }}, n_values from quantile_cumulative) as groups
    cross join (
        {%- for rank in wanted_ranks %}
        select {{ loop.index }} as rank_slot{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as wanted
),

quantile_targets as (
    select
        {% for column in group_columns %}wanted.{{ column }}, {% endfor %}
        wanted.n_values,
        wanted.value_rank,
        buckets.value_bucket,
        wanted.value_rank - buckets.n_before as bucket_rank
    from quantile_wanted as wanted
    inner join quantile_cumulative as buckets
        on {{ same_groups('wanted', 'buckets', group_columns) }}
        and wanted.value_rank > buckets.n_before
        and wanted.value_rank <= buckets.n_before + buckets.n_bucket_values
),

quantile_members as (
    select
        {% for column in group_columns %}rows_.{{ column }}, {% endfor %}
        rows_.{{ value_column }} as quantile_value,
        target_buckets.value_bucket,
        row_number() over (
            partition by {% for column in group_columns %}rows_.{{ column }}, {% endfor %}target_buckets.value_bucket
            order by rows_.{{ value_column }}
        ) as bucket_rank
    from {{ relation }} as rows_
    inner join (select distinct {{ groups }}, value_bucket from quantile_targets) as target_buckets
        on {{ same_groups('rows_', 'target_buckets', group_columns) }}
        and {{ quantile_value_bucket('rows_.' ~ value_column) }} = target_buckets.value_bucket
    where rows_.{{ value_column }} is not null
),

quantile_values as (
    select
        {% for column in group_columns %}targets.{{ column }}, {% endfor %}
        targets.n_values,
        targets.value_rank,
        members.quantile_value
    from quantile_targets as targets
    inner join quantile_members as members
        on {{ same_groups('targets', 'members', group_columns) }}
        and targets.value_bucket = members.value_bucket
        and targets.bucket_rank = members.bucket_rank
)

select
    {{ groups }},
    {{ ranked_quantile('quantile_value', 'value_rank', 'n_values', 0.5) }} as median_value,
    {{ ranked_median_bound('quantile_value', 'value_rank', 'n_values', 'low') }} as median_value_ci_low,
    {{ ranked_median_bound('quantile_value', 'value_rank', 'n_values', 'high') }} as median_value_ci_high,
    {{ ranked_quantile('quantile_value', 'value_rank', 'n_values', 0.9) }} as p90_value
from quantile_values
group by {{ groups }}
{%- endmacro %}

{#- A bucket number that never decreases as `value` grows (ln is monotone), about 1% of the
    value wide away from 0 and 0.01 wide near it, for any sign and scale: minutes, scores. -#}
{% macro quantile_value_bucket(value) -%}
case
    when {{ value }} >= 0 then floor(ln(1 + {{ value }}) * 100)
    else -1 - floor(ln(1 - {{ value }}) * 100)
end
{%- endmacro %}

{#- `left` and `right` hold the same group: every column equal, a null equal to a null (as a
    GROUP BY groups nulls). -#}
{% macro same_groups(left, right, columns) -%}
{%- for column in columns -%}
{{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}{% if not loop.last %} and {% endif %}
{%- endfor -%}
{%- endmacro %}
