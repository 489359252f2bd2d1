"""DuckDB's memory is bounded in the pipeline's writes and in dbt's build, each by its setting."""

from __future__ import annotations

import json

import pytest
import yaml
from dbt_kit import run_dbt

from orchestration.settings import DBT_PROJECT_DIR, DEFAULT_DBT_MEMORY_LIMIT, Settings


def test_the_pipeline_opens_the_build_database_with_the_configured_memory_limit(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHY_DUCKDB_MEMORY_LIMIT", "700MB")
    settings = Settings.from_env()
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with settings.connect_build() as con:
        (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit == "667.5 MiB"  # DuckDB shows it in binary units


@pytest.mark.parametrize("variable", ["EMPATHY_DUCKDB_MEMORY_LIMIT", "EMPATHY_DBT_MEMORY_LIMIT"])
def test_a_memory_limit_that_is_not_a_size_is_refused_with_the_fix(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "lots")
    with pytest.raises(ValueError, match=rf"{variable}='lots'.*e\.g\. 1GB"):
        Settings.from_env()


def test_dbt_builds_with_its_configured_memory_limit(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMPATHY_DBT_MEMORY_LIMIT", "700MB")
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


def test_dbt_by_hand_defaults_to_the_pipeline_s_dbt_memory_limit() -> None:
    """The profile's settings are part of dbt's parse state: `make setup` parses without the
    variable, the pipeline passes its setting, and a difference would make every run parse the
    whole project again."""
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text("utf-8"))
    local = profiles["empathy_warehouse"]["outputs"]["local"]
    assert (
        f"'EMPATHY_DBT_MEMORY_LIMIT', '{DEFAULT_DBT_MEMORY_LIMIT}'"
        in local["settings"]["memory_limit"]
    )
