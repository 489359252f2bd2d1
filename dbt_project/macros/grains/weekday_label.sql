{#- A weekday label that sorts: '1-Monday' ... '7-Sunday'. -#}
{% macro weekday_label(date) -%}
{%- set names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] -%}
case {{ iso_weekday(date) }}
{%- for name in names %}
    when {{ loop.index }} then '{{ loop.index }}-{{ name }}'
{%- endfor %}
end
{%- endmacro %}
