{#- Scoring of item-level questionnaires (TEQ, IRI subscales), answers 0-4 as answered.
    `items`: item numbers; `reversed`: the reverse-scored ones (scored 4 - answer);
    columns are `<prefix><nn>`. A blank item is left out of the sum and the count. -#}
{% macro item_scored(prefix, item, reversed) -%}
{%- set column = prefix ~ '%02d' % item -%}
{%- if item in reversed -%}(4 - {{ column }}){%- else -%}{{ column }}{%- endif -%}
{%- endmacro %}

{% macro items_answered(prefix, items) -%}
({% for item in items %}case when {{ prefix ~ '%02d' % item }} is null then 0 else 1 end{% if not loop.last %} + {% endif %}{% endfor %})
{%- endmacro %}

{% macro items_scored_sum(prefix, items, reversed) -%}
({% for item in items %}coalesce({{ item_scored(prefix, item, reversed) }}, 0){% if not loop.last %} + {% endif %}{% endfor %})
{%- endmacro %}

{#- The scale total, prorated when at most `max_missing` items are blank: the mean of the
    answered scored items times the number of items (person-mean imputation); null when more
    are blank. -#}
{% macro questionnaire_total(prefix, items, reversed, max_missing) -%}
case when {{ items_answered(prefix, items) }} >= {{ items | length - max_missing }}
    then cast({{ items_scored_sum(prefix, items, reversed) }} as double)
        * {{ items | length }} / {{ items_answered(prefix, items) }}
end
{%- endmacro %}

{#- TEQ (Spreng et al. 2009): 16 items; items 2, 4, 7, 10, 11, 12, 14, 15 reverse-scored. -#}
{% macro teq_items() -%}{{ return(range(1, 17) | list) }}{%- endmacro %}
{% macro teq_reversed() -%}{{ return([2, 4, 7, 10, 11, 12, 14, 15]) }}{%- endmacro %}

{#- IRI (Davis 1980): four subscales of 7 items; items 3, 4, 7, 12, 13, 14, 15, 18, 19
    reverse-scored. -#}
{% macro iri_subscales() -%}
{{ return({
    'perspective_taking': [3, 8, 11, 15, 21, 25, 28],
    'fantasy': [1, 5, 7, 12, 16, 23, 26],
    'empathic_concern': [2, 4, 9, 14, 18, 20, 22],
    'personal_distress': [6, 10, 13, 17, 19, 24, 27],
}) }}
{%- endmacro %}
{% macro iri_reversed() -%}{{ return([3, 4, 7, 12, 13, 14, 15, 18, 19]) }}{%- endmacro %}
