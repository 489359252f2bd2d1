"""Whether the parsed dbt manifest is older than the dbt project's files, and where a build
database's dbt artifacts live.

`make setup` parses when a dbt file changed (its Makefile rule); `empathy dev` parses on
start or reload under the same rule (`orchestration/defs/dbt_models.py`), not every time:
a parse rewrites the manifest that other processes read, and dbt's partial-parse state,
which then fits only the profile it was written with.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The files the Makefile's manifest rule depends on (DBT_SOURCES): models, tests, macros,
# properties, docs blocks, seeds, dbt_project.yml and profiles.yml; dbt's output (the
# manifest's own folder) is not among them.
SOURCE_SUFFIXES = frozenset({".sql", ".yml", ".csv", ".md"})
RUN_TARGET = "dbt_target"


def dbt_executable() -> str:
    """The `dbt` next to this interpreter (the virtualenv's), else whatever is on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def run_target_path(build_db: Path) -> Path:
    """dbt's target folder for the builds of `build_db`: run results, logs and the parse state,
    beside the database they describe (one writer at a time, so one dbt at a time uses it)."""
    return build_db.parent / RUN_TARGET


def newest_source_mtime(project_dir: Path, output_dir: Path) -> float:
    """Modification time of the newest dbt source file under `project_dir`, `output_dir`
    left out (0 if none)."""
    newest = 0.0
    for folder, subfolders, files in os.walk(project_dir):
        subfolders[:] = [name for name in subfolders if Path(folder, name) != output_dir]
        for name in files:
            if Path(name).suffix in SOURCE_SUFFIXES:
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def manifest_is_stale(manifest_path: Path, project_dir: Path) -> bool:
    """True when the manifest is missing or a dbt source file is newer than it."""
    if not manifest_path.exists():
        return True
    newest = newest_source_mtime(project_dir, manifest_path.parent)
    return newest > manifest_path.stat().st_mtime
