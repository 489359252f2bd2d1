"""One way for tests to run dbt on a database of their own: the project's dbt, its
profiles, and target and log folders beside the database (never the repository's)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from orchestration.dbt_manifest import dbt_executable
from orchestration.settings import DBT_PROJECT_DIR


def run_dbt(build_db: Path, *args: str, work_dir: Path | None = None, check: bool = True):
    """`dbt <args>` on `build_db`; asserts success unless `check` is false.

    `work_dir` holds dbt's target and log folders (default: the database's folder).
    """
    work = work_dir or build_db.parent
    result = subprocess.run(
        [
            dbt_executable(),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        env={**os.environ, "EMPATHY_BUILD_DB": str(build_db)},
        capture_output=True,
        text=True,
    )
    if check:
        assert result.returncode == 0, result.stdout[-4000:]
    return result
