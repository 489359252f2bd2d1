"""The `empathy` command: one entry point for every pipeline task a user runs by hand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _demo(args: argparse.Namespace) -> int:
    from orchestration.demo.generator import DemoSize, generate
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
    from orchestration.runner import run_pipeline

    return run_pipeline()


def _rollback(args: argparse.Namespace) -> int:
    from orchestration.publish.serving import rollback
    from orchestration.settings import Settings

    version = rollback(Settings.from_env(), to_version=args.to)
    print(f"serving file now holds publication version {version}")
    return 0


def _eval_text(args: argparse.Namespace) -> int:
    from orchestration.text.evaluate import main as evaluate

    return evaluate()


def _bench(args: argparse.Namespace) -> int:
    from orchestration.bench import main as bench

    return bench(args.options)


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
    run.set_defaults(func=_run)

    rollback = sub.add_parser("rollback", help="put an earlier publication back in place")
    rollback.add_argument("--to", type=int, help="version to restore (default: the previous one)")
    rollback.set_defaults(func=_rollback)

    sub.add_parser("eval-text", help="measure the text scorer on labelled data").set_defaults(
        func=_eval_text
    )
    bench = sub.add_parser("bench", help="run the benchmarks and record the figures")
    bench.add_argument("options", nargs=argparse.REMAINDER, help="e.g. --sizes 500,2000")
    bench.set_defaults(func=_bench)

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

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
