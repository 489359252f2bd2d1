{#- 95% Welch interval of the difference of two means (mean_a - mean_b) from each group's
    mean, sample variance and n: standard error sqrt(var_a/n_a + var_b/n_b), degrees of
    freedom by Welch-Satterthwaite (rounded down, at least 1), Student-t quantile from
    t_critical_95. Null when a group has fewer than 2 values. Rounded to 6 decimals. -#}
{% macro welch_se(var_a, n_a, var_b, n_b) -%}
sqrt({{ var_a }} / {{ n_a }} + {{ var_b }} / {{ n_b }})
{%- endmacro %}

{% macro welch_df(var_a, n_a, var_b, n_b) -%}
greatest(1, floor(
    power({{ var_a }} / {{ n_a }} + {{ var_b }} / {{ n_b }}, 2)
    / nullif(
        power({{ var_a }} / {{ n_a }}, 2) / ({{ n_a }} - 1)
        + power({{ var_b }} / {{ n_b }}, 2) / ({{ n_b }} - 1), 0)
))
{%- endmacro %}

{% macro welch_bound(mean_a, var_a, n_a, mean_b, var_b, n_b, side) -%}
case when {{ n_a }} >= 2 and {{ n_b }} >= 2 then round(
    ({{ mean_a }} - {{ mean_b }})
    {{ '-' if side == 'low' else '+' }} {{ t_critical_95(welch_df(var_a, n_a, var_b, n_b)) }}
        * {{ welch_se(var_a, n_a, var_b, n_b) }},
6) end
{%- endmacro %}

{#- 95% interval of the ratio of two means (mean_a / mean_b) by the delta method on the log
    scale: se(log ratio) = sqrt(var_a / (n_a mean_a^2) + var_b / (n_b mean_b^2)), the same
    Welch-Satterthwaite t quantile as the difference. Null when a mean is not positive or a
    group has fewer than 2 values. -#}
{% macro ratio_bound(mean_a, var_a, n_a, mean_b, var_b, n_b, side) -%}
case when {{ n_a }} >= 2 and {{ n_b }} >= 2 and {{ mean_a }} > 0 and {{ mean_b }} > 0 then round(
    ({{ mean_a }} / {{ mean_b }}) * exp(
        {{ '-' if side == 'low' else '' }}{{ t_critical_95(welch_df(var_a, n_a, var_b, n_b)) }}
        * sqrt({{ var_a }} / ({{ n_a }} * {{ mean_a }} * {{ mean_a }})
            + {{ var_b }} / ({{ n_b }} * {{ mean_b }} * {{ mean_b }}))
    ),
6) end
{%- endmacro %}
