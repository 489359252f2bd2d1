"""Per-run log of file-batch validations, one JSON line per file: counts, never values.

Kept as files under `<reports>/validation/batches/` rather than in the build database, so it
can be written while ingestion holds the database and read without opening it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from orchestration.quality.gx_validation import Outcome
from orchestration.settings import Settings


def batch_log_path(settings: Settings, run_id: str) -> Path:
    """This run's batch log file."""
    return settings.reports_dir / "validation" / "batches" / f"{run_id}.jsonl"


def record_batch(
    settings: Settings, run_id: str, entity: str, rows: int, outcomes: list[Outcome]
) -> None:
    """Append one file's outcomes (the ledger row of the file carries the same verdict)."""
    record = {
        "entity": entity,
        "rows": rows,
        "validated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "outcomes": [o.as_dict() for o in outcomes],
    }
    path = batch_log_path(settings, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def read_batches(settings: Settings, run_id: str) -> list[dict[str, Any]]:
    """Every file validated in this run, in order."""
    path = batch_log_path(settings, run_id)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
