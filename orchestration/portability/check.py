"""`empathy spark-check`: the dbt models built on Spark from the build database's sources,
every published mart compared with the DuckDB build."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.portability.compare import MartComparison, compare_marts, report
from orchestration.portability.export import export_sources
from orchestration.portability.manifest import (
    downstream_of,
    non_portable_models,
    published_marts,
)
from orchestration.portability.spark_paths import JAVA_MISSING, SparkPaths, java_version


class SparkUnavailable(RuntimeError):
    """The Spark build cannot start here (no Java runtime, or dbt-spark/pyspark missing)."""


@dataclass(frozen=True)
class SparkCheck:
    """The outcome of one Spark build and its comparison with the DuckDB build."""

    dbt_succeeded: bool
    comparisons: list[MartComparison]
    non_portable: list[tuple[str, str]]
    seconds: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.dbt_succeeded and all(c.equal for c in self.comparisons)

    def report(self) -> str:
        head = (
            "dbt build on Spark: succeeded"
            if self.dbt_succeeded
            else f"dbt build on Spark: FAILED (log: {self.log})"
        )
        return f"{head}\n{report(self.comparisons, self.non_portable)}\n({self.seconds:.0f} s)"


def ensure_spark_available() -> None:
    """Raise SparkUnavailable with the fix when Java or the `spark` extra is missing."""
    if java_version() is None:
        raise SparkUnavailable(JAVA_MISSING)
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(
            f"dbt-spark with PySpark is not installed ({exc}): pip install -e '.[spark]'"
        ) from exc


def run_spark_check(
    build_db: Path,
    work_dir: Path,
    data_tests: bool = True,
    timeout: int = 3600,
    java_options: str = "",
) -> SparkCheck:
    """Build every portable model on a local Spark from `build_db`'s sources; compare marts.

    `data_tests=False` builds seeds and models only (dbt's data tests already ran on DuckDB;
    the CI test uses it to stay within its time, and `java_options` to tune the JVM for its
    small demo). Unit tests never run on Spark: they check the metric math, which does not
    depend on the engine, and dbt builds their fixtures as CTEs that the Spark implementation
    of `people_suppression` (scratch tables) cannot read.
    """
    ensure_spark_available()
    started = time.monotonic()
    paths = SparkPaths(work_dir)
    paths.reset()
    export_sources(build_db, paths.sources)
    command = [sys.executable, "-m", "orchestration.portability.spark_job", "--work", str(work_dir)]
    if not data_tests:
        command.append("--no-data-tests")
    if java_options:
        command.append(f"--java-options={java_options}")
    log = work_dir / "spark_build.log"
    with log.open("w") as out:
        result = subprocess.run(
            command,
            env={**os.environ, **paths.environment()},
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    manifest = paths.dbt_target / "manifest.json"
    if not manifest.exists():
        return SparkCheck(False, [], [], time.monotonic() - started, log)
    declared = non_portable_models(manifest)
    non_portable = [(m.model, m.reason) for m in declared]
    for model in downstream_of(manifest, [m.model for m in declared]):
        non_portable.append((model, "built from a model that runs on DuckDB only"))
    skipped = {name for name, _ in non_portable}
    marts = [m for m in published_marts(manifest) if m not in skipped]
    comparisons = compare_marts(build_db, paths.marts, marts)
    return SparkCheck(
        result.returncode == 0, comparisons, non_portable, time.monotonic() - started, log
    )
