"""What the incremental-model tests share: exports loaded as the pipeline loads them, and the
rows of models to compare an incremental build with a full refresh."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
from dbt_kit import run_dbt

from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.ingest import ingest_source, load_contract
from orchestration.settings import Settings
from orchestration.text.enrichment import run_enrichment


def ingest_and_score(settings: Settings) -> None:
    """Load every new landing file of every source and score the new texts."""
    with duckdb.connect(str(settings.build_db)) as con:
        for source in load_contract().sources:
            ingest_source(con, settings, source)
        run_enrichment(con)


def build_small_demo(settings: Settings, *select: str) -> None:
    """A 150-customer demo (seed 5) loaded, scored, seeded and built with `dbt run <select>`."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    generate(settings.landing_dir, DemoSize(customers=150, agents=6), seed=5)
    ingest_and_score(settings)
    run_dbt(settings.build_db, "seed")
    run_dbt(settings.build_db, "run", *select)


def _rounded(row: tuple) -> tuple:
    """Doubles to 10 significant digits: sums in another row order differ in the last bits."""
    return tuple(float(f"{v:.10g}") if isinstance(v, float) else v for v in row)


def table_rows(
    build_db: Path, models: Mapping[str, str], *, rounded: bool = False
) -> dict[str, list[tuple]]:
    """Every row of each `schema.table` in `models`, ordered by its key (the mapping's value)."""
    with duckdb.connect(str(build_db), read_only=True) as con:
        return {
            table: [
                _rounded(row) if rounded else row
                for row in con.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
            ]
            for table, key in models.items()
        }
