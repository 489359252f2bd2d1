{#- The `table` and `view` materializations on DuckDB: the model's relation is dropped and
    created again in one statement of one transaction. dbt-duckdb's table and dbt's view
    materializations build the new relation beside the old one, rename the old one away and
    the new one in, commit, then drop the old one: three more adapter calls per model, each
    building dbt's macro context anew, in dbt's Python under the interpreter lock (DECISIONLOG,
    "One statement per table"). DuckDB's DDL is transactional: readers see the old relation
    until the commit, and a failed build leaves it as it was
    (tests/test_duckdb_materializations.py). SQL models only; other engines keep their
    adapter's materializations. -#}
{% materialization table, adapter="duckdb", supported_languages=["sql"] %}
  {%- set relation = this.incorporate(type="table") -%}
  {%- call duckdb_replace_relation(relation) -%}
    {{ create_table_as(False, relation, compiled_code) }}
  {%- endcall -%}
  {{ return({"relations": [relation]}) }}
{% endmaterialization %}

{% materialization view, adapter="duckdb", supported_languages=["sql"] %}
  {%- set relation = this.incorporate(type="view") -%}
  {%- call duckdb_replace_relation(relation) -%}
    {{ get_create_view_as_sql(relation, sql) }}
  {%- endcall -%}
  {{ return({"relations": [relation]}) }}
{% endmaterialization %}

{#- The body of both: hooks, the relation replaced by the caller's SQL, grants, docs, commit.
    A relation of the other type under the same name is dropped first, by the adapter, so
    that dbt's relation cache learns of it. -#}
{% macro duckdb_replace_relation(relation) %}
  {%- set existing = load_cached_relation(this) -%}
  {%- set grant_config = config.get("grants") -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if existing is not none and existing.type != relation.type %}
    {{ adapter.drop_relation(existing) }}
  {%- endif %}
  {%- set create_sql = caller() %}
  {% call statement("main") -%}
    {% if existing is not none and existing.type == relation.type -%}
      drop {{ relation.type }} if exists {{ relation }};
    {%- endif %}
    {{ create_sql }}
  {%- endcall %}
  {% do create_indexes(relation) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do apply_grants(relation, grant_config, should_revoke=should_revoke(existing, full_refresh_mode=True)) %}
  {% do persist_docs(relation, model) %}
  -- `COMMIT` happens here
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
{% endmacro %}
