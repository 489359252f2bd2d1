"""`empathy bench`: how the pipeline's cost grows with data on this machine.

Full first runs at several demo sizes (2,000 and 20,000 customers; `--large` adds 100,000 and
200,000), each next to the plain pandas + TextBlob baseline over the same landing files
(`baseline.py`, whose numbers must equal the marts), then a daily run (a few new export files)
after each, and on the largest a no-op rerun before it. Figures go to
``docs/benchmarks/pipeline.md`` and ``pipeline.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from empathy_devtools.bench.baseline import compare, mart_metrics, run_baseline
from empathy_devtools.bench.daily_exports import add_daily_exports, daily_size
from empathy_devtools.bench.environment import environment
from empathy_devtools.bench.figures import scaling, step_table, write_figures
from empathy_devtools.bench.pipeline_runs import (
    RunFigures,
    parse_as_installed,
    parsed_whole_project,
    run_pipeline,
)
from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.settings import PROJECT_ROOT, Settings, environment_under

REPORT_DIR = PROJECT_ROOT / "docs" / "benchmarks"
DEFAULT_SIZES = (2_000, 20_000)
LARGE_SIZES = (100_000, 200_000)
DEMO_SEED = 42


@dataclass(frozen=True)
class FullRun:
    """A first run on fresh demo exports of `customers`, and how long generating them and
    parsing the dbt project for their database (the install) took."""

    customers: int
    demo_seconds: float
    run: RunFigures
    baseline: dict[str, object] | None = None
    parse_seconds: float | None = None  # `dbt parse` for the folder's database, as `make setup`

    def as_dict(self) -> dict[str, object]:
        return {**vars(self), "run": self.run.as_dict()}


def _full_run(root: Path, customers: int) -> FullRun:
    landing = Path(environment_under(root)["EMPATHY_LANDING_DIR"])
    started = time.perf_counter()
    generate(landing, size=DemoSize(customers=customers), seed=DEMO_SEED)
    demo_seconds = round(time.perf_counter() - started, 2)
    parse_seconds = round(parse_as_installed(root), 2)
    run = run_pipeline(root, f"full {customers}")
    if parsed_whole_project(root):
        raise AssertionError(
            f"the full run under {root} parsed the whole dbt project although it was parsed "
            "for its database first: the figures would include a parse `make run` does not do"
        )
    print(f"full run, {customers:,} customers: {run.process_seconds:.1f} s")
    env = environment_under(root)
    baseline = run_baseline(landing, Settings.from_env().mappings_dir)
    differences = compare(baseline.metrics, mart_metrics(Path(env["EMPATHY_BUILD_DB"])))
    if differences:
        raise AssertionError(
            "the baseline's numbers differ from the marts: " + "; ".join(differences[:10])
        )
    print(f"plain baseline, {customers:,} customers: {baseline.wall_seconds:.1f} s (same numbers)")
    return FullRun(customers, demo_seconds, run, baseline.as_dict(), parse_seconds)


def _daily(root: Path, customers: int, full: RunFigures) -> dict[str, object]:
    size = daily_size(customers)
    files = add_daily_exports(Path(environment_under(root)["EMPATHY_LANDING_DIR"]), size)
    daily = run_pipeline(root, "daily")
    print(f"daily run after {customers:,} customers ({files} files): {daily.process_seconds:.1f} s")
    before = full.rows
    return {
        "customers": size.customers,
        "history_customers": customers,
        "files_added": files,
        "new_rows": {e: n - before.get(e, 0) for e, n in daily.rows.items()},
        "new_texts": daily.texts_scored - full.texts_scored,
        "run": daily.as_dict(),
    }


def _noop(root: Path) -> dict[str, object]:
    noop = run_pipeline(root, "no-op")
    print(f"no-op rerun: {noop.process_seconds:.1f} s")
    return {"run": noop.as_dict()}


def _text_throughput(directory: Path) -> dict | None:
    path = directory / "text_eval.json"
    return json.loads(path.read_text("utf-8")).get("throughput") if path.exists() else None


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="empathy bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=lambda v: sorted(int(s) for s in v.split(",")),
        default=list(DEFAULT_SIZES),
        help="customers of each full run, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--large", action="store_true", help=f"also {', '.join(map(str, LARGE_SIZES))} customers"
    )
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="where the figures go")
    parser.add_argument(
        "--with-text-eval", action="store_true", help="rerun `empathy eval-text` first"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write the figures, print the step table."""
    args = _parse(argv or [])
    if args.large:
        args.sizes = sorted({*args.sizes, *LARGE_SIZES})
    if args.with_text_eval:
        from empathy_devtools.text_eval.evaluate import main as evaluate

        evaluate()
    figures: dict[str, object] = {"environment": environment(), "sizes": args.sizes}
    full, dailies = [], []
    for customers in args.sizes:
        with tempfile.TemporaryDirectory(prefix="empathy-bench-") as tmp:
            root = Path(tmp)
            full.append(_full_run(root, customers))
            if customers == args.sizes[-1]:
                figures["noop"] = _noop(root)
            dailies.append(_daily(root, customers, full[-1].run))
    figures["daily"] = dailies[-1]
    figures["daily_by_size"] = dailies
    figures["full_runs"] = [f.as_dict() for f in full]
    if len(full) > 1:
        figures["scaling"] = scaling(full[0].run, full[-1].run)
    figures["text_throughput"] = _text_throughput(REPORT_DIR)
    write_figures(figures, args.out)
    print(step_table(figures))
    print(f"figures written to {args.out}")
    return 0
