"""The record of failed runs: what failed and why, without data values.

Every failed run (run id, time, failed steps, and for each the whole cause chain: error
classes and messages, scrubbed of quoted values, emails and long numbers) is appended to
`<reports>/operations/failed_runs.jsonl`, a file rather than the build database (which may be
locked), where the scorecard and the UI can show it. Written by `empathy run` and by the
`record_failed_runs` sensor (`orchestration/defs/operations.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.settings import Settings

# The message prefix of a publication started without its checks (an operator's mistake, not
# bad data): the board's failed-run list leaves such runs out.
CHECKS_NOT_RUN = "Started without its checks:"


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_LONG_NUMBER = re.compile(r"\+?\d[\d ()./-]{6,}\d")


def scrub_error(message: str | None, limit: int = 2000) -> str:
    """An error message (all lines, joined by " | "), without quoted literals, emails, numbers.

    Database and parser errors quote the offending value ("could not convert 'Jane' ..."):
    the record keeps what went wrong, never the value. File names and dbt's error text stay.
    """
    text = " | ".join(line.strip() for line in (message or "").splitlines() if line.strip())
    scrubbed = _LONG_NUMBER.sub("<number>", _EMAIL.sub("<email>", _QUOTED.sub("'…'", text)))
    return scrubbed[:limit]


def _error_chain(error: Any) -> list[dict[str, str | None]]:
    """Every error of a step failure: the error, its causes and contexts, outermost first."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append({"error_class": error.cls_name, "message": scrub_error(error.message)})
        error = error.cause or error.context
    return chain


def failed_runs_path(settings: Settings) -> Path:
    """The failed-run record file."""
    return settings.reports_dir / "operations" / "failed_runs.jsonl"


def record_failed_run(settings: Settings, instance: dg.DagsterInstance, run: dg.DagsterRun) -> dict:
    """Append one failed run, with its failed steps read from the run's event log."""
    step_failures = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    steps = []
    for entry in step_failures:
        event = entry.get_dagster_event()
        chain = _error_chain(event.step_failure_data.error)
        root = chain[-1] if chain else {"error_class": None, "message": ""}
        steps.append(
            {
                "step": event.step_key,
                "error_class": root["error_class"],  # the innermost cause
                "message": root["message"],
                "cause_chain": chain,
            }
        )
    record = {
        "run_id": run.run_id,
        "job": run.job_name,
        "failed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "steps": steps,
    }
    path = failed_runs_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    return record


def is_data_failure(record: dict) -> bool:
    """False for a run whose every failed step only said it was started without its checks."""
    steps = record.get("steps") or []
    return not steps or not all(
        any(CHECKS_NOT_RUN in (c.get("message") or "") for c in s.get("cause_chain", []))
        or CHECKS_NOT_RUN in (s.get("message") or "")
        for s in steps
    )


def read_failed_runs(settings: Settings, limit: int = 20) -> list[dict]:
    """The latest failed runs, newest first, one record per run."""
    path = failed_runs_path(settings)
    if not path.exists():
        return []
    by_run = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line:
            record = json.loads(line)
            if not is_data_failure(record):
                continue
            by_run[record["run_id"]] = record
    return sorted(by_run.values(), key=lambda r: r["failed_at"], reverse=True)[:limit]
