"""The journey fact is incremental: a new export rebuilds only the journeys it touches, and the
result equals a full refresh. A late order in the middle of a customer's history renumbers
and re-gaps that journey; an order of a customer seen nowhere else starts a journey of one.

A small demo (150 customers), ingestion, text scores, then `dbt run` of the fact and its
upstream models only: no whole-pipeline run.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from dbt_kit import run_dbt
from incremental_kit import ingest_and_score

from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

NEW_CUSTOMER = "9999991"
FACT = "marts.fct_journey_touchpoints"


def _dbt(root: Path, *args: str) -> None:
    run_dbt(root / "build.duckdb", "run", *args)


def _fact(build_db: Path) -> list[tuple]:
    with duckdb.connect(str(build_db), read_only=True) as con:
        return con.execute(
            f"SELECT * FROM {FACT} ORDER BY customer_id, touchpoint_number"
        ).fetchall()


def _mark_untouched_journey(build_db: Path, touched: str) -> tuple[str, float]:
    """Overwrite one gap of another customer's journey with a marker (-1 hour)."""
    with duckdb.connect(str(build_db)) as con:
        other, gap = con.execute(
            f"SELECT customer_id, hours_since_previous FROM {FACT} "
            "WHERE customer_id NOT IN (?, ?) AND touchpoint_number = 2 "
            "ORDER BY customer_id LIMIT 1",
            [touched, NEW_CUSTOMER],
        ).fetchone()
        con.execute(
            f"UPDATE {FACT} SET hours_since_previous = -1 "
            "WHERE customer_id = ? AND touchpoint_number = 2",
            [other],
        )
    return other, gap


def _unmark(build_db: Path, marked: tuple[str, float]) -> float:
    """The marked gap as it is now; then the true value is put back."""
    other, gap = marked
    with duckdb.connect(str(build_db)) as con:
        query = f"FROM {FACT} WHERE customer_id = ? AND touchpoint_number = 2"
        (now,) = con.execute(f"SELECT hours_since_previous {query}", [other]).fetchone()
        con.execute(
            f"UPDATE {FACT} SET hours_since_previous = ? "
            "WHERE customer_id = ? AND touchpoint_number = 2",
            [gap, other],
        )
    return now


def _add_late_orders(landing: Path, customer: str, at: str) -> None:
    """A second orders export: a late order of `customer` and one of a new customer."""
    with (landing / "crm" / "orders.csv").open(newline="") as handle:
        header = next(csv.reader(handle))
    rows = [
        {"Order No": "SO-LATE-1", "Customer ID": customer, "Order Date": at},
        {"Order No": "SO-LATE-2", "Customer ID": NEW_CUSTOMER, "Order Date": "06/15/2025 10:00 AM"},
    ]
    with (landing / "crm" / "orders_late.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for row in rows:
            writer.writerow({"Product": "Surge Protector", "Qty": 1, "Total": "24.50"} | row)


def test_an_incremental_run_equals_a_full_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path
    for name, value in {
        "EMPATHY_LANDING_DIR": root / "landing",
        "EMPATHY_BUILD_DB": root / "build.duckdb",
        "EMPATHY_KEY_FILE": root / "pseudonym.key",
    }.items():
        monkeypatch.setenv(name, str(value))
    settings = Settings.from_env()
    generate(settings.landing_dir, DemoSize(customers=150, agents=6), seed=3)
    ingest_and_score(settings)
    _dbt(root, "--select", "+fct_journey_touchpoints")
    before = _fact(settings.build_db)

    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        customer, first, second, total = con.execute(
            f"SELECT customer_id, min(touchpoint_at), min(touchpoint_at) FILTER "
            f"(WHERE touchpoint_number = 2), count(*) FROM {FACT} GROUP BY 1 "
            "HAVING count(*) >= 3 AND min(touchpoint_at) FILTER (WHERE touchpoint_number = 2) "
            "> min(touchpoint_at) + INTERVAL 2 DAY ORDER BY customer_id LIMIT 1"
        ).fetchone()
    late = first + (second - first) / 2
    _add_late_orders(settings.landing_dir, customer, late.strftime("%m/%d/%Y %I:%M %p"))
    ingest_and_score(settings)

    untouched = _mark_untouched_journey(settings.build_db, customer)
    # The fact and what it reads (the orders' staging is incremental too: it takes the new file).
    _dbt(root, "--select", "+fct_journey_touchpoints")
    # Journeys without new rows are not rebuilt: the marker survives; then it is undone.
    assert _unmark(settings.build_db, untouched) == -1.0
    after = _fact(settings.build_db)
    assert len(after) == len(before) + 2

    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        journey = con.execute(
            f"SELECT touchpoint_number, source_id FROM {FACT} WHERE customer_id = ? "
            "ORDER BY touchpoint_number",
            [customer],
        ).fetchall()
        new_one = con.execute(
            f"SELECT touchpoint_number, touchpoint_kind, hours_since_previous FROM {FACT} "
            "WHERE customer_id = ?",
            [NEW_CUSTOMER],
        ).fetchall()
    assert journey[1] == (2, "SO-LATE-1") and len(journey) == total + 1
    assert new_one == [(1, "order", None)]

    _dbt(root, "--select", "fct_journey_touchpoints", "--full-refresh")
    assert _fact(settings.build_db) == after
