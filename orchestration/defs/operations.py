"""Day-to-day operation: the daily schedule, retries, and the record of failed runs.

- Transient failures (a database file briefly locked by another process, an interrupted I/O
  call: `orchestration.errors.is_transient`) are retried with exponential backoff:
  `TRANSIENT_RETRY` on every writer asset (ingest, text scoring, dbt, checks, publication).
- Everything else is never retried: writer steps run their body in `only_transient_retried()`,
  which turns any other error (bad data, a mapping or key error, a bug) into `NotRetried`, a
  `dg.Failure` with `allow_retries=False` that Dagster fails at once whatever the policy.
  `BadDataFailure` is the same for errors the code raises on purpose.
- Failed runs are recorded by the `record_failed_runs` sensor (`orchestration.failed_runs`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import dagster as dg

from orchestration.defs.jobs import empathy_pipeline
from orchestration.defs.resources import SettingsResource
from orchestration.errors import cause_chain, is_transient
from orchestration.failed_runs import CHECKS_NOT_RUN, record_failed_run

TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class BadDataFailure(dg.Failure):
    """The data is wrong; a retry would fail the same way, so Dagster does not retry."""

    def __init__(self, description: str, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(description=description, metadata=metadata, allow_retries=False)


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


@dg.run_failure_sensor(
    name="record_failed_runs",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Records every failed run (no data values) for the scorecard and the UI.",
)
def record_failed_runs(context: dg.RunFailureSensorContext, settings: SettingsResource) -> None:
    record = record_failed_run(settings.get(), context.instance, context.dagster_run)
    failed_steps = ", ".join(step["step"] for step in record["steps"]) or "no step"
    context.log.info(f"recorded failed run {record['run_id']} (failed: {failed_steps})")


defs = dg.Definitions(schedules=[daily_pipeline_schedule], sensors=[record_failed_runs])
