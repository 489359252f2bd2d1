"""`make run` a second time with no new export adds no rows anywhere, runs no dbt model, no
check of the marts, and publishes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import copy_pipeline_state, run_empathy

from orchestration.dbt_manifest import run_target_path
from orchestration.settings import Settings, environment_under

pytestmark = pytest.mark.slow


def _row_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database()"
        ).fetchall()
        count = 'SELECT count(*) FROM "{}"."{}"'
        return {f"{s}.{t}": con.execute(count.format(s, t)).fetchone()[0] for s, t in tables}


def test_second_run_adds_no_rows_anywhere(
    demo_pipeline, isolated_settings: Settings, tmp_path: Path
) -> None:
    copy_pipeline_state(demo_pipeline.settings, isolated_settings)
    settings = isolated_settings
    build_before = _row_counts(settings.build_db)
    serving_bytes = settings.serving_db.read_bytes()
    run_results = run_target_path(settings.build_db) / "run_results.json"
    dbt_results = run_results.read_bytes()
    ran = [r["unique_id"] for r in json.loads(dbt_results)["results"]]
    assert ran and not [u for u in ran if u.startswith("unit_test.")]  # CI runs those
    assert build_before["raw.survey_responses"] > 0 and build_before["ingest.ledger"] > 0

    rerun = run_empathy(environment_under(tmp_path), "run")

    assert rerun.returncode == 0, rerun.stdout[-4000:] + rerun.stderr[-4000:]
    assert _row_counts(settings.build_db) == build_before
    assert settings.serving_db.read_bytes() == serving_bytes
    # dbt was not even started (its run results are the first run's), nothing was checked
    # or materialized after text scoring, and the run says so.
    assert run_results.read_bytes() == dbt_results
    assert "no dbt model ran, nothing published" in rerun.stdout
    env = environment_under(tmp_path)
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        (run,) = instance.get_runs(limit=1)
        materialized = {
            e.get_dagster_event().asset_key.path[0]
            for e in instance.all_logs(
                run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
            )
        }
        checked = {
            e.get_dagster_event().event_specific_data.asset_check_key.name
            for e in instance.all_logs(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
            )
        }
    assert materialized == {"raw", "enrichment"}
    assert not checked & {"gx_suite", "dbt_tests"}
