"""The benchmark's own logic, on tiny inputs: new exports, step timings, growth and ratios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from empathy_devtools.bench import compare_marts
from empathy_devtools.bench.daily_exports import add_daily_exports, daily_size
from empathy_devtools.bench.figures import (
    PROCESS_TOTAL,
    RUN_TOTAL,
    growth_exponent,
    ratio_to,
    scaling,
    write_figures,
)
from empathy_devtools.bench.pipeline_runs import LAUNCHER, RunFigures, latest_run_timings
from empathy_devtools.demo.generator import DemoSize
from orchestration.ingest.contract import load_contract
from orchestration.ingest.mapping import load_source_mapping
from orchestration.settings import MARTS_SCHEMA, Settings


def _figures(label: str, steps: dict[str, float], rows: int) -> RunFigures:
    total = sum(steps.values())
    return RunFigures(label, total + 3.0, total, steps, {"orders": rows}, rows // 2)


def test_daily_exports_are_new_files_that_the_mappings_pick_up(
    isolated_settings: Settings,
) -> None:
    landing = isolated_settings.landing_dir
    existing = landing / "crm" / "orders.csv"
    existing.parent.mkdir(parents=True)
    existing.write_text("earlier export\n", encoding="utf-8")

    added = add_daily_exports(landing, DemoSize(customers=20, agents=20, months=1))

    contract = load_contract()
    mappings = [
        m
        for s in contract.sources
        for m in load_source_mapping(isolated_settings.mappings_dir, s, contract)
    ]
    new_files = {p for p in landing.rglob("*") if p.is_file()} - {existing}
    picked_up = {p for m in mappings for p in m.matching_files(landing)}
    assert len(new_files) == added == len({m.files for m in mappings})
    assert new_files <= picked_up
    assert all("_daily" in p.stem for p in new_files)
    assert existing.read_text(encoding="utf-8") == "earlier export\n"


def test_daily_size_grows_with_the_business_and_has_a_floor() -> None:
    assert daily_size(45_000).customers == 100
    assert daily_size(100).customers == daily_size(0).customers > 0


def test_step_timings_are_read_from_the_newest_run_of_the_instance(tmp_path: Path) -> None:
    @dg.asset
    def upstream() -> int:
        return 1

    @dg.asset
    def downstream(upstream: int) -> int:
        return upstream + 1

    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        dg.materialize([upstream], instance=instance)
        dg.materialize([upstream, downstream], instance=instance)

    run_seconds, steps = latest_run_timings(tmp_path)

    assert list(steps) == ["upstream", "downstream"]
    assert all(seconds >= 0 for seconds in steps.values())
    assert sum(steps.values()) <= run_seconds


def test_growth_exponent_tells_linear_from_fixed_and_quadratic_costs() -> None:
    small = _figures("small", {"ingest": 2.0, "dbt": 30.0, "sort": 1.0}, rows=1_000)
    large = _figures("large", {"ingest": 20.0, "dbt": 30.0, "sort": 100.0}, rows=10_000)

    growth = scaling(small, large)

    assert growth["rows_ratio"] == 10
    assert growth["growth_exponent"]["ingest"] == pytest.approx(1.0)
    assert growth["growth_exponent"]["dbt"] == pytest.approx(0.0)
    assert growth["growth_exponent"]["sort"] == pytest.approx(2.0)
    assert growth_exponent((1.0, 2.0), (500, 500)) is None


def test_ratios_to_the_full_run_cover_every_step_and_the_totals() -> None:
    full = _figures("full", {"ingest": 20.0, "dbt": 40.0}, rows=10_000)
    daily = _figures("daily", {"ingest": 0.5, "dbt": 40.0, "new_step": 1.0}, rows=10_100)

    ratios = ratio_to(daily, full)

    assert ratios["ingest"] == pytest.approx(0.025)
    assert ratios["dbt"] == pytest.approx(1.0)
    assert ratios["new_step"] is None
    assert ratios[RUN_TOTAL] == pytest.approx(41.5 / 60.0, abs=1e-3)
    assert ratios[PROCESS_TOTAL] == pytest.approx(44.5 / 63.0, abs=1e-3)


def test_figures_are_written_as_json_and_a_markdown_table_of_every_step(tmp_path: Path) -> None:
    small = _figures("full 100", {"ingest_crm": 2.0, "dbt_models": 30.0}, rows=1_000)
    large = _figures("full 1000", {"ingest_crm": 20.0, "dbt_models": 33.0}, rows=10_000)
    daily = _figures("daily", {"ingest_crm": 0.4, "dbt_models": 33.0}, rows=10_050)
    noop = _figures("no-op", {"dbt_models": 32.0}, rows=10_050)
    figures = {
        "environment": {
            "date": "today",
            "cores": 2,
            "cpu_model": "cpu",
            "memory_gb": 1.0,
            "load_average_1min": 0.5,
            "speed": {"python_loop_seconds": 1.234, "duckdb_aggregate_seconds": 0.567},
            "python": "3.11",
            "versions": {"dagster": "1"},
            "git_commit": "abc",
            "uncommitted_changes": False,
        },
        "full_runs": [
            {"customers": 100, "demo_seconds": 1.0, "run": small.as_dict()},
            {"customers": 1000, "demo_seconds": 4.0, "run": large.as_dict(), "parse_seconds": 6.5},
        ],
        "scaling": scaling(small, large),
        "daily": {
            "customers": 20,
            "files_added": 12,
            "new_rows": {"orders": 50},
            "new_texts": 25,
            "run": daily.as_dict(),
        },
        "noop": {"run": noop.as_dict()},
        "text_throughput": None,
    }

    write_figures(figures, tmp_path)

    assert json.loads((tmp_path / "pipeline.json").read_text("utf-8")) == figures
    page = (tmp_path / "pipeline.md").read_text("utf-8")
    rows = {line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("|")}
    for step in ("demo generation", "ingest_crm", "dbt_models", RUN_TOTAL, PROCESS_TOTAL):
        assert step in rows
    assert rows["dbt parse (install)"].replace(" ", "").startswith("|dbtparse(install)|–|6.50|")
    assert "| 0.02 |" in rows["ingest_crm"]  # daily / full of ingestion: 0.4 / 20
    assert "| 1.00 |" in rows["dbt_models"]  # daily / full of dbt: 33 / 33
    # The daily table: history, rows before, new rows, ..., dbt step daily / full (33 / 33).
    assert rows["1,000"].replace(" ", "").startswith("|1,000|10,000|50|")
    assert rows["1,000"].rstrip(" |").endswith("1.00")
    assert "pure-Python loop 1.234 s, a fixed DuckDB aggregate 0.567 s" in page


def test_bench_options_reach_the_bench_even_when_an_option_comes_first(monkeypatch) -> None:
    """`make bench BENCH_ARGS=--large` runs `empathy bench --large`; any other command still
    refuses an argument it does not know."""
    import empathy_devtools.bench
    from orchestration import cli

    received: list[list[str]] = []
    monkeypatch.setattr(empathy_devtools.bench, "main", lambda options: received.append(options))
    cli.main(["bench", "--large"])
    cli.main(["bench", "--sizes", "500,2000"])
    assert received == [["--large"], ["--sizes", "500,2000"]]
    with pytest.raises(SystemExit):
        cli.main(["rollback", "--large"])


def test_a_run_s_peak_memory_is_its_own_not_the_bench_s(tmp_path: Path) -> None:
    """A child forked from a large process starts with the parent's resident set; the
    launcher keeps the bench's memory (demo generator, baseline frames) out of the figure."""
    held = bytearray(600 * 1024 * 1024)
    held[::4096] = b"\x01" * len(range(0, len(held), 4096))  # touch every page
    launched = subprocess.run(
        [sys.executable, str(LAUNCHER), str(tmp_path / "log"), sys.executable, "-c", "pass"],
        capture_output=True,
        text=True,
        check=True,
    )
    usage = json.loads(launched.stdout)
    assert usage["returncode"] == 0
    assert usage["peak_rss_kb"] < 100 * 1024, usage
    assert len(held) == 600 * 1024 * 1024


def _marts_db(path: Path, rows: list[tuple[str, float, str]]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE SCHEMA {MARTS_SCHEMA}")
        con.execute(
            f"CREATE TABLE {MARTS_SCHEMA}.fct_value (segment VARCHAR, value_sum_of_squares DOUBLE, "
            "trained_at VARCHAR)"
        )
        con.executemany(f"INSERT INTO {MARTS_SCHEMA}.fct_value VALUES (?, ?, ?)", rows)
    return path


def test_compare_marts_ignores_summation_order_and_run_times_but_not_values(
    tmp_path: Path,
) -> None:
    """The same sums added in another order (last bits of a 1e8 value, which 6 decimal places
    still saw) and another training time compare equal; a change at the 7th digit does not."""
    before = _marts_db(tmp_path / "before.duckdb", [("high", 685432128.9089, "09:00")])
    reordered = _marts_db(tmp_path / "after.duckdb", [("high", 685432128.908899, "10:00")])
    changed = _marts_db(tmp_path / "changed.duckdb", [("high", 685433128.9089, "09:00")])
    assert compare_marts.compare(before, reordered) == {"fct_value": (1, 0, 0)}
    assert compare_marts.compare(before, changed) == {"fct_value": (1, 1, 1)}
