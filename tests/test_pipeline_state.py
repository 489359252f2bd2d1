"""A run may skip dbt, checks and publication only when nothing it reads has changed."""

from __future__ import annotations

import duckdb
import pytest

from orchestration import pipeline_state
from orchestration.pipeline_state import confirm, current_state, nothing_new, record_pending
from orchestration.settings import Settings


@pytest.fixture
def warehouse(isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A build database with a ledger, a raw table and scores; a served version 3."""
    isolated_settings.build_db.parent.mkdir(parents=True)
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        con.execute("CREATE SCHEMA ingest; CREATE SCHEMA raw; CREATE SCHEMA enrichment")
        con.execute("CREATE TABLE ingest.ledger AS SELECT 1 AS seq")
        con.execute("CREATE TABLE raw.reviews AS SELECT 'r1' AS review_id")
        con.execute("CREATE TABLE enrichment.text_scores AS SELECT now() AS scored_at")
    monkeypatch.setattr(pipeline_state, "_served_version", lambda settings: 3)
    return isolated_settings


def _complete_run(settings: Settings, run_id: str) -> str:
    state = current_state(settings)
    record_pending(settings, run_id, state)
    assert confirm(settings, run_id)
    return state


def test_a_rerun_with_nothing_new_may_skip(warehouse: Settings) -> None:
    _complete_run(warehouse, "run-1")
    assert "nothing new since run run-1" in (nothing_new(warehouse, current_state(warehouse)) or "")


@pytest.mark.parametrize(
    "change",
    [
        "INSERT INTO ingest.ledger VALUES (2)",  # a file loaded
        "INSERT INTO raw.reviews VALUES ('r2')",  # rows added
        "DELETE FROM raw.reviews",  # rows removed (reload, erasure)
        "UPDATE enrichment.text_scores SET scored_at = scored_at + INTERVAL 1 DAY",  # rescored
    ],
)
def test_new_data_means_a_full_run(warehouse: Settings, change: str) -> None:
    _complete_run(warehouse, "run-1")
    with duckdb.connect(str(warehouse.build_db)) as con:
        con.execute(change)
    assert nothing_new(warehouse, current_state(warehouse)) is None


def test_new_code_a_rollback_or_an_unfinished_run_mean_a_full_run(
    warehouse: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _complete_run(warehouse, "run-1")
    monkeypatch.setattr(pipeline_state, "code_fingerprint", lambda: "another dbt project")
    assert nothing_new(warehouse, current_state(warehouse)) is None
    monkeypatch.undo()
    monkeypatch.setattr(pipeline_state, "_served_version", lambda settings: 2)  # rolled back
    assert nothing_new(warehouse, state) is None
    monkeypatch.setattr(pipeline_state, "_served_version", lambda settings: 3)
    assert nothing_new(warehouse, state) is not None
    # A run that built but did not complete (e.g. a refused publication) confirms nothing.
    record_pending(warehouse, "run-2", state)
    assert not confirm(warehouse, "run-3")
    assert nothing_new(warehouse, state) is None
