"""`empathy run`: the whole pipeline once, in this process, recorded in the Dagster instance.

Used by `make run`. The run shows in the Dagster UI (`make dev`) like any other, because it
uses the same instance (``DAGSTER_HOME``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import dagster as dg

from orchestration.runlock import WRITER_RUN_TAG, pid_alive
from orchestration.settings import PROJECT_ROOT, Settings, workspace_dir

PID_TAG = "empathy/pid"


def _prepare_environment() -> None:
    """Put the virtualenv's `dbt` on PATH and point Dagster at the project's instance."""
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    workspace = workspace_dir()
    default_home = workspace / "dagster_home" if workspace else PROJECT_ROOT / ".dagster_home"
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(default_home)))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")


def recover_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark runs whose process died (e.g. SIGKILL) as failed and free their pool slots.

    Without a daemon nobody else notices such a run, and the slot it held in the
    `duckdb_writer` pool would block every later run.
    """
    recovered = []
    in_flight = dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING])
    for run in instance.get_runs(filters=in_flight):
        pid = run.tags.get(PID_TAG)
        if pid is None or pid_alive(int(pid)):
            continue
        instance.report_run_failed(run, "The process running it ended without finishing.")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
    return recovered


def _other_writer_runs(instance: dg.DagsterInstance) -> list[str]:
    """Runs launched by the daemon (schedule, sensor, UI) that are writing the warehouse now."""
    in_flight = dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
        tags={WRITER_RUN_TAG: "warehouse"},
    )
    return [run.run_id for run in instance.get_runs(filters=in_flight)]


def _wait_for_other_writers(
    instance: dg.DagsterInstance, poll_seconds: float = 2.0, max_seconds: float = 3600.0
) -> None:
    """Wait for them; after `max_seconds` (a run left STARTED by a killed daemon) go on: the
    publication still refuses marts that differ from the ones its own gate checked."""
    told, started = False, time.monotonic()
    while (others := _other_writer_runs(instance)) and time.monotonic() - started < max_seconds:
        if not told:
            print(f"Waiting for run(s) {', '.join(others)} to finish writing the warehouse")
            told = True
        time.sleep(poll_seconds)


def _ensure_landing_data(settings: Settings) -> None:
    landing = settings.landing_dir
    if landing.exists() and any(p.is_file() for p in landing.rglob("*")):
        return
    if workspace_dir() is not None:  # one's own data: never mixed with demo exports
        print(
            f"The landing folder {landing} is empty: copy your exports into it (see "
            "`empathy init`); no demo data is written into a workspace."
        )
        return
    from empathy_devtools.demo.generator import generate

    truth = generate(landing)
    print(f"Landing folder was empty: wrote the demo exports to {landing} (ground truth {truth})")


def console_log_config() -> dict:
    """Run config for the console log: INFO by default (the per-file ingest summary stays
    readable); `EMPATHY_LOG_LEVEL=DEBUG` brings Dagster's step events back."""
    level = os.environ.get("EMPATHY_LOG_LEVEL", "INFO").upper()
    if level != "DEBUG":
        os.environ["EMPATHY_QUIET_DBT"] = "1"  # dbt's event echo goes to a file (dbt_models)
    return {"loggers": {"console": {"config": {"log_level": level}}}}


def run_pipeline(full_refresh: bool = False) -> int:
    """Materialize every asset once; print where the serving file and scorecard are.

    With nothing new since the last complete run, dbt, the checks, the publication and the
    scorecard are skipped (`orchestration.pipeline_state`); `full_refresh` rebuilds every
    dbt model from scratch (incremental ones included) and runs everything.
    """
    _prepare_environment()
    settings = Settings.from_env()
    _ensure_landing_data(settings)

    from orchestration.quality.gx_worker import start_worker, stop_worker

    start_worker()  # GX imports in another process while this one imports the definitions
    try:
        return _execute(settings, full_refresh)
    finally:
        stop_worker()


def _execute(settings: Settings, full_refresh: bool) -> int:
    from orchestration.definitions import defs
    from orchestration.failed_runs import record_failed_run
    from orchestration.pipeline_state import FULL_REFRESH_TAG
    from orchestration.runlock import pipeline_run_lock

    with (
        pipeline_run_lock(settings, on_wait=print),
        dg.DagsterInstance.get() as instance,
    ):
        for run_id in recover_abandoned_runs(instance):
            print(f"Recovered abandoned run {run_id} (its process had died)")
        _wait_for_other_writers(instance)
        job = defs.resolve_job_def("empathy_pipeline")
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={
                PID_TAG: str(os.getpid()),
                **({FULL_REFRESH_TAG: "true"} if full_refresh else {}),
            },
            run_config=console_log_config(),
        )
        if not result.success:
            record_failed_run(settings, instance, result.dagster_run)

    scorecard = settings.reports_dir / "scorecard" / "scorecard.html"
    if not result.success:
        print(f"Run {result.run_id} failed; see `make dev` (Runs) for the failing step.")
        print(f"The serving database was left as it was: {settings.serving_db}")
        return 1
    print(f"Run {result.run_id} succeeded.")
    if not result.asset_materializations_for_node("serving_database"):
        print("Nothing new since the last complete run: no dbt model ran, nothing published.")
    print(f"Serving database (open read-only in a BI tool): {settings.serving_db}")
    print(f"Board scorecard: {scorecard}")
    pdf = scorecard.with_suffix(".pdf")
    if pdf.exists():
        print(f"Board scorecard (PDF): {pdf}")
    else:
        print("Board scorecard (PDF): not written; install Chromium (apt-get install chromium)")
    return 0
