"""Two demo warehouses at the generator's default size, for planted-effect tests of every tier.

`planted` has every effect of the ground-truth file, `unplanted` none. Each is built once per
test session (tests/shared_builds.py, fixtures in conftest.py): demo exports -> ingestion of
every source -> text enrichment -> `dbt build` of every model (no Dagster, no gates, no
publication: these tests are about the numbers). Tests treat both as read-only.

At the default size (2,000 customers, the size `make run` uses): at a few hundred customers
most planted effects are, honestly, not distinguishable from noise.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt_kit import run_dbt

from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.ingest import ingest_source, load_contract
from orchestration.settings import Settings
from orchestration.text.enrichment import run_enrichment

EFFECTS_SEED = 42
BUILD_RESULTS = "dbt_build_results.json"


@dataclass(frozen=True)
class Warehouse:
    """A built demo warehouse and the ground truth of the exports it was built from."""

    build_db: Path
    truth: dict

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.build_db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def records(self, sql: str, params: list | None = None) -> list[dict]:
        with duckdb.connect(str(self.build_db), read_only=True) as con:
            cursor = con.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @classmethod
    def at(cls, root: Path) -> Warehouse:
        """The warehouse `build_warehouse` built under `root`."""
        truth = json.loads((root / "landing" / "ground_truth.json").read_text())
        return cls(root / "build.duckdb", truth)

    @property
    def landing_dir(self) -> Path:
        return self.build_db.parent / "landing"


def _environment(root: Path) -> dict[str, str]:
    return {
        "EMPATHY_LANDING_DIR": str(root / "landing"),
        "EMPATHY_BUILD_DB": str(root / "build.duckdb"),
        "EMPATHY_KEY_FILE": str(root / "pseudonym.key"),
    }


def build_warehouse(root: Path, effects: frozenset[str] | None, seed: int = EFFECTS_SEED) -> None:
    """Demo exports under `root`, ingested, enriched and built by dbt into `root/build.duckdb`."""
    env = _environment(root)
    generate(root / "landing", DemoSize(), seed=seed, effects=effects)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
        with duckdb.connect(str(settings.build_db)) as con:
            for source in load_contract().sources:
                ingest_source(con, settings, source)
            run_enrichment(con)
    run_dbt(root / "build.duckdb", "build")
    # What the build ran, unit tests included (production runs exclude them): for
    # tests/test_dbt_unit_tests.py, whatever later runs dbt in this folder.
    shutil.copy(root / "target" / "run_results.json", root / BUILD_RESULTS)
