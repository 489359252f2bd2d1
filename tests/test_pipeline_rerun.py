"""`make run` a second time with no new export adds no rows anywhere and publishes nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import copy_pipeline_state, run_empathy

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
    assert build_before["raw.survey_responses"] > 0 and build_before["ingest.ledger"] > 0

    rerun = run_empathy(environment_under(tmp_path), "run")

    assert rerun.returncode == 0, rerun.stdout[-4000:] + rerun.stderr[-4000:]
    assert _row_counts(settings.build_db) == build_before
    assert settings.serving_db.read_bytes() == serving_bytes
