"""DuckDB's memory is bounded by one setting for the pipeline's writes and for dbt's build."""

from __future__ import annotations

import json

import pytest
from dbt_kit import run_dbt

from orchestration.settings import Settings


def test_the_pipeline_opens_the_build_database_with_the_configured_memory_limit(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHY_DUCKDB_MEMORY_LIMIT", "700MB")
    settings = Settings.from_env()
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with settings.connect_build() as con:
        (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit == "667.5 MiB"  # DuckDB shows it in binary units


def test_a_memory_limit_that_is_not_a_size_is_refused_with_the_fix(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHY_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match=r"EMPATHY_DUCKDB_MEMORY_LIMIT='lots'.*e\.g\. 1GB"):
        Settings.from_env()


def test_dbt_builds_with_the_same_memory_limit(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHY_DUCKDB_MEMORY_LIMIT", "700MB")
    isolated_settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    shown = run_dbt(
        isolated_settings.build_db,
        "show",
        "--inline",
        "select current_setting('memory_limit') as memory_limit",
        "--output",
        "json",
    ).stdout
    answer = json.loads(shown[shown.index("{") :])
    assert answer["show"] == [{"memory_limit": "667.5 MiB"}]
