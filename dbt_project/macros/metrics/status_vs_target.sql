{#- green when the value meets the target, amber when it meets the amber threshold, red
    otherwise; `direction` (higher_is_better / lower_is_better) says which way is better.
    Null when the value is null. -#}
{% macro status_vs_target(value, target, amber_threshold, direction) -%}
case
    when {{ value }} is null then null
    when {{ direction }} = 'lower_is_better' then case
        when {{ value }} <= {{ target }} then 'green'
        when {{ value }} <= {{ amber_threshold }} then 'amber'
        else 'red'
    end
    else case
        when {{ value }} >= {{ target }} then 'green'
        when {{ value }} >= {{ amber_threshold }} then 'amber'
        else 'red'
    end
end
{%- endmacro %}
