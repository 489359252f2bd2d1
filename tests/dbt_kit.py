"""One way for tests to run dbt on a database of their own: the project's dbt, its
profiles, and target and log folders beside the database (never the repository's).

dbt reuses a parse state only under the same profile, and the database path is part of it:
each test database would make dbt parse the whole project again (6-8 s). So dbt runs in the
database's folder with the file's bare name as its path (every test database is named
`build.duckdb`, the profile's catalog), and a new target folder starts from the parse state
of this worker's previous dbt run (`PARSE_STATE_DIR`, set by conftest): dbt then checks the
project's files and parses only what changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from orchestration.dbt_manifest import dbt_executable
from orchestration.settings import DBT_PROJECT_DIR

PARSE_STATE_FILE = "partial_parse.msgpack"  # dbt's parse state in a target folder
PARSE_STATE_DIR: Path | None = None


def _shared_state(build_db: Path) -> Path | None:
    """This worker's newest parse state for a profile like the one `build_db` gets."""
    if PARSE_STATE_DIR is None:
        return None
    memory = os.environ.get("EMPATHY_DBT_MEMORY_LIMIT", "default")
    return PARSE_STATE_DIR / f"{build_db.name}-{memory}.msgpack"


def run_dbt(build_db: Path, *args: str, work_dir: Path | None = None, check: bool = True):
    """`dbt <args>` on `build_db`; asserts success unless `check` is false.

    `work_dir` holds dbt's target and log folders (default: the database's folder).
    """
    work = work_dir or build_db.parent
    state, shared = work / "target" / PARSE_STATE_FILE, _shared_state(build_db)
    if shared is not None and shared.exists() and not state.exists():
        state.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared, state)
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
        cwd=build_db.parent,
        env={**os.environ, "EMPATHY_BUILD_DB": build_db.name},
        capture_output=True,
        text=True,
    )
    if shared is not None and state.exists():
        shutil.copyfile(state, shared)
    if check:
        assert result.returncode == 0, result.stdout[-4000:]
    return result
