{#- Repeat every row of `relation` once per grain, with `grain`, `grain_value` (VARCHAR) and
    `period_start` (DATE, null for non-time grains) in front of the row's own columns, so that
    a GROUP BY grain, grain_value computes every grain from the rows themselves, never from a
    finer grain. `grains` maps a grain name to the column it is taken from:
    - 'overall': one group of everything (column ignored);
    - 'day', 'week', 'month', 'quarter': the period containing the date column (ISO date of
      its first day; weeks start on Monday);
    - 'weekday': '1-Monday' ... '7-Sunday';
    - any other name: the column's value.
    A missing value is grouped as 'unknown', so every grain adds up to the overall count. -#}
{% macro explode_to_grains(relation, grains) -%}
{%- for grain, column in grains.items() %}
{%- if grain == 'overall' %}
    {%- set value = "'overall'" -%}
    {%- set period = 'cast(null as date)' -%}
{%- elif grain in ['day', 'week', 'month', 'quarter'] %}
    {%- set period = 'cast(' ~ dbt.date_trunc(grain, column) ~ ' as date)' -%}
    {%- set value = 'cast(' ~ period ~ ' as ' ~ dbt.type_string() ~ ')' -%}
{%- elif grain == 'weekday' %}
    {%- set value = weekday_label(column) -%}
    {%- set period = 'cast(null as date)' -%}
{%- else %}
    {%- set value = 'cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {%- set period = 'cast(null as date)' -%}
{%- endif %}
select
    '{{ grain }}' as grain,
    coalesce({{ value }}, 'unknown') as grain_value,
    {{ period }} as period_start,
    *
from {{ relation }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}
