"""Helpers of the quality-gate and publication tests: a small synthetic build database.

The marts have the columns of the real dbt models, a few rows each, so the real suites in
`expectations/marts/` apply; `DEFECTS` plant the three kinds of bad data the gate must stop.
`gated_assets()` is the publication path of the pipeline with stand-ins for dbt.

Run as a script, it is the process the crash and reader tests start and kill:

    python tests/quality_kit.py run [--pause-in build|publish --marker FILE]
                                    [--variant NAME] [--hold-before-publish SECONDS --marker FILE]
                                    [--start-after FILE]
    python tests/quality_kit.py pipeline [--pause-in dbt|publish --marker FILE] [--full-refresh]
    python tests/quality_kit.py read SERVING_FILE

`run` materializes the gated assets in the instance of DAGSTER_HOME after recovering abandoned
runs, as `empathy run` does (holding the pipeline run lock); `pipeline` is `empathy run` itself.
With `--pause-in`, the process touches the marker in the middle of that phase and waits to be
killed. With `--variant`, the stand-in build rewrites the marts with content of its own (as a
run's dbt would); with `--hold-before-publish`, it touches the marker after the gate passed
and waits that many seconds before publishing (the window another run could use). `read` holds one
read-only connection and prints the served version at start and after every line on stdin.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from resources_kit import resources

from orchestration.defs.publish import build_serving_asset
from orchestration.defs.quality import build_mart_checks
from orchestration.publish.gate import blocking_checks_on
from orchestration.settings import Settings


def frame_batch(frame: pd.DataFrame) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A connection and relation holding `frame`'s rows, as the ingestion hook receives a file."""
    con = duckdb.connect()
    con.register("_frame", frame)
    con.execute("CREATE TABLE batch AS SELECT * FROM _frame")
    con.unregister("_frame")
    return con, "batch"


MART_TABLES = ("fct_csat", "fct_nps", "fct_ces")
MART_KEYS = [dg.AssetKey(["marts", table]) for table in MART_TABLES]

# grain, grain_value, period_start, n, and the counts each mart derives its rates from.
_ROWS = """
    ('overall', 'all', NULL, 120, 70, 20),
    ('month', '2024-01-01', '2024-01-01', 60, 36, 9),
    ('month', '2024-02-01', '2024-02-01', 60, 34, 11),
    ('day', '2024-02-28', '2024-02-28', 4, 2, 1)
"""

_MARTS_SQL = f"""
CREATE SCHEMA IF NOT EXISTS marts;
CREATE OR REPLACE TEMP VIEW grains AS
SELECT grain, grain_value, period_start::DATE AS period_start, n, hi, lo
FROM (VALUES {_ROWS}) AS t(grain, grain_value, period_start, n, hi, lo);

CREATE OR REPLACE TABLE marts.fct_csat AS
SELECT grain, grain_value, period_start, n, hi AS n_top2,
       lo AS n_score_1, 0 AS n_score_2, n - hi - lo AS n_score_3,
       hi - 1 AS n_score_4, 1 AS n_score_5,
       hi / n AS csat_top2_share,
       greatest(hi / n - 0.1, 0) AS csat_top2_share_ci_low,
       least(hi / n + 0.1, 1) AS csat_top2_share_ci_high,
       3.0 * n AS score_sum, 10.0 * n AS score_sum_of_squares,
       3.4 AS csat_mean, 3.1 AS csat_mean_ci_low, 3.7 AS csat_mean_ci_high,
       n >= 30 AS is_reportable
FROM grains;

CREATE OR REPLACE TABLE marts.fct_nps AS
SELECT grain, grain_value, period_start, n, hi AS n_promoters, n - hi - lo AS n_passives,
       lo AS n_detractors, hi / n AS promoter_share, (n - hi - lo) / n AS passive_share,
       lo / n AS detractor_share, 100 * (hi - lo) / n AS nps,
       greatest(100 * (hi - lo) / n - 15, -100) AS nps_ci_low,
       least(100 * (hi - lo) / n + 15, 100) AS nps_ci_high,
       n >= 30 AS is_reportable
FROM grains;

CREATE OR REPLACE TABLE marts.fct_ces AS
SELECT grain, grain_value, period_start, 'agree_1_7' AS ces_scale, n, hi AS n_easy,
       n AS n_agree_1_7, 0 AS n_effort_1_5, hi / n AS ces_easy_share,
       greatest(hi / n - 0.1, 0) AS ces_easy_share_ci_low,
       least(hi / n + 0.1, 1) AS ces_easy_share_ci_high,
       5.0 * n AS score_sum, 27.0 * n AS score_sum_of_squares,
       5.0 AS ces_mean, 4.7 AS ces_mean_ci_low, 5.3 AS ces_mean_ci_high,
       n >= 30 AS is_reportable
FROM grains;

CREATE SCHEMA IF NOT EXISTS ingest;
CREATE TABLE IF NOT EXISTS ingest.ledger (
    seq BIGINT, file_hash VARCHAR, file_path VARCHAR, source VARCHAR, entity VARCHAR,
    status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
    finished_at TIMESTAMP
);
"""

# Three kinds of bad data the GX suites catch, each with the check that must name it (the
# mart's suite) and, in `DEFECT_EXPECTATIONS`, the expectation of that suite that fails. (Keys,
# not-null and the ranges a model guarantees are dbt tests, not repeated in GX: DECISIONLOG.)
DEFECTS = {
    "out_of_range_counts": (
        "UPDATE marts.fct_csat SET n_score_1 = -6 WHERE grain = 'month'",
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_csat"]), "gx_suite"),
    ),
    "interval_above_its_point": (
        "UPDATE marts.fct_nps SET nps_ci_low = nps + 5 WHERE grain = 'month'",
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_nps"]), "gx_suite"),
    ),
    "stale_source": (
        "UPDATE marts.fct_ces SET period_start = period_start - INTERVAL 120 DAY, "
        "grain_value = strftime(period_start - INTERVAL 120 DAY, '%Y-%m-%d') "
        "WHERE period_start IS NOT NULL",
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_ces"]), "gx_suite"),
    ),
}
DEFECT_EXPECTATIONS = {
    "out_of_range_counts": "n_score_1_non_negative",
    "interval_above_its_point": "nps_ci_low_below_point",
    "stale_source": "fresh_vs_newest_data",
}


def write_build_db(settings: Settings, defect: str | None = None, export: str = "a") -> None:
    """(Re)write the synthetic marts, optionally with a defect, and log one loaded export."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute(_MARTS_SQL)
        if defect is not None:
            con.execute(DEFECTS[defect][0])
        file_hash = hashlib.sha256(export.encode()).hexdigest()
        con.execute(
            "INSERT INTO ingest.ledger SELECT coalesce(max(seq), 0) + 1, ?, ?, 'surveys', "
            "'survey_responses', 'loaded', 10, 10, 0, now() FROM ingest.ledger "
            "WHERE NOT EXISTS (SELECT 1 FROM ingest.ledger WHERE file_hash = ?)",
            [file_hash, f"surveys/export_{export}.csv", file_hash],
        )


def _wait_to_be_killed(marker: Path) -> None:
    marker.touch()
    time.sleep(3600)


def write_variant(settings: Settings, variant: str) -> None:
    """The synthetic marts with content of their own (they still pass every check)."""
    write_build_db(settings, export=variant)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("UPDATE marts.fct_csat SET score_sum = score_sum + ?", [sum(variant.encode())])


def _stand_in(
    key: dg.AssetKey, pause_marker: Path | None = None, variant: str | None = None
) -> dg.AssetsDefinition:
    @dg.asset(key=key, group_name="tier1_fundamentals")
    def mart() -> None:
        """Stands in for the dbt model; the test wrote its table already.

        With a pause marker it rewrites the table as dbt would: one committed write (in the
        write-ahead log, not yet checkpointed), then an open transaction, then it waits.
        With a variant it rewrites the marts with that variant's content.
        """
        if variant is not None:
            write_variant(Settings.from_env(), variant)
        if pause_marker is None:
            return
        settings = Settings.from_env()
        con = duckdb.connect(str(settings.build_db))
        con.execute("CREATE OR REPLACE TABLE marts.scratch AS SELECT range AS i FROM range(1000)")
        con.execute("BEGIN")
        con.execute(f"DELETE FROM marts.{key.path[-1]}")
        _wait_to_be_killed(pause_marker)

    return mart


def gated_assets(
    pause_in_build: Path | None = None, variant: str | None = None
) -> list[dg.AssetsDefinition]:
    """Stand-in marts, their GX checks and the publication asset."""
    checks = build_mart_checks(MART_KEYS)
    serving = build_serving_asset(MART_KEYS, blocking_checks_on(MART_KEYS, [checks]))
    stand_ins = [
        _stand_in(key, pause_in_build if i == 0 else None, variant if i == 0 else None)
        for i, key in enumerate(MART_KEYS)
    ]
    return [*stand_ins, checks, serving]


def run_gated(instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialize marts, checks and publication once, like the pipeline's last steps."""
    return dg.materialize(
        gated_assets(), instance=instance, raise_on_error=False, resources=resources()
    )


def publication_log(path: Path) -> list[tuple]:
    """The publication log of a serving (or version) file."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM publication_log ORDER BY version").fetchall()


def start(*args: str, **popen: object) -> subprocess.Popen:
    """This script in a new process group (so a test can kill it with everything it started)."""
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    return subprocess.Popen(
        [sys.executable, __file__, *args], env=env, start_new_session=True, text=True, **popen
    )


def kill_when(marker: Path, process: subprocess.Popen, timeout: float = 600) -> None:
    """SIGKILL the process group once the marker exists (fails if the process ends first)."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert process.poll() is None, f"the process ended ({process.returncode}) before pausing"
        assert time.monotonic() < deadline, "the process never reached the phase"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _pause_publication(marker: Path) -> None:
    """Stop the publication after the marts are copied into the new file, before the swap."""
    from orchestration.publish import serving

    copy_sources: Callable[..., None] = serving._copy_sources

    def copy_then_wait(con: duckdb.DuckDBPyConnection, *args: object) -> None:
        copy_sources(con, *args)
        _wait_to_be_killed(marker)

    serving._copy_sources = copy_then_wait


def _pause_dbt(marker: Path) -> None:
    """Stop after dbt reported its first finished node; `dbt build` goes on underneath."""
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

    stream = DbtCliInvocation.stream_raw_events

    def first_result_then_wait(self: DbtCliInvocation) -> Iterator:
        for event in stream(self):
            yield event
            if event.is_result_event:
                _wait_to_be_killed(marker)

    DbtCliInvocation.stream_raw_events = first_result_then_wait


def _hold_before_publish(marker: Path, seconds: float) -> None:
    """After the gate passed, touch the marker and wait before publishing."""
    from orchestration.defs import publish as asset

    publish = asset.publish

    def hold_then_publish(*args: object, **kwargs: object) -> int:
        marker.touch()
        time.sleep(seconds)
        return publish(*args, **kwargs)

    asset.publish = hold_then_publish


def _run_gated_recorded(pause_in_build: Path | None, variant: str | None = None) -> int:
    from orchestration.pipeline_run import PID_TAG, recover_abandoned_runs
    from orchestration.runlock import pipeline_run_lock

    with pipeline_run_lock(Settings.from_env()), dg.DagsterInstance.get() as instance:
        recover_abandoned_runs(instance)
        result = dg.materialize(
            gated_assets(pause_in_build, variant),
            instance=instance,
            tags={PID_TAG: str(os.getpid())},
            raise_on_error=False,
            resources=resources(),
        )
    return 0 if result.success else 1


def _hold_reader(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        while True:
            (version,) = con.execute("SELECT max(version) FROM publication_log").fetchone()
            (rows,) = con.execute("SELECT count(*) FROM marts.fct_nps").fetchone()
            print(version, rows, flush=True)
            if not sys.stdin.readline():
                return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "pipeline", "read"])
    parser.add_argument("path", nargs="?", help="serving file (read)")
    parser.add_argument("--pause-in", choices=["build", "dbt", "publish"])
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--variant")
    parser.add_argument("--hold-before-publish", type=float)
    parser.add_argument("--start-after", type=Path, help="load everything, then wait for this file")
    parser.add_argument("--full-refresh", action="store_true", help="pipeline: run even if no news")
    args = parser.parse_args(argv)
    if args.start_after:
        import great_expectations  # noqa: F401 - the slow import, done before waiting

        while not args.start_after.exists():
            time.sleep(0.05)
    if args.command == "read":
        return _hold_reader(Path(args.path))
    if args.pause_in == "publish":
        _pause_publication(args.marker)
    if args.pause_in == "dbt":
        _pause_dbt(args.marker)
    if args.hold_before_publish:
        _hold_before_publish(args.marker, args.hold_before_publish)
    if args.command == "pipeline":
        from orchestration.pipeline_run import run_pipeline

        return run_pipeline(full_refresh=args.full_refresh)
    return _run_gated_recorded(args.marker if args.pause_in == "build" else None, args.variant)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
