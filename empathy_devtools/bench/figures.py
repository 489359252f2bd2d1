"""The benchmark's figures: growth between sizes, ratios to the full run, Markdown and JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

from empathy_devtools.bench.pipeline_runs import RunFigures

RUN_TOTAL = "whole run (Dagster)"
PROCESS_TOTAL = "whole process (with start-up)"


def timings(run: RunFigures) -> dict[str, float]:
    """Per-step seconds followed by the run's and the process's totals."""
    return {**run.steps, RUN_TOTAL: run.run_seconds, PROCESS_TOTAL: run.process_seconds}


def growth_exponent(seconds: tuple[float, float], rows: tuple[int, int]) -> float | None:
    """k in time ~ rows^k between two sizes: 1 is linear, above 1 worse, below 1 fixed costs."""
    if min(*seconds, *rows) <= 0 or rows[0] == rows[1]:
        return None
    return round(math.log(seconds[1] / seconds[0]) / math.log(rows[1] / rows[0]), 2)


def ratio_to(part: RunFigures, full: RunFigures) -> dict[str, float | None]:
    """Each step's (and total's) seconds in `part` divided by the same in `full`."""
    whole = timings(full)
    return {
        step: round(seconds / whole[step], 3) if whole.get(step) else None
        for step, seconds in timings(part).items()
    }


def scaling(small: RunFigures, large: RunFigures) -> dict[str, object]:
    """How each step's time grew from the smallest to the largest full run."""
    rows = (sum(small.rows.values()), sum(large.rows.values()))
    first, last = timings(small), timings(large)
    return {
        "rows": list(rows),
        "rows_ratio": round(rows[1] / rows[0], 2),
        "time_ratio": {s: round(last[s] / first[s], 2) for s in last if first.get(s)},
        "growth_exponent": {
            s: growth_exponent((first[s], last[s]), rows) for s in last if s in first
        },
    }


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def step_table(figures: dict) -> str:
    """Seconds per step for every run, the growth exponent and the ratios to the full run."""
    full = [RunFigures(**f["run"]) for f in figures["full_runs"]]
    daily, noop = RunFigures(**figures["daily"]["run"]), RunFigures(**figures["noop"]["run"])
    exponents = figures["scaling"]["growth_exponent"] if figures.get("scaling") else {}
    header = ["step", *(f"full {f['customers']:,} cust. (s)" for f in figures["full_runs"])]
    header += ["growth k", "daily (s)", "daily / full", "no-op (s)", "no-op / full"]
    daily_ratio, noop_ratio = ratio_to(daily, full[-1]), ratio_to(noop, full[-1])
    install = [
        ["demo generation", *(f["demo_seconds"] for f in figures["full_runs"])],
        ["dbt parse (install)", *(f.get("parse_seconds") for f in figures["full_runs"])],
    ]
    for row in install:
        row += [None] * (len(header) - len(row))
    rows = [
        [
            step,
            *(timings(run).get(step) for run in full),
            exponents.get(step),
            timings(daily).get(step),
            daily_ratio.get(step),
            timings(noop).get(step),
            noop_ratio.get(step),
        ]
        for step in timings(full[-1])
    ]
    return _table(header, install + rows)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 2) if whole else None


def baseline_table(figures: dict) -> str:
    """Each full run against the plain baseline on the same files, then no-op and daily."""
    header = [
        "run",
        "rows",
        "wall (s)",
        "CPU (s)",
        "peak RSS (MB)",
        "load avg 1/5/15",
        "baseline wall (s)",
        "baseline CPU (s)",
        "ratio wall",
        "ratio CPU",
    ]
    body = []
    for full in figures["full_runs"]:
        run, base = full["run"], full.get("baseline") or {}
        body.append(
            [
                f"full {full['customers']:,} customers",
                sum(run["rows"].values()),
                run["process_seconds"],
                run.get("cpu_seconds"),
                run.get("peak_rss_mb"),
                "/".join(f"{v:.1f}" for v in run.get("load_average", [])) or None,
                base.get("wall_seconds"),
                base.get("cpu_seconds"),
                _ratio(run["process_seconds"], base.get("wall_seconds", 0)),
                _ratio(run.get("cpu_seconds", 0), base.get("cpu_seconds", 0)),
            ]
        )
    largest = figures["full_runs"][-1]["run"]
    for name in ("noop", "daily"):
        run = figures[name]["run"]
        body.append(
            [
                f"{run['label']} (ratios: to the full run)",
                sum(run["rows"].values()),
                run["process_seconds"],
                run.get("cpu_seconds"),
                run.get("peak_rss_mb"),
                "/".join(f"{v:.1f}" for v in run.get("load_average", [])) or None,
                None,
                None,
                _ratio(run["process_seconds"], largest["process_seconds"]),
                _ratio(run.get("cpu_seconds", 0), largest.get("cpu_seconds", 0)),
            ]
        )
    return _table(header, body)


def daily_table(figures: dict) -> str:
    """A daily run after each full run: its cost, and the dbt step's, against the full run's."""
    header = [
        "history (customers)",
        "rows before",
        "new rows",
        "daily wall (s)",
        "daily CPU (s)",
        "daily / full wall",
        "daily / full CPU",
        "dbt step daily (s)",
        "dbt step full (s)",
        "dbt daily / full",
    ]
    fulls = {f["customers"]: f["run"] for f in figures["full_runs"]}
    body = []
    for daily in figures.get("daily_by_size") or [figures["daily"]]:
        customers = daily.get("history_customers", figures["full_runs"][-1]["customers"])
        full, run = fulls[customers], daily["run"]
        dbt_daily = run["steps"].get("dbt_models")
        dbt_full = full["steps"].get("dbt_models")
        body.append(
            [
                f"{customers:,}",
                sum(full["rows"].values()),
                sum(daily["new_rows"].values()),
                run["process_seconds"],
                run.get("cpu_seconds"),
                _ratio(run["process_seconds"], full["process_seconds"]),
                _ratio(run.get("cpu_seconds") or 0, full.get("cpu_seconds") or 0),
                dbt_daily,
                dbt_full,
                _ratio(dbt_daily or 0, dbt_full or 0),
            ]
        )
    return _table(header, body)


def _rows_table(figures: dict) -> str:
    full = figures["full_runs"]
    entities = sorted({e for f in full for e in f["run"]["rows"]})
    header = ["entity", *(f"full {f['customers']:,} cust." for f in full), "daily: new rows"]
    new_rows = figures["daily"]["new_rows"]
    body = [[e, *(f["run"]["rows"].get(e, 0) for f in full), new_rows.get(e, 0)] for e in entities]
    body.append(
        ["texts scored", *(f["run"]["texts_scored"] for f in full), figures["daily"]["new_texts"]]
    )
    return _table(header, body)


def markdown(figures: dict) -> str:
    """The benchmark page: environment, step table, rows, text throughput."""
    env = figures["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items())
    dirty = " (plus uncommitted changes)" if env["uncommitted_changes"] else ""
    daily = figures["daily"]
    parts = [
        "# Pipeline benchmark",
        "",
        f"Measured {env['date']} on {env['cores']} cores, {env['cpu_model']}, "
        f"{env['memory_gb']} GB (load average {env['load_average_1min']} at the start: other "
        f"work on the machine slows every figure); Python {env['python']}, {versions}; "
        f"git commit {env['git_commit']}{dirty}. Figures: `pipeline.json`.",
        "",
        f"Machine speed (one core, lower is faster): a fixed pure-Python loop "
        f"{env['speed']['python_loop_seconds']} s, a fixed DuckDB aggregate "
        f"{env['speed']['duckdb_aggregate_seconds']} s "
        "(`empathy_devtools/bench/environment.py`). Figures from other dates or machines "
        "compare with these only as far as these two agree.",
        "",
        "Each run is `empathy run` in its own process and folder; step times are the Dagster "
        "step statistics of the run (STEP_START to STEP_SUCCESS). *full*: first run on demo "
        "exports of that many customers (15 months), after `dbt parse` for the folder's "
        "database as `make setup` does for yours (*dbt parse (install)*, not in the run's "
        "figures). *growth k*: time ~ rows^k between the "
        "smallest and largest full run (1 = linear, above 1 = worse than linear, below 1 = fixed "
        f"costs dominate). *daily*: a rerun of the largest after {daily['files_added']} new "
        f"export files ({daily['customers']} other customers' month: "
        f"{sum(daily['new_rows'].values()):,} new rows, {daily['new_texts']:,} new texts). "
        "*no-op*: a rerun with nothing new.",
        "",
        "## Against the plain baseline",
        "",
        "*baseline*: one pandas + TextBlob process over the same landing files "
        "(`empathy_devtools/bench/baseline.py`): one row per id as ingestion keeps it, CSAT, NPS "
        "and CES overall, by month and by channel (asserted equal to the marts before these "
        "figures are written), and each distinct text scored once with TextBlob. Wall and CPU "
        "are of the whole `empathy run` process (start-up included; CPU adds dbt's process); "
        "the machine is shared, so compare CPU seconds when the load average is high.",
        "",
        baseline_table(figures),
        "",
        "## Per step",
        "",
        step_table(figures),
        "",
        "A no-op rerun loads and scores nothing, so it skips dbt, the checks, the publication "
        "and the scorecard (`orchestration/pipeline_state.py`).",
        "",
        "## Daily runs",
        "",
        "A daily run after the full run of each size: about one day of a business of that size "
        "(`empathy_devtools/bench/daily_exports.py`: customers / 450 other customers' month). "
        "The incremental dbt models (staging of the large entities, text occurrences and "
        "scores, the enriched texts, interactions, survey answers and transcript turns, the "
        "journey fact and its outcomes, episodes and paths) rebuild only the rows with newer "
        "inputs; the text bookkeeping reads only new files; the Python models score with the "
        "stored model until a retraining is due. The aggregates over all history (quantiles, "
        "shares and per-customer features as of the newest data) are rebuilt every run "
        '(DECISIONLOG.md, "Incremental dbt models").',
        "",
        daily_table(figures),
        "",
        "## Rows loaded per entity",
        "",
        _rows_table(figures),
    ]
    throughput = figures.get("text_throughput")
    if throughput:
        wall = throughput["wall_clock"]
        asset = f"whole asset, {throughput['workers']} workers"
        parts += [
            "",
            "## Text analytics throughput (from `text_eval.json`)",
            "",
            _table(
                ["measure", "texts per second"],
                [
                    ["TextBlob, one core", wall["textblob_per_core"]],
                    ["project scorer, one core", wall["project_scorer_per_core"]],
                    [asset, wall["asset_texts_per_second"]],
                ],
            ),
        ]
    return "\n".join(parts) + "\n"


def write_figures(figures: dict, directory: Path) -> None:
    """Write `pipeline.json` and `pipeline.md` into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pipeline.json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    (directory / "pipeline.md").write_text(markdown(figures), "utf-8")
