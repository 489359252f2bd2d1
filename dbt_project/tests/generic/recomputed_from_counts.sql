{#- A rate equals its counts: column = scale * numerator / denominator (within `tolerance`),
    and is null exactly when the denominator is zero or null. -#}
{% test recomputed_from_counts(model, column_name, numerator, denominator, scale=1, tolerance=0.000000001) %}
select {{ column_name }}, {{ numerator }}, {{ denominator }}
from {{ model }}
where case
    when coalesce({{ denominator }}, 0) = 0 then {{ column_name }} is not null
    else {{ column_name }} is null
        or abs({{ column_name }} - {{ scale }} * cast({{ numerator }} as double) / ({{ denominator }}))
            > {{ tolerance }}
end
{% endtest %}
