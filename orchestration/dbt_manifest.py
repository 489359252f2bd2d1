"""Whether the parsed dbt manifest is older than the dbt project's files.

`make setup` parses when a dbt file changed (its Makefile rule); `empathy dev` parses on
start or reload under the same rule (`orchestration/defs/dbt_models.py`), not every time:
a parse rewrites the manifest that other processes read, and dbt's partial-parse state,
which then fits only the profile it was written with.
"""

from __future__ import annotations

import os
from pathlib import Path

# The files the Makefile's manifest rule depends on (DBT_SOURCES): models, tests, macros,
# properties, docs blocks, seeds, dbt_project.yml and profiles.yml; dbt's output (the
# manifest's own folder) is not among them.
SOURCE_SUFFIXES = frozenset({".sql", ".yml", ".csv", ".md"})


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
