"""One way for tests to run dbt on a database of their own: the project's dbt, its
profiles, and target and log folders beside the database (never the repository's).

dbt runs in the test's process (`dbtRunner`, dbt's programmatic entry point): a dbt process
of its own would import dbt again for every run (about 4 of a small run's 5.5 CPU-s). Its
console lines are kept as the result's `stdout`.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from orchestration.settings import DBT_PROJECT_DIR

if TYPE_CHECKING:
    from dbt_common.events.base_types import EventMsg

PARSE_STATE_FILE = "partial_parse.msgpack"  # dbt's parse state in a target folder
PARSE_STATE_DIR: Path | None = None


def _shared_state(build_db: Path, project_dir: Path) -> Path | None:
    """This worker's newest parse state of `project_dir` for a profile like `build_db` gets."""
    if PARSE_STATE_DIR is None:
        return None
    memory = os.environ.get("EMPATHY_DBT_MEMORY_LIMIT", "default")
    return PARSE_STATE_DIR / f"{project_dir.name}-{build_db.name}-{memory}.msgpack"


@dataclass(frozen=True)
class DbtResult:
    """What a dbt command line would have given: its exit status and its console lines."""

    returncode: int
    stdout: str


def _close_dbt_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in the process after a run: the test's
    own connections would share its instance (and ingestion locks an instance's settings)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


def run_dbt(
    build_db: Path,
    *args: str,
    work_dir: Path | None = None,
    check: bool = True,
    project_dir: Path = DBT_PROJECT_DIR,
):
    """`dbt <args>` on `build_db`; asserts success unless `check` is false.

    `work_dir` holds dbt's target and log folders (default: the database's folder);
    `project_dir` is a dbt project using the product's profile (default: the product's).
    """
    from dbt.cli.main import dbtRunner

    work = work_dir or build_db.parent
    state, shared = work / "target" / PARSE_STATE_FILE, _shared_state(build_db, project_dir)
    if shared is not None and shared.exists() and not state.exists():
        state.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared, state)
    lines: list[str] = []

    def console(event: EventMsg) -> None:  # the lines dbt's console shows
        if event.info.level in ("info", "warn", "error"):
            lines.append(event.info.msg)

    command = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    with pytest.MonkeyPatch.context() as patch:  # the folder and path the profile reads
        patch.chdir(build_db.parent)
        patch.setenv("EMPATHY_BUILD_DB", build_db.name)
        try:
            outcome = dbtRunner(callbacks=[console]).invoke(command)
        finally:
            _close_dbt_database()
    if outcome.exception is not None:
        lines.append(f"{type(outcome.exception).__name__}: {outcome.exception}")
    if shared is not None and state.exists():
        shutil.copyfile(state, shared)
    result = DbtResult(0 if outcome.success else 1, "\n".join(lines))
    if check:
        assert result.returncode == 0, result.stdout[-4000:]
    return result
