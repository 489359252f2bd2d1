"""Helpers of the tier 2 tests: build only the relationship marts on a small warehouse."""

from __future__ import annotations

import duckdb
from dbt_kit import DbtResult, run_dbt

from orchestration.ingest import ingest_source, load_contract
from orchestration.settings import Settings
from orchestration.text.enrichment import run_enrichment

TIER2 = "+path:models/marts/tier2_relationships"


def ingest_and_enrich(settings: Settings) -> None:
    """Every source of the landing folder ingested, and its texts scored."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.build_db)) as con:
        for source in load_contract().sources:
            ingest_source(con, settings, source)
        run_enrichment(con, workers=1)


def build_tier2(settings: Settings, select: str = TIER2, *extra: str) -> DbtResult:
    """`dbt build` of the tier 2 marts and what they read, tests included."""
    return run_dbt(
        settings.build_db,
        "build",
        "--select",
        select,
        "--indirect-selection",
        "cautious",
        *extra,
        work_dir=settings.build_db.parent / "dbt_target",
        check=False,
    )


def rows(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        return con.execute(sql).fetchall()
