"""The dbt manifest is re-parsed only when a dbt source file is newer than it (`make setup`'s
rule, which `empathy dev` follows on start and reload)."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.dbt_manifest import manifest_is_stale


def _write(path: Path, mtime: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_manifest_is_stale_only_when_a_dbt_source_is_newer(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    model = _write(project / "models" / "marts" / "fct_x.sql", 1_000)
    _write(project / "seeds" / "targets.csv", 1_000)
    _write(project / "dbt_project.yml", 1_000)
    manifest = project / "target" / "manifest.json"
    assert manifest_is_stale(manifest, project)  # never parsed

    _write(manifest, 2_000)
    assert not manifest_is_stale(manifest, project)

    # dbt's own output and files that are not dbt sources do not count
    _write(project / "target" / "compiled" / "fct_x.sql", 3_000)
    _write(project / "logs" / "dbt.log", 3_000)
    _write(project / "macros" / "notes.txt", 3_000)
    assert not manifest_is_stale(manifest, project)

    os.utime(model, (3_000, 3_000))
    assert manifest_is_stale(manifest, project)
    _write(manifest, 4_000)
    _write(project / "models" / "staging" / "_sources.yml", 5_000)
    assert manifest_is_stale(manifest, project)
    _write(manifest, 6_000)
    _write(project / "macros" / "README.md", 7_000)  # docs blocks are parsed too
    assert manifest_is_stale(manifest, project)
