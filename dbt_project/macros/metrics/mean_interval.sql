{#- 95% Student-t interval of a mean from the sum, the sum of squares and n of the answers,
    so that it can be recomputed at any grain from additive counts. Rounded to 6 decimals;
    null when n < 2 (no spread can be estimated from one answer). -#}
{% macro mean_bound(value_sum, value_sum_of_squares, n, side) -%}
case when {{ n }} >= 2 then round(
    {{ value_sum }} / {{ n }}
    {{ '-' if side == 'low' else '+' }} {{ t_critical_95('(' ~ n ~ ' - 1)') }} * sqrt(greatest(0.0,
        ({{ value_sum_of_squares }} - {{ value_sum }} * {{ value_sum }} / {{ n }}) / ({{ n }} - 1)
    )) / sqrt({{ n }}),
6) end
{%- endmacro %}

{% macro mean_low(value_sum, value_sum_of_squares, n) -%}
{{ mean_bound(value_sum, value_sum_of_squares, n, 'low') }}
{%- endmacro %}

{% macro mean_high(value_sum, value_sum_of_squares, n) -%}
{{ mean_bound(value_sum, value_sum_of_squares, n, 'high') }}
{%- endmacro %}

{#- Two-sided 95% critical value of Student's t with `df` degrees of freedom: exact for
    df = 1 to 4, otherwise the Cornish-Fisher expansion around the normal quantile
    (Abramowitz & Stegun 26.7.5), within 0.006% of the exact value for df >= 5. -#}
{% macro t_critical_95(df) -%}
{%- set z = z_95() | float -%}
{%- set g1 = (z ** 3 + z) / 4 -%}
{%- set g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96 -%}
{%- set g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384 -%}
{%- set g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160 -%}
(case
    when {{ df }} = 1 then 12.706204736174694
    when {{ df }} = 2 then 4.302652729749462
    when {{ df }} = 3 then 3.182446305283708
    when {{ df }} = 4 then 2.776445105197793
    else {{ z }} + {{ g1 }} / {{ df }} + {{ g2 }} / power({{ df }}, 2)
        + {{ g3 }} / power({{ df }}, 3) + {{ g4 }} / power({{ df }}, 4)
end)
{%- endmacro %}
