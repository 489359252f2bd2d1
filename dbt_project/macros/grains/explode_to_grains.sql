{#- Repeat every row of `relation` once per grain, with `grain`, `grain_value` (VARCHAR) and
    `period_start` (DATE, null for non-time grains) in front of the row's own columns, so that
    a GROUP BY grain, grain_value computes every grain from the rows themselves, never from a
    finer grain. `grains` maps a grain name to the column it is taken from:
    - 'overall': one group of everything (column ignored);
    - 'day', 'week', 'month', 'quarter': the period containing the date column (ISO date of
      its first day; weeks start on Monday);
    - 'weekday': '1-Monday' ... '7-Sunday';
    - any other name: the column's value.
    A missing value is grouped as 'unknown', so every grain adds up to the overall count.

    The relation is read once and crossed with the list of grains (DECISIONLOG.md, "The
    grains in one pass"): a `union all` of one select per grain reads it once per grain, which
    on Spark repeats the whole plan of the relation in the query for every grain. -#}
{% macro explode_to_grains(relation, grains) -%}
{%- set values = {} -%}
{%- set periods = {} -%}
{%- for grain, column in grains.items() %}
{%- if grain == 'overall' %}
    {%- do values.update({grain: "'overall'"}) -%}
{%- elif grain in ['day', 'week', 'month', 'quarter'] %}
    {%- do periods.update({grain: 'cast(' ~ dbt.date_trunc(grain, column) ~ ' as date)'}) -%}
    {%- do values.update({grain: 'cast(' ~ periods[grain] ~ ' as ' ~ dbt.type_string() ~ ')'}) -%}
{%- elif grain == 'weekday' %}
    {%- do values.update({grain: weekday_label(column)}) -%}
{%- else %}
    {%- do values.update({grain: 'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')'}) -%}
{%- endif %}
{%- endfor %}
select
    grains.grain,
    coalesce(case grains.grain
        {%- for grain, value in values.items() %}
        when '{{ grain }}' then {{ value }}
        {%- endfor %}
    end, 'unknown') as grain_value,
    {% if periods -%}
    case grains.grain
        {%- for grain, period in periods.items() %}
        when '{{ grain }}' then {{ period }}
        {%- endfor %}
    end
    {%- else -%}
    cast(null as date)
    {%- endif %} as period_start,
    exploded_rows.*
from {{ relation }} as exploded_rows
cross join (
    {%- for grain in grains %}
    select '{{ grain }}' as grain{% if not loop.last %} union all{% endif %}
    {%- endfor %}
) as grains
{%- endmacro %}
