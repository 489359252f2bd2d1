{#- Which attrition cells may be published: macro people_suppression. HR: stays in the build
    database. -#}
{{ people_suppression(ref('int_people_employee_cells'), ['employee']) }}
