{#- Which HR cells may be published (DECISIONLOG.md, "People"). `members` is a relation of
    one row per cell and contribution (an answer, a sheet, an employee) with the columns
    cell_id, series (cells of one group over consecutive periods share it; null otherwise),
    period_start, contribution_id, person_id and has_<measure> (the contribution carries that
    measure) for each of `measures`. Returns one row per cell: cell_id, n_people,
    is_suppressed and suppression_reason.

    1. Primary: a cell of fewer than var('min_group_people') people, overall or on any of its
       measures, is suppressed.
    2. Complementary, by subtraction: for every published cell P and every other grain, take
       the published cells whose contributions are a strict subset of P's (its children);
       what P holds beyond them can be computed by subtracting them from P. When that
       remainder comes from 1 to min_group_people - 1 people (on any measure), the child
       with the fewest people is suppressed too, so the remainder grows by at least
       min_group_people people. This covers a single child (a department of 6 with a team of
       5) and a partition with one suppressed cell (the team of 4 next to its siblings).
    3. Complementary, over time: two calendar-adjacent cells of one series (a group in
       consecutive months) whose people are nested and differ by 1 to min_group_people - 1
       people (one person joined or left) cannot both be published: the smaller is suppressed.
    Rules 2 and 3 repeat `rounds` times (a suppression can expose a new remainder); a test
    of the marts (tests/test_people_privacy.py) plays the attacker on the result.

    Engines: one query of chained CTEs on DuckDB (it materializes a CTE read several times).
    Spark inlines every CTE reference, so the rounds' plan grows exponentially (out of memory
    at 5 rounds): its implementation writes the shared CTEs and each round to scratch tables
    `<model>__<cte>` and `<model>__round_<r>` first, and stops at the first round that
    suppresses nothing new (docs/spark.md). -#}
{% macro people_suppression(members, measures, rounds=5) -%}
{{ return(adapter.dispatch('people_suppression')(members, measures, rounds)) }}
{%- endmacro %}

{% macro default__people_suppression(members, measures, rounds) -%}
with {{ people_suppression_base(members, measures) }},

suppressed_0 as (
    select cell_id, reason, 0 as round_number from primary_suppressed
)

{%- for r in range(1, rounds + 1) %},
{{ people_suppression_round(r, measures, 'suppressed_' ~ (r - 1)) }}
{%- endfor %}

{{ people_suppression_result('suppressed_' ~ rounds) }}
{%- endmacro %}

{% macro spark__people_suppression(members, measures, rounds) -%}
{%- set scratch = this.schema ~ '.' ~ this.identifier ~ '__' -%}
{%- set base = 'with ' ~ people_suppression_base(members, measures) -%}
{%- set statements = [
    ('cells', base ~ ' select * from cells'),
    ('nested', base ~ ' select * from nested'),
    ('adjacent_nested', base ~ ' select * from adjacent_nested'),
    ('round_0', base ~ ' select cell_id, reason, 0 as round_number from primary_suppressed'),
] -%}
{#- A round that suppresses nothing new is a fixed point: every later round would return the
    same rows, so the rounds stop there (the result is the same, in fewer Spark jobs). -#}
{%- set state = namespace(last=0, settled=false) -%}
{%- if execute -%}
    {%- for name, sql in statements -%}
        {%- do spark_scratch_table(scratch ~ name, sql) -%}
    {%- endfor -%}
    {%- for r in range(1, rounds + 1) -%}
    {%- if not state.settled -%}
        {%- set round_sql -%}
            with members as (select * from {{ members }}),
            nested as (select * from {{ scratch }}nested),
            adjacent_nested as (select * from {{ scratch }}adjacent_nested),
            suppressed_{{ r - 1 }} as (select * from {{ scratch }}round_{{ r - 1 }}),
            {{ people_suppression_round(r, measures, 'suppressed_' ~ (r - 1)) }}
            select * from suppressed_{{ r }}
        {%- endset -%}
        {%- do spark_scratch_table(scratch ~ 'round_' ~ r, round_sql) -%}
        {%- set added = run_query(
            'select (select count(*) from ' ~ scratch ~ 'round_' ~ r ~ ') - (select count(*) from '
            ~ scratch ~ 'round_' ~ (r - 1) ~ ')').columns[0].values()[0] -%}
        {%- set state.last = r -%}
        {%- set state.settled = added == 0 -%}
    {%- endif -%}
    {%- endfor -%}
{%- endif %}
with cells as (select * from {{ scratch }}cells)

{{ people_suppression_result(scratch ~ 'round_' ~ state.last) }}
{%- endmacro %}

{#- Spark: (re)create the scratch table `relation` as `sql`. -#}
{% macro spark_scratch_table(relation, sql) -%}
{%- do run_query('drop table if exists ' ~ relation) -%}
{%- do run_query('create table ' ~ relation ~ ' using parquet as ' ~ sql) -%}
{%- endmacro %}

{#- The CTEs every round reads: members, cells, primary_suppressed, cell_grains, shared,
    nested, series_people, adjacent, adjacent_nested (without the leading `with`). -#}
{% macro people_suppression_base(members, measures) -%}
{%- set k = var('min_group_people') -%}
members as (
    select * from {{ members }}
),

cells as (
    select
        cell_id,
        max(series) as series,
        max(period_start) as period_start,
        count(distinct contribution_id) as n_contributions,
        count(distinct person_id) as n_people
        {%- for m in measures %},
        count(distinct case when has_{{ m }} then person_id end) as people_{{ m }}
        {%- endfor %}
    from members
    group by cell_id
),

primary_suppressed as (
    select
        cell_id,
        'fewer than {{ k }} people' as reason
    from cells
    where n_people < {{ k }}
    {%- for m in measures %}
        or people_{{ m }} between 1 and {{ k - 1 }}
    {%- endfor %}
),

cell_grains as (
    select distinct cell_id, grain from members
),

shared as (
    select
        parent.cell_id as parent_id,
        child.cell_id as child_id,
        count(distinct parent.contribution_id) as n_shared
    from members as parent
    inner join members as child
        on parent.contribution_id = child.contribution_id
        and parent.cell_id <> child.cell_id
    group by parent.cell_id, child.cell_id
),

nested as (
    select
        shared.parent_id,
        shared.child_id,
        child_grain.grain as child_grain,
        child.n_people as child_people
    from shared
    inner join cells as child
        on shared.child_id = child.cell_id
    inner join cells as parent
        on shared.parent_id = parent.cell_id
    inner join cell_grains as child_grain
        on shared.child_id = child_grain.cell_id
    where shared.n_shared = child.n_contributions
        and child.n_contributions < parent.n_contributions
),

series_people as (
    select distinct cell_id, series, period_start, person_id
    from members
    where series is not null
),

adjacent as (
    select
        cell_id,
        series,
        lag(cell_id) over (partition by series order by period_start) as previous_id
    from cells
    where series is not null
),

adjacent_nested as (
    select
        adjacent.cell_id,
        adjacent.previous_id,
        current_cell.n_people as current_people,
        previous_cell.n_people as previous_people
    from adjacent
    inner join cells as current_cell
        on adjacent.cell_id = current_cell.cell_id
    inner join cells as previous_cell
        on adjacent.previous_id = previous_cell.cell_id
    inner join (
        select a.cell_id, b.cell_id as previous_id, count(*) as n_shared_people
        from series_people as a
        inner join series_people as b
            on a.person_id = b.person_id
            and a.series = b.series
            and a.cell_id <> b.cell_id
        group by a.cell_id, b.cell_id
    ) as overlap
        on overlap.cell_id = adjacent.cell_id
        and overlap.previous_id = adjacent.previous_id
    where overlap.n_shared_people
            = least(current_cell.n_people, previous_cell.n_people)
        and abs(current_cell.n_people - previous_cell.n_people) between 1 and {{ k - 1 }}
)
{%- endmacro %}

{#- The CTEs of round `r` (nested_published_r ... suppressed_r), reading the cells suppressed
    so far from the relation or CTE `previous`. -#}
{% macro people_suppression_round(r, measures, previous) -%}
{%- set k = var('min_group_people') -%}
nested_published_{{ r }} as (
    select nested.*
    from nested
    where nested.parent_id not in (select cell_id from {{ previous }})
        and nested.child_id not in (select cell_id from {{ previous }})
),

covered_{{ r }} as (
    select distinct
        nested_published_{{ r }}.parent_id,
        nested_published_{{ r }}.child_grain,
        members.contribution_id
    from nested_published_{{ r }}
    inner join members
        on nested_published_{{ r }}.child_id = members.cell_id
),

remainders_{{ r }} as (
    select
        groups.parent_id,
        groups.child_grain
        {%- for m in measures %},
        count(distinct case when parent.has_{{ m }} then parent.person_id end) as people_{{ m }}
        {%- endfor %}
    from (select distinct parent_id, child_grain from nested_published_{{ r }}) as groups
    inner join members as parent
        on groups.parent_id = parent.cell_id
    left join covered_{{ r }}
        on covered_{{ r }}.parent_id = groups.parent_id
        and covered_{{ r }}.child_grain = groups.child_grain
        and covered_{{ r }}.contribution_id = parent.contribution_id
    where covered_{{ r }}.contribution_id is null
    group by groups.parent_id, groups.child_grain
),

exposing_{{ r }} as (
    select parent_id, child_grain
    from remainders_{{ r }}
    where false
    {%- for m in measures %}
        or people_{{ m }} between 1 and {{ k - 1 }}
    {%- endfor %}
),

added_{{ r }} as (
    select cell_id, reason
    from (
        select
            nested_published_{{ r }}.child_id as cell_id,
            'complementary: a published total minus the published ' || nested_published_{{ r }}.child_grain
                || ' figures would reveal fewer than {{ k }} people' as reason,
            row_number() over (
                partition by nested_published_{{ r }}.parent_id, nested_published_{{ r }}.child_grain
                order by nested_published_{{ r }}.child_people, fixes.n_fixed desc,
                    nested_published_{{ r }}.child_id
            ) as pick
        from nested_published_{{ r }}
        inner join exposing_{{ r }}
            on nested_published_{{ r }}.parent_id = exposing_{{ r }}.parent_id
            and nested_published_{{ r }}.child_grain = exposing_{{ r }}.child_grain
        inner join (
            {#- a child of several exposing totals fixes them all at once: prefer it -#}
            select candidate.child_id, count(*) as n_fixed
            from nested_published_{{ r }} as candidate
            inner join exposing_{{ r }} as exposing
                on candidate.parent_id = exposing.parent_id
                and candidate.child_grain = exposing.child_grain
            group by candidate.child_id
        ) as fixes
            on nested_published_{{ r }}.child_id = fixes.child_id
    ) as candidates
    where pick = 1
    union all
    select
        case
            when current_people < previous_people then cell_id
            else previous_id
        end as cell_id,
        'complementary: one to {{ k - 1 }} people joined or left between consecutive periods' as reason
    from adjacent_nested
    where cell_id not in (select cell_id from {{ previous }})
        and previous_id not in (select cell_id from {{ previous }})
),

suppressed_{{ r }} as (
    select cell_id, reason, round_number from {{ previous }}
    union all
    select cell_id, min(reason) as reason, {{ r }} as round_number
    from added_{{ r }}
    where cell_id not in (select cell_id from {{ previous }})
    group by cell_id
)
{%- endmacro %}

{#- One row per cell: n_people, is_suppressed and the reason, from the cells suppressed in
    the relation or CTE `suppressed`. -#}
{% macro people_suppression_result(suppressed) -%}
select
    cells.cell_id,
    cells.n_people,
    suppressed.cell_id is not null as is_suppressed,
    suppressed.reason as suppression_reason
from cells
left join {{ suppressed }} as suppressed
    on cells.cell_id = suppressed.cell_id
{%- endmacro %}
