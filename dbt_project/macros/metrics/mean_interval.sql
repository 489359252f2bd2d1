{#- 95% Student-t interval of a mean from the sum, the sum of squares and n of the answers,
    so that it can be recomputed at any grain from additive counts. Clamped to the answer
    scale [scale_min, scale_max] (a mean cannot leave it), rounded to 6 decimals; null when
    n < 2 (no spread can be estimated from one answer). -#}
{% macro mean_bound(value_sum, value_sum_of_squares, n, side, scale_min, scale_max) -%}
{%- set n = '(' ~ n ~ ')' -%}
case when {{ n }} >= 2 then greatest({{ scale_min }}, least({{ scale_max }}, round(
    {{ value_sum }} / {{ n }}
    {{ '-' if side == 'low' else '+' }} {{ t_critical_95('(' ~ n ~ ' - 1)') }} * sqrt(greatest(0.0,
        ({{ value_sum_of_squares }} - {{ value_sum }} * {{ value_sum }} / {{ n }}) / ({{ n }} - 1)
    )) / sqrt({{ n }}),
6))) end
{%- endmacro %}

{% macro mean_low(value_sum, value_sum_of_squares, n, scale_min, scale_max) -%}
{{ mean_bound(value_sum, value_sum_of_squares, n, 'low', scale_min, scale_max) }}
{%- endmacro %}

{% macro mean_high(value_sum, value_sum_of_squares, n, scale_min, scale_max) -%}
{{ mean_bound(value_sum, value_sum_of_squares, n, 'high', scale_min, scale_max) }}
{%- endmacro %}

{#- Two-sided 95% critical value of Student's t with `df` degrees of freedom: exact for
    df = 1 to 30 (values of scipy.stats.t.ppf(0.975, df)), beyond that the Cornish-Fisher
    expansion around the normal quantile (Abramowitz & Stegun 26.7.5), within 2e-8 of the
    exact value. -#}
{% macro t_critical_95(df) -%}
{%- set exact = [
    12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934,
    2.5705818356363146, 2.4469118511449786, 2.364624251592784, 2.306004135204166,
    2.262157162798205, 2.228138851986274, 2.200985160091639, 2.1788128296672284,
    2.1603686564627913, 2.144786687917804, 2.131449545559776, 2.1199052992212546,
    2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
    2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245,
    2.0595385527532972, 2.0555294386428735, 2.0518305164802846, 2.0484071417952454,
    2.045229642132703, 2.0422724563012378
] -%}
{%- set z = z_95() | float -%}
{%- set g1 = (z ** 3 + z) / 4 -%}
{%- set g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96 -%}
{%- set g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384 -%}
{%- set g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160 -%}
(case
{%- for value in exact %}
    when {{ df }} = {{ loop.index }} then {{ value }}
{%- endfor %}
    else {{ z }} + {{ g1 }} / {{ df }} + {{ g2 }} / power({{ df }}, 2)
        + {{ g3 }} / power({{ df }}, 3) + {{ g4 }} / power({{ df }}, 4)
end)
{%- endmacro %}
