"""Day-to-day operation: the daily schedule, retries, and the record of failed runs.

- Transient failures (a database file briefly locked by another process, an interrupted I/O
  call: `orchestration.errors.is_transient`) are retried with exponential backoff:
  `TRANSIENT_RETRY` on every writer asset (ingest, text scoring, dbt, checks, publication).
- Everything else is never retried: writer steps run their body in `only_transient_retried()`,
  which turns any other error (bad data, a mapping or key error, a bug) into `NotRetried`, a
  `dg.Failure` with `allow_retries=False` that Dagster fails at once whatever the policy.
  `BadDataFailure` is the same for errors the code raises on purpose.
- Failed runs are recorded (run id, time, failed steps, and for each the whole cause chain:
  error classes and messages, scrubbed of quoted values, emails and long numbers) in
  `<reports>/operations/failed_runs.jsonl`, a file rather than the build database (which may
  be locked), where the scorecard and the UI can show them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.defs.jobs import empathy_pipeline
from orchestration.errors import cause_chain, is_transient
from orchestration.settings import Settings

TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class BadDataFailure(dg.Failure):
    """The data is wrong; a retry would fail the same way, so Dagster does not retry."""

    def __init__(self, description: str, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(description=description, metadata=metadata, allow_retries=False)


CHECKS_NOT_RUN = "Started without its checks:"


class ChecksNotRun(dg.Failure):
    """Publication started without the checks it needs (e.g. `serving_database` alone): an
    operator's mistake, not bad data. Its message starts with CHECKS_NOT_RUN and is one line;
    the board's failed-run list leaves such runs out."""

    def __init__(self, description: str) -> None:
        super().__init__(description=f"{CHECKS_NOT_RUN} {description}", allow_retries=False)


class NotRetried(dg.Failure):
    """A step error that is not transient: retrying would fail the same way."""

    def __init__(self, description: str) -> None:
        super().__init__(description=description, allow_retries=False)


@contextlib.contextmanager
def only_transient_retried() -> Iterator[None]:
    """Let transient errors through (the retry policy retries them); fail the rest at once."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        if is_transient(exc):
            raise
        chain = " <- ".join(f"{type(e).__name__}: {e}" for e in cause_chain(exc))
        raise NotRetried(f"not retried (not a transient error): {chain}") from exc


daily_pipeline_schedule = dg.ScheduleDefinition(
    name="daily_empathy_pipeline",
    job=empathy_pipeline,
    cron_schedule="0 6 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 06:00 UTC: ingest new exports, rebuild, gate and publish.",
)

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


@dg.run_failure_sensor(
    name="record_failed_runs",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records every failed run (no data values) for the scorecard and the UI.",
)
def record_failed_runs(context: dg.RunFailureSensorContext) -> None:
    record = record_failed_run(Settings.from_env(), context.instance, context.dagster_run)
    failed_steps = ", ".join(step["step"] for step in record["steps"]) or "no step"
    context.log.info(f"recorded failed run {record['run_id']} (failed: {failed_steps})")


defs = dg.Definitions(schedules=[daily_pipeline_schedule], sensors=[record_failed_runs])
