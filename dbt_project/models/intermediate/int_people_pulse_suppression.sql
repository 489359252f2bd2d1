{#- Which pulse cells may be published: macro people_suppression (primary and complementary
    suppression below var('min_group_people') people). HR: stays in the build database. -#}
{{ people_suppression(ref('int_people_pulse_cells'), ['job_satisfaction', 'wellbeing', 'stress', 'enps']) }}
