{#- datediff on Spark with DuckDB's meaning (dbt-duckdb's `date_diff`): the number of
    boundaries of `datepart` crossed from `first_date` to `second_date`. dbt-spark's own
    version counts months with months_between, which treats month ends alike (Jan 31 to
    Feb 28 is 2 months there, 1 in DuckDB) and rounds sub-units up. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
  {%- set units = {'hour': 3600, 'minute': 60, 'second': 1} -%}
  {%- if datepart == 'day' -%}
    datediff(to_date({{ second_date }}), to_date({{ first_date }}))
  {%- elif datepart == 'week' -%}
    (floor(datediff(date_trunc('week', {{ second_date }}), date_trunc('week', {{ first_date }})) / 7))
  {%- elif datepart == 'month' -%}
    ((year({{ second_date }}) - year({{ first_date }})) * 12
        + month({{ second_date }}) - month({{ first_date }}))
  {%- elif datepart == 'quarter' -%}
    ((year({{ second_date }}) - year({{ first_date }})) * 4
        + quarter({{ second_date }}) - quarter({{ first_date }}))
  {%- elif datepart == 'year' -%}
    (year({{ second_date }}) - year({{ first_date }}))
  {%- elif datepart in units -%}
    (floor(unix_seconds(cast({{ second_date }} as timestamp)) / {{ units[datepart] }})
        - floor(unix_seconds(cast({{ first_date }} as timestamp)) / {{ units[datepart] }}))
  {%- else -%}
    {{ exceptions.raise_compiler_error("datediff by '" ~ datepart ~ "' is not ported to Spark") }}
  {%- endif -%}
{%- endmacro %}
