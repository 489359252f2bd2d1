{#- 95% interval of a Pearson correlation `r` over `n` pairs by Fisher's z transformation:
    tanh(atanh(r) +/- z / sqrt(n - 3)), rounded to 6 decimals; null when n < 4 (no interval
    can be computed) or |r| = 1. -#}
{% macro correlation_bound(r, n, side) -%}
{%- set z = '(0.5 * ln((1 + ' ~ r ~ ') / (1 - ' ~ r ~ ')) ' ~ ('-' if side == 'low' else '+') ~ ' ' ~ z_95() ~ ' / sqrt(' ~ n ~ ' - 3.0))' -%}
case when {{ n }} >= 4 and abs({{ r }}) < 1 then
    round((exp(2 * {{ z }}) - 1) / (exp(2 * {{ z }}) + 1), 6)
end
{%- endmacro %}

{% macro correlation_low(r, n) -%}{{ correlation_bound(r, n, 'low') }}{%- endmacro %}

{% macro correlation_high(r, n) -%}{{ correlation_bound(r, n, 'high') }}{%- endmacro %}
