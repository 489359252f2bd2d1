"""Day to day: schedule, writer pool, retries (never for bad data), failed-run record."""

import json

import dagster as dg
import pytest
from resources_kit import resources

from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import (
    TRANSIENT_RETRY,
    BadDataFailure,
    daily_pipeline_schedule,
    record_failed_runs,
)
from orchestration.failed_runs import failed_runs_path, read_failed_runs, scrub_error
from orchestration.settings import Settings

_QUICK_RETRY = dg.RetryPolicy(
    max_retries=TRANSIENT_RETRY.max_retries, delay=0, backoff=TRANSIENT_RETRY.backoff
)


def test_the_daily_schedule_requests_the_pipeline() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=None)
    run_requests = daily_pipeline_schedule.evaluate_tick(context).run_requests
    assert daily_pipeline_schedule.job_name == "empathy_pipeline"
    assert daily_pipeline_schedule.cron_schedule == "0 6 * * *"
    assert len(run_requests) == 1


def test_every_asset_but_the_scorecard_writes_or_reads_the_build_database_in_the_pool() -> None:
    from orchestration.definitions import defs

    outside = {
        node.key.to_user_string()
        for node in defs.resolve_asset_graph().asset_nodes
        if WRITER_POOL not in (node.pools or set())
    }
    assert outside == {"board_scorecard"}
    pools = {check.node_def.name: check.node_def.pool for check in defs.asset_checks}
    assert pools["gx_mart_suites"] == WRITER_POOL


def _job_failing_with(error: Exception, failures_before_success: int) -> dg.JobDefinition:
    attempts = []

    @dg.op(retry_policy=_QUICK_RETRY)
    def flaky() -> int:
        attempts.append(1)
        if len(attempts) <= failures_before_success:
            raise error
        return len(attempts)

    @dg.job
    def job() -> None:
        flaky()

    job.attempts = attempts
    return job


def test_transient_failures_are_retried_and_bad_data_is_not() -> None:
    transient = _job_failing_with(OSError("database is locked by another process"), 2)
    assert transient.execute_in_process(raise_on_error=False).success
    assert len(transient.attempts) == 3

    bad_data = _job_failing_with(BadDataFailure("NPS of 140 in marts.fct_nps"), 5)
    assert not bad_data.execute_in_process(raise_on_error=False).success
    assert len(bad_data.attempts) == 1


@pytest.mark.parametrize(
    ("raw", "leaked"),
    [
        ("Conversion Error: Could not convert string 'Jane Doe' to INT32\nLINE 1: ...", "Jane"),
        ('duplicate key "jane.doe@example.com" in restricted.customers_pii', "jane.doe"),
        ("no customer for phone +1 (555) 123-4567", "555"),
    ],
)
def test_error_messages_are_scrubbed_of_values(raw: str, leaked: str) -> None:
    scrubbed = scrub_error(raw)
    assert leaked not in scrubbed
    assert "\n" not in scrubbed and scrubbed


def test_the_failure_sensor_records_the_failed_step_without_values(
    isolated_settings: Settings,
) -> None:
    @dg.op
    def load_exports() -> None:
        raise ValueError("could not parse 'Jane Doe' (jane@example.com) as a date")

    @dg.job
    def empathy_pipeline() -> None:
        load_exports()

    with dg.DagsterInstance.ephemeral() as instance:
        result = empathy_pipeline.execute_in_process(instance=instance, raise_on_error=False)
        failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
        context = dg.build_run_status_sensor_context(
            sensor_name="record_failed_runs",
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            resources=resources(isolated_settings),
        ).for_run_failure()
        record_failed_runs(context)
        record_failed_runs(context)  # a sensor re-evaluation must not list the run twice

    (record,) = read_failed_runs(isolated_settings)
    assert record["run_id"] == result.run_id and record["job"] == "empathy_pipeline"
    assert [step["step"] for step in record["steps"]] == ["load_exports"]
    assert record["steps"][0]["error_class"] == "ValueError"
    stored = failed_runs_path(isolated_settings).read_text()
    assert "Jane" not in stored and "jane@" not in stored
    assert "could not parse" in json.loads(stored.splitlines()[0])["steps"][0]["message"]
