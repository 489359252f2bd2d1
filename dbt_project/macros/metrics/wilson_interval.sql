{#- 95% Wilson score interval of a share `successes / n` (Wilson 1927), rounded to 6 decimals
    and clamped to [0, 1]; null when n = 0. Unlike the plain Wald interval it stays inside
    [0, 1] and is sensible at n = 1 and when every answer is the same. -#}
{% macro wilson_bound(successes, n, side) -%}
{%- set z = z_95() | float -%}
{%- set n = '(' ~ n ~ ')' -%}
{%- set p = '(cast(' ~ successes ~ ' as double) / ' ~ n ~ ')' -%}
case when {{ n }} > 0 then
    greatest(0.0, least(1.0, round(
        ({{ p }} + {{ z * z / 2 }} / {{ n }}
            {{ '-' if side == 'low' else '+' }} {{ z }} * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ n }} + {{ z * z / 4 }} / (cast({{ n }} as double) * {{ n }})
            ))
        / (1 + {{ z * z }} / {{ n }}),
    6)))
end
{%- endmacro %}

{% macro wilson_low(successes, n) -%}{{ wilson_bound(successes, n, 'low') }}{%- endmacro %}

{% macro wilson_high(successes, n) -%}{{ wilson_bound(successes, n, 'high') }}{%- endmacro %}
