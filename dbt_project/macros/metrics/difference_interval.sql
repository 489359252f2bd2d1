{#- 95% adjusted-Wald interval of the difference of two shares of one sample, such as
    NPS = %promoters - %detractors or net sentiment = %positive - %negative (Rocks 2016):
    add 3 to n and 0.75 to each of the two counts, then
    (p - d) +/- z * sqrt((p + d - (p - d)^2) / n_adj). `scale` 100 gives points (NPS).
    Rounded to 6 decimals and clamped to [-scale, scale]; null when n = 0. -#}
{% macro difference_bound(positives, negatives, n, side, scale=1) -%}
{%- set n = '(' ~ n ~ ')' -%}
{#- In double precision: Spark keeps `count + 0.75` a decimal and rounds the products of
    such decimals to 6 places (DuckDB divides decimals as doubles: the same figures). -#}
{%- set p = '((cast(' ~ positives ~ ' as double) + 0.75) / (' ~ n ~ ' + 3.0))' -%}
{%- set d = '((cast(' ~ negatives ~ ' as double) + 0.75) / (' ~ n ~ ' + 3.0))' -%}
case when {{ n }} > 0 then
    greatest(-{{ scale }}, least({{ scale }}, round({{ scale }} * (
        ({{ p }} - {{ d }})
        {{ '-' if side == 'low' else '+' }} {{ z_95() }} * sqrt(
            ({{ p }} + {{ d }} - ({{ p }} - {{ d }}) * ({{ p }} - {{ d }})) / ({{ n }} + 3.0)
        )
    ), 6)))
end
{%- endmacro %}

{% macro difference_low(positives, negatives, n, scale=1) -%}
{{ difference_bound(positives, negatives, n, 'low', scale) }}
{%- endmacro %}

{% macro difference_high(positives, negatives, n, scale=1) -%}
{{ difference_bound(positives, negatives, n, 'high', scale) }}
{%- endmacro %}
