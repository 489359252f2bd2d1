"""One `empathy run` in a subprocess, in its own folder, and what it cost: steps, rows, texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt_manifest import dbt_executable, run_target_path
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, environment_under

LAUNCHER = Path(__file__).with_name("rusage_launcher.py")


@dataclass(frozen=True)
class RunFigures:
    """Wall time of one pipeline run, per Dagster step, and the warehouse after it."""

    label: str
    process_seconds: float
    run_seconds: float
    steps: dict[str, float]
    rows: dict[str, int] = field(default_factory=dict)
    texts_scored: int = 0
    cpu_seconds: float = 0.0  # user + system of the process and every process it waited for
    peak_rss_mb: float = 0.0  # the largest resident set of the process or one of its children
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)  # 1, 5, 15 min, at the start

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "process_seconds": round(self.process_seconds, 2),
            "run_seconds": round(self.run_seconds, 2),
            "steps": {k: round(v, 2) for k, v in self.steps.items()},
            "rows": self.rows,
            "texts_scored": self.texts_scored,
            "cpu_seconds": round(self.cpu_seconds, 2),
            "peak_rss_mb": round(self.peak_rss_mb),
            "load_average": [round(v, 2) for v in self.load_average],
        }


def latest_run_timings(dagster_home: Path) -> tuple[float, dict[str, float]]:
    """(run wall seconds, {step key: wall seconds}) of the newest run in the instance."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        run = instance.get_runs(limit=1)[0]
        stats = instance.get_run_stats(run.run_id)
        finished = [
            s
            for s in instance.get_run_step_stats(run.run_id)
            if s.start_time is not None and s.end_time is not None
        ]
    finished.sort(key=lambda s: s.start_time)
    steps = {s.step_key: s.end_time - s.start_time for s in finished}
    return (stats.end_time or 0.0) - (stats.start_time or 0.0), steps


def warehouse_counts(build_db: Path) -> tuple[dict[str, int], int]:
    """({entity: rows loaded so far}, distinct texts scored) from the build database."""
    with duckdb.connect(str(build_db), read_only=True) as con:
        rows = con.execute(
            "SELECT entity, sum(rows_loaded)::BIGINT FROM ingest.ledger "
            "WHERE rows_loaded > 0 GROUP BY entity ORDER BY entity"
        ).fetchall()
        texts = con.execute("SELECT count(*) FROM enrichment.text_scores").fetchone()
    return dict(rows), int(texts[0]) if texts else 0


def _run_target(root: Path) -> Path:
    """dbt's target folder for the runs under `root` (the pipeline's, beside its database)."""
    return run_target_path(Path(environment_under(root)["EMPATHY_BUILD_DB"]))


def parse_as_installed(root: Path) -> float:
    """What `make setup` does for the build database under `root`: `dbt parse` with that
    database's profile. dbt keeps a parse state for one profile (the database path is part of
    it), so without this the first run of a fresh folder parses the whole project, which a
    user's first `make run` after `make setup` does not. Returns the seconds it took.
    """
    target = _run_target(root)
    started = time.perf_counter()
    subprocess.run(
        [
            *(dbt_executable(), "parse", "--quiet"),
            *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
            *("--target-path", str(target), "--log-path", str(root / "install_logs")),
        ],
        env={**os.environ, **environment_under(root)},
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def parsed_whole_project(root: Path) -> bool:
    """Whether dbt's last build under `root` parsed the whole project (its parse state did
    not fit: another profile, dbt version or project variables)."""
    log = _run_target(root) / "dbt_console.log"
    return "Unable to do partial parsing" in log.read_text("utf-8", errors="replace")


def run_pipeline(root: Path, label: str, *args: str) -> RunFigures:
    """`empathy run` with every path under `root`; raise with its output tail when it fails.

    CPU seconds and peak RSS come from `wait4` on the process (dbt's subprocess included),
    measured by `rusage_launcher.py` so that the bench's own memory is not counted: on a
    shared machine wall time depends on the other work, CPU seconds much less.
    """
    env = environment_under(root)
    full_env = {**os.environ, **env}
    full_env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), full_env["PATH"]])
    load = os.getloadavg()
    log = root / f"run_{label.replace(' ', '_')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "orchestration.cli", "run", *args]
    launched = subprocess.run(
        [sys.executable, str(LAUNCHER), str(log), *command],
        cwd=PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        check=True,
    )
    process_seconds = time.perf_counter() - started
    usage = json.loads(launched.stdout)
    if usage["returncode"] != 0:
        tail = log.read_text("utf-8")[-6000:]
        raise RuntimeError(f"{label}: `empathy run` failed:\n{tail}")
    run_seconds, steps = latest_run_timings(Path(env["DAGSTER_HOME"]))
    rows, texts = warehouse_counts(Path(env["EMPATHY_BUILD_DB"]))
    return RunFigures(
        label,
        process_seconds,
        run_seconds,
        steps,
        rows,
        texts,
        cpu_seconds=usage["cpu_seconds"],
        peak_rss_mb=usage["peak_rss_kb"] / 1024,
        load_average=load,
    )
