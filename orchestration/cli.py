"""The `empathy` command: one entry point for every pipeline task a user runs by hand."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from orchestration.settings import Settings


def _demo(args: argparse.Namespace) -> int:
    from empathy_devtools.demo.generator import DemoSize, generate
    from orchestration.settings import Settings

    out = Path(args.out) if args.out else Settings.from_env().landing_dir
    if args.if_empty and out.exists() and any(p.is_file() for p in out.rglob("*")):
        print(f"landing folder {out} already has exports; not generating demo data")
        return 0
    size = DemoSize(customers=args.customers, agents=args.agents, months=args.months)
    truth = generate(out, size=size, seed=args.seed)
    print(f"demo exports written to {out} (ground truth: {truth})")
    return 0


def _run(args: argparse.Namespace) -> int:
    from orchestration.ingest.housekeeping import ingest_summary
    from orchestration.ingest.ledger import utc_now
    from orchestration.pipeline_run import run_pipeline
    from orchestration.settings import Settings

    started = utc_now()
    code = run_pipeline(full_refresh=args.full_refresh)
    lines = ingest_summary(Settings.from_env(), since=started)
    print("Ingest summary (this run):" if lines else "Ingest summary: no new or changed files.")
    print("\n".join(lines))
    return code


def _init(args: argparse.Namespace) -> int:
    from orchestration.workspace import WorkspaceError, init_workspace, instructions

    try:
        init_workspace(Path(args.dir))
    except WorkspaceError as exc:
        print(f"empathy init: {exc}", file=sys.stderr)
        return 2
    print(instructions(Path(args.dir)))
    return 0


def _dev(args: argparse.Namespace) -> int:
    from orchestration.devserver import serve

    return serve(args.host, args.port, grace_seconds=args.grace)


def _check_mapping(args: argparse.Namespace) -> int:
    from orchestration.ingest.diagnose import check_mappings, format_check
    from orchestration.settings import Settings

    check = check_mappings(Settings.from_env(), [args.source] if args.source else None)
    print(format_check(check))
    return 0 if check.ok else 1


def _reload(args: argparse.Namespace) -> int:
    from orchestration.ingest import ingest_source, load_contract, load_source_mapping
    from orchestration.ingest.housekeeping import forget_file, ingest_summary
    from orchestration.ingest.ledger import utc_now
    from orchestration.quality.batch import recording_validator
    from orchestration.runlock import RunLockBusy, pipeline_run_lock
    from orchestration.settings import Settings

    settings = Settings.from_env()
    landing = settings.landing_dir.resolve()
    path = Path(args.file)
    path = (
        path
        if path.is_absolute()
        else (Path.cwd() / path if (Path.cwd() / path).exists() else landing / path)
    )
    try:
        label = path.resolve().relative_to(landing).as_posix()
    except ValueError:
        print(
            f"empathy reload: {args.file} is not in the landing folder {landing}; give its "
            "path there (e.g. reviews/export.csv)",
            file=sys.stderr,
        )
        return 2
    contract = load_contract()
    sources = [
        s
        for s in contract.sources
        if any(
            landing / label in m.matching_files(landing)
            for m in load_source_mapping(settings.mappings_dir, s, contract)
        )
    ]
    if not sources:
        print(
            f"empathy reload: no mapping claims {label}; add it to `files:` in a mapping "
            "(`empathy check-mapping` lists unclaimed files)",
            file=sys.stderr,
        )
        return 2
    started = utc_now()
    try:
        with pipeline_run_lock(settings, wait_seconds=args.wait), duckdb_connect(settings) as con:
            gone = forget_file(con, label, contract)
            validate = recording_validator(settings, f"reload-{started:%Y%m%dT%H%M%S}")
            for source in sources:
                ingest_source(con, settings, source, validate_batch=validate, contract=contract)
    except RunLockBusy as exc:
        print(f"empathy reload: {exc}", file=sys.stderr)
        return 2
    print(
        f"forgot {label}: {gone.ledger_rows} ledger entries, {gone.raw_rows} rows, "
        f"{gone.quarantined_rows} quarantined rows (one transaction); loaded again:"
    )
    print(
        "\n".join(
            line
            for line in ingest_summary(settings, since=started)
            if line.startswith(f"  {label} ")
        )
    )
    print("Run `empathy run` (or `make run`) to rebuild the marts and publish.")
    return 0


def duckdb_connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The build database (a context manager), its folder created."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    return settings.connect_build()


def _rollback(args: argparse.Namespace) -> int:
    from orchestration.publish.serving import rollback
    from orchestration.settings import Settings

    version = rollback(Settings.from_env(), to_version=args.to)
    print(f"serving file now holds publication version {version}")
    return 0


def _eval_text(args: argparse.Namespace) -> int:
    from empathy_devtools.text_eval.evaluate import main as evaluate

    return evaluate()


def _bench(args: argparse.Namespace) -> int:
    from empathy_devtools.bench import main as bench

    return bench(args.options)


def _spark_check(args: argparse.Namespace) -> int:
    from orchestration.portability.check import SparkUnavailable, run_spark_check
    from orchestration.settings import Settings

    settings = Settings.from_env()
    if not settings.build_db.exists():
        print(f"empathy spark-check: no build database at {settings.build_db}: run `empathy run`")
        return 2
    work = Path(args.work) if args.work else settings.build_db.parent / "spark"
    try:
        check = run_spark_check(settings.build_db, work, data_tests=not args.no_data_tests)
    except SparkUnavailable as exc:
        print(f"empathy spark-check: {exc}", file=sys.stderr)
        return 2
    print(check.report())
    return 0 if check.ok else 1


def _agent_key(args: argparse.Namespace) -> int:
    from orchestration.ingest.pseudonyms import KeyMismatch, Pseudonymizer
    from orchestration.settings import Settings

    try:
        pseudonymizer = Pseudonymizer.from_settings(Settings.from_env(), create=False)
    except KeyMismatch as exc:
        print(f"empathy agent-key: {exc}", file=sys.stderr)
        return 2
    print(pseudonymizer.pseudonymize("agent", args.agent_id))
    return 0


def _rotate_key(args: argparse.Namespace) -> int:
    from orchestration.ingest.rekey import RekeyError, rotate_key
    from orchestration.runlock import RunLockBusy, pipeline_run_lock
    from orchestration.settings import Settings

    settings = Settings.from_env()
    new_key = Path(args.new_key).read_bytes() if args.new_key else None
    try:
        with pipeline_run_lock(settings, wait_seconds=args.wait):
            report = rotate_key(settings, new_key)
    except (RekeyError, RunLockBusy) as exc:
        print(f"empathy rotate-key: {exc}", file=sys.stderr)
        return 2
    print(
        f"re-keyed {report.pseudonyms} pseudonyms from {report.files_read} export files in one "
        f"transaction; key fingerprint now {report.fingerprint}; key file {settings.key_file}"
    )
    if report.old_key_kept:
        print(f"the previous key file was kept as {report.old_key_kept}")
    print("Back up the new key file, apart from the warehouse; run `empathy run` to rebuild.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="empathy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the seeded demo exports into the landing folder")
    demo.add_argument("--customers", type=int, default=2000)
    demo.add_argument("--agents", type=int, default=20)
    demo.add_argument("--months", type=int, default=15)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--out", help="folder to write to (default: the landing folder)")
    demo.add_argument("--if-empty", action="store_true", help="only if the folder has no files")
    demo.set_defaults(func=_demo)

    run = sub.add_parser("run", help="materialize every asset, publish, write the scorecard")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every dbt model from scratch (incremental ones too), even if nothing is new",
    )
    run.set_defaults(func=_run)

    dev = sub.add_parser("dev", help="the Dagster UI; stops within seconds on Ctrl-C/SIGTERM")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.add_argument(
        "--grace", type=float, default=7.0, help="seconds Dagster gets to stop before it is killed"
    )
    dev.set_defaults(func=_dev)

    init = sub.add_parser("init", help="create a workspace for your own exports")
    init.add_argument("dir", help="the workspace folder (created if needed)")
    init.set_defaults(func=_init)

    check = sub.add_parser(
        "check-mapping",
        help="what the mappings make of the landing files, without loading anything",
    )
    check.add_argument("source", nargs="?", help="reviews, surveys, crm or hr (default: all)")
    check.set_defaults(func=_check_mapping)

    reload = sub.add_parser(
        "reload",
        help="forget a landing file's rows, quarantine and ledger entry, then load it again",
    )
    reload.add_argument("file", help="the file, in the landing folder (or relative to it)")
    reload.add_argument(
        "--wait",
        type=float,
        default=0.0,
        help="seconds to wait for a running pipeline run to finish",
    )
    reload.set_defaults(func=_reload)

    rollback = sub.add_parser("rollback", help="put an earlier publication back in place")
    rollback.add_argument("--to", type=int, help="version to restore (default: the previous one)")
    rollback.set_defaults(func=_rollback)

    sub.add_parser("eval-text", help="measure the text scorer on labelled data").set_defaults(
        func=_eval_text
    )
    bench = sub.add_parser("bench", help="run the benchmarks and record the figures")
    bench.add_argument("options", nargs=argparse.REMAINDER, help="e.g. --sizes 500,2000")
    bench.set_defaults(func=_bench)

    spark = sub.add_parser(
        "spark-check",
        help="build the dbt models on a local Spark from the build database's sources and "
        "compare every published mart with the DuckDB build (needs Java and `.[spark]`)",
    )
    spark.add_argument("--work", help="work folder (default: spark/ beside the build database)")
    spark.add_argument(
        "--no-data-tests", action="store_true", help="build seeds and models only, no data tests"
    )
    spark.set_defaults(func=_spark_check)

    agent = sub.add_parser("agent-key", help="the pseudonym the warehouse uses for a CRM agent id")
    agent.add_argument("agent_id")
    agent.set_defaults(func=_agent_key)

    rotate = sub.add_parser(
        "rotate-key",
        help="re-key every pseudonym under a new key in one transaction (when the key is lost "
        "or must change); needs the loaded exports still in the landing folder",
    )
    rotate.add_argument("--new-key", help="file holding the new key (default: a new random key)")
    rotate.add_argument(
        "--wait",
        type=float,
        default=0.0,
        help="seconds to wait for a running pipeline run to finish",
    )
    rotate.set_defaults(func=_rotate_key)

    # `bench` passes its options on (`make bench BENCH_ARGS=--large`); argparse's REMAINDER
    # does not take an option that comes first, so those arrive as unknown arguments.
    args, unknown = parser.parse_known_args(argv)
    if args.command == "bench":
        args.options = [*unknown, *args.options]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args.func(args)


def entry() -> None:
    """The `empathy` console script: `main`, then exit without the interpreter's teardown.

    After a run the process holds ~4,000 modules (Dagster, dbt, GX, scikit-learn) and tearing
    them down takes 1-2 s of a demo run, after everything was closed and printed. The exit
    handlers still run; a thread still working (none is expected) gets the normal exit.
    """
    code = main()
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
