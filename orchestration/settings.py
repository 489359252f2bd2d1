"""Every path and knob the pipeline uses, in one place, overridable by environment variables.

Defaults are safe for a laptop: everything generated lives under ``data/`` in the project
(git-ignored), and the pseudonymization key lives outside the project and outside every
database, in the user's config directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
CONTRACTS_DIR = PROJECT_ROOT / "contracts"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# Schemas of the build database. `raw` and `enrichment` are what dbt reads as sources;
# `restricted` holds personal data and quarantined originals and is never read by dbt
# nor published; `ingest` holds the ledger.
RAW_SCHEMA = "raw"
RESTRICTED_SCHEMA = "restricted"
INGEST_SCHEMA = "ingest"
ENRICHMENT_SCHEMA = "enrichment"
MARTS_SCHEMA = "marts"


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


def workspace_dir() -> Path | None:
    """`EMPATHY_WORKSPACE` (made by `empathy init`): every default path lives under it."""
    value = os.environ.get("EMPATHY_WORKSPACE")
    return Path(value).expanduser().resolve() if value else None


def _default_key_file() -> Path:
    config_home = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return config_home / "empathy-warehouse" / "pseudonym.key"


MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
# DuckDB's memory per process, unless EMPATHY_DUCKDB_MEMORY_LIMIT / EMPATHY_DBT_MEMORY_LIMIT say
# otherwise: the pipeline's process (ingestion, text scoring, the Python models, publication)
# holds Dagster, pandas and scikit-learn beside DuckDB (about 0.5 GB), dbt's about 0.25 GB, so
# dbt's build gets more and each process stays under 2 GB (DECISIONLOG.md, "dbt's build has its
# own DuckDB memory bound").
# dbt_project/profiles.yml repeats dbt's as its own default (dbt by hand): a test keeps the two
# equal, since the profile's settings are part of dbt's parse state.
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_DBT_MEMORY_LIMIT = "1536MB"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build one with :meth:`from_env`."""

    landing_dir: Path
    mappings_dir: Path
    build_db: Path
    serving_dir: Path
    reports_dir: Path
    key_file: Path
    serving_storage_version: str
    keep_versions: int
    # Python models (churn, support need, CLV) retrain when the data's as-of date has moved
    # this many days past the one they were trained on; other runs score with the stored model.
    retrain_after_days: int = 30
    # DuckDB's memory in the pipeline's writing connections (`duckdb_memory_limit`) and in
    # dbt's build (`dbt_memory_limit`); beyond it DuckDB spills to disk (the build database's
    # folder) instead of growing. DuckDB's own default is 80% of RAM.
    duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT
    dbt_memory_limit: str = DEFAULT_DBT_MEMORY_LIMIT

    def __post_init__(self) -> None:
        for variable, value in (
            ("EMPATHY_DUCKDB_MEMORY_LIMIT", self.duckdb_memory_limit),
            ("EMPATHY_DBT_MEMORY_LIMIT", self.dbt_memory_limit),
        ):
            if not MEMORY_LIMIT.fullmatch(value):
                raise ValueError(
                    f"{variable}={value!r} is not a memory size: "
                    "write a number and a unit, e.g. 1GB, 1536MB or 4GiB."
                )

    def connect_build(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """The build database (a context manager) with DuckDB's memory limited (for writers)."""
        import duckdb

        con = duckdb.connect(str(self.build_db), read_only=read_only)
        con.execute(f"SET memory_limit = '{self.duckdb_memory_limit}'")
        return con

    @property
    def serving_db(self) -> Path:
        """The file BI tools open read-only; replaced atomically on each publication."""
        return self.serving_dir / "empathy.duckdb"

    @property
    def versions_dir(self) -> Path:
        """Earlier publications kept for rollback."""
        return self.serving_dir / "versions"

    @classmethod
    def from_env(cls) -> Settings:
        workspace = workspace_dir()
        data = _path("EMPATHY_DATA_DIR", workspace or PROJECT_ROOT / "data")
        mappings = workspace / "mappings" if workspace else PROJECT_ROOT / "mappings"
        return cls(
            landing_dir=_path("EMPATHY_LANDING_DIR", data / "landing"),
            mappings_dir=_path("EMPATHY_MAPPINGS_DIR", mappings),
            build_db=_path("EMPATHY_BUILD_DB", data / "warehouse" / "build.duckdb"),
            serving_dir=_path("EMPATHY_SERVING_DIR", data / "serving"),
            reports_dir=_path("EMPATHY_REPORTS_DIR", data / "reports"),
            key_file=_path("EMPATHY_KEY_FILE", _default_key_file()),
            serving_storage_version=os.environ.get("EMPATHY_SERVING_STORAGE_VERSION", "v1.0.0"),
            keep_versions=int(os.environ.get("EMPATHY_KEEP_VERSIONS", "5")),
            retrain_after_days=int(os.environ.get("EMPATHY_RETRAIN_AFTER_DAYS", "30")),
            duckdb_memory_limit=os.environ.get(
                "EMPATHY_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT
            ).strip(),
            dbt_memory_limit=os.environ.get(
                "EMPATHY_DBT_MEMORY_LIMIT", DEFAULT_DBT_MEMORY_LIMIT
            ).strip(),
        )


def environment_under(root: Path) -> dict[str, str]:
    """Environment variables that put every path of the pipeline (and Dagster's) under `root`.

    For isolated runs: tests, benchmarks, a trial on a copy of the data.
    """
    data = root / "data"
    return {
        "EMPATHY_DATA_DIR": str(data),
        "EMPATHY_LANDING_DIR": str(data / "landing"),
        "EMPATHY_BUILD_DB": str(data / "warehouse" / "build.duckdb"),
        "EMPATHY_SERVING_DIR": str(data / "serving"),
        "EMPATHY_REPORTS_DIR": str(data / "reports"),
        "EMPATHY_KEY_FILE": str(root / "secrets" / "pseudonym.key"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
