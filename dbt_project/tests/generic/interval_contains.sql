{#- Where the point and both bounds are known: low <= high, and low <= point <= high. -#}
{% test interval_contains(model, column_name, low, high) %}
select {{ column_name }}, {{ low }}, {{ high }}
from {{ model }}
where {{ column_name }} is not null
    and {{ low }} is not null
    and {{ high }} is not null
    and ({{ low }} > {{ high }} or {{ column_name }} < {{ low }} or {{ column_name }} > {{ high }})
{% endtest %}
