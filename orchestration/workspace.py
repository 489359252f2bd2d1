"""`empathy init DIR`: a workspace for one's own exports, apart from the demo."""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.settings import PROJECT_ROOT

SOURCES = ("reviews", "surveys", "crm", "hr")
FOLDERS = ("landing", "mappings", "warehouse", "serving", "reports", "dagster_home")


class WorkspaceError(ValueError):
    """A folder that cannot become a workspace; the message says why and what to do."""


def init_workspace(root: Path) -> list[Path]:
    """Create the workspace folders, copy the mapping templates and Dagster's settings.

    Never overwrites: an existing mapping file is kept. Returns the files written.
    """
    root = root.expanduser().resolve()
    inside = root.parts[len(PROJECT_ROOT.parts)] if PROJECT_ROOT in root.parents else None
    if root == PROJECT_ROOT or inside in ("data", "mappings", ".dagster_home"):
        raise WorkspaceError(f"{root} is the demo's own folder; choose a folder of your own")
    written = []
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        (root / "landing" / source).mkdir(exist_ok=True)
    templates = PROJECT_ROOT / "mappings"
    for template in [*sorted(templates.glob("*.yml")), templates / "README.md"]:
        target = root / "mappings" / template.name
        if not target.exists():
            shutil.copyfile(template, target)
            written.append(target)
    dagster_yaml = root / "dagster_home" / "dagster.yaml"
    if not dagster_yaml.exists():
        shutil.copyfile(PROJECT_ROOT / "orchestration" / "dagster.yaml", dagster_yaml)
        written.append(dagster_yaml)
    return written


def instructions(root: Path) -> str:
    """What to do next, printed by `empathy init`."""
    root = root.expanduser().resolve()
    return f"""Workspace ready: {root}
  landing/<source>/   put your exports here (copies, not links): reviews, surveys, crm, hr
  mappings/           one file per source, copied from the demo's mappings as templates:
                      set `files:` to your file names and map `columns:` to your headers
                      (mappings/README.md; `values:` translates values like "Internet": web)
  warehouse/ serving/ reports/ dagster_home/   the databases, the BI file, the scorecard,
                      and Dagster's run history, all apart from the demo's

Next:
  1. cp my_export.csv {root}/landing/reviews/
  2. edit {root}/mappings/reviews.yml (delete the sources you do not have)
  3. EMPATHY_WORKSPACE={root} .venv/bin/empathy check-mapping     (loads nothing)
  4. make run EMPATHY_WORKSPACE={root}
  5. make dev EMPATHY_WORKSPACE={root}                             (the Dagster UI)
  (or `export EMPATHY_WORKSPACE={root}` once; the demo stays in data/.)"""
