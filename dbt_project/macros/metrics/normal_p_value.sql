{#- Two-sided p-value of a standard-normal test statistic z: 2 * (1 - Phi(|z|)).
    No SQL engine we target has a normal CDF, so the upper tail uses the polynomial of
    Abramowitz & Stegun 26.2.17 (absolute error below 7.5e-8). `z` must be a column or a
    parenthesised expression. -#}
{% macro normal_two_sided_p(z) -%}
{%- set x = 'abs(' ~ z ~ ')' -%}
{%- set t = '(1.0 / (1.0 + 0.2316419 * ' ~ x ~ '))' -%}
least(1.0, 2.0 * exp(-0.5 * {{ x }} * {{ x }}) / 2.5066282746310002 * {{ t }} * (0.319381530
    + {{ t }} * (-0.356563782 + {{ t }} * (1.781477937 + {{ t }} * (-1.821255978
    + {{ t }} * 1.330274429)))))
{%- endmacro %}
