{#- Which empathy cells may be published: macro people_suppression. HR: stays in the build
    database. -#}
{%- set measures = ['teq_total'] %}
{%- for subscale in iri_subscales() %}{% do measures.append('iri_' ~ subscale) %}{% endfor %}
{{ people_suppression(ref('int_people_empathy_cells'), measures) }}
