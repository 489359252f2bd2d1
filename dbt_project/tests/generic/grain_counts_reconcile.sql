{#- Within each group of `partition_by`, every grain's counts add up to the 'overall' row's:
    no answer is lost or counted twice when breaking down by a grain. -#}
{% test grain_counts_reconcile(model, column_name, partition_by=[]) %}
{%- set keys = partition_by + ['grain'] %}
with per_grain as (
    select {{ keys | join(', ') }}, sum({{ column_name }}) as total
    from {{ model }}
    group by {{ keys | join(', ') }}
),

overall as (
    select * from per_grain where grain = 'overall'
)

select per_grain.*
from per_grain
inner join overall
    on true
    {%- for key in partition_by %}
    and per_grain.{{ key }} = overall.{{ key }}
    {%- endfor %}
where per_grain.total <> overall.total
{% endtest %}
