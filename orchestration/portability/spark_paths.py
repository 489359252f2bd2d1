"""Where a local Spark build keeps its files, and the environment the `spark` dbt target reads.

Everything lives in one work folder: the Parquet exports of the build database's sources, the
Spark warehouse and its Derby metastore, dbt's target and logs, and the marts Spark built,
written back as Parquet for the comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# The schemas of the build database that dbt reads as sources (seeds are loaded by dbt).
SOURCE_SCHEMAS = ("raw", "enrichment")
JAVA_MISSING = (
    "Java is not installed: the Spark build needs a Java runtime "
    "(Debian: `apt-get install default-jre-headless`, or `make spark-setup`)."
)


@dataclass(frozen=True)
class SparkPaths:
    """The folders of one local Spark build under `root`."""

    root: Path

    @property
    def sources(self) -> Path:
        """Parquet exports of the source schemas: `<schema>/<table>.parquet`."""
        return self.root / "sources"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def marts(self) -> Path:
        """The marts built by Spark, one Parquet folder per model."""
        return self.root / "marts"

    @property
    def dbt_target(self) -> Path:
        return self.root / "target"

    @property
    def dbt_logs(self) -> Path:
        return self.root / "logs"

    def environment(self) -> dict[str, str]:
        """The variables dbt_project/profiles.yml reads for the `spark` target."""
        return {"EMPATHY_SPARK_DIR": str(self.root.resolve())}

    def reset(self) -> None:
        """Remove the warehouse, metastore and outputs of an earlier build."""
        for name in ("sources", "warehouse", "metastore_db", "marts", "target", "logs"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)


def java_version() -> str | None:
    """The first line of `java -version`, or None when no Java runtime is on PATH."""
    java = shutil.which("java") or (
        str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if "JAVA_HOME" in os.environ else None
    )
    if not java or not Path(java).exists():
        return None
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[0] if result.returncode == 0 and lines else None
