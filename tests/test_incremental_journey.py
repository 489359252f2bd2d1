"""The incremental customer journey (issue 11): daily builds give the rows a full refresh gives.

A small demo (150 customers) is built, then two days of new exports arrive (the bench's daily
exports: new customers, and order, ticket and survey ids of the history re-exported under
other customers, so touchpoints move between customers and some customers are left with
fewer), the second with orders weeks after the history ends, so that the observation cuts
move and earlier touchpoints' outcome windows become observed. The journey models are built
incrementally after each day; then a full refresh of the same database must give exactly the
same rows.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from dbt_kit import run_dbt
from incremental_kit import build_small_demo, ingest_and_score, table_rows

from empathy_devtools.bench.daily_exports import add_daily_exports
from empathy_devtools.demo.generator import DemoSize
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

MODELS = {
    "marts.fct_journey_touchpoints": "touchpoint_id",
    "intermediate.int_journey_touchpoint_outcomes": "touchpoint_id",
    "intermediate.int_journey_episodes": "episode_id",
    "intermediate.int_journey_paths": "customer_id",
    "intermediate.int_journey_observation_window": "last_data_date",
    "marts.fct_journey_friction_points": "grain, touchpoint_kind, channel, resolution, "
    "handled_by, outcome",
    "marts.fct_journey_channel_switches": "grain, first_channel, last_channel, switch_group",
    "marts.fct_journey_paths": "path",
    "marts.fct_journey_daily": "touchpoint_date, source",
}
SELECT = ["--select", "@fct_journey_touchpoints"]


def _later_orders(landing: Path) -> None:
    """A newer export of three orders of known customers, weeks after the history ends."""
    path = landing / "crm" / "orders.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(3), reader, strict=False)]
        fields = reader.fieldnames
    for number, row in enumerate(rows):
        row["Order No"] = f"SO-LATE-{number}"
        row["Order Date"] = f"08/{15 + number:02d}/2025 10:00 AM"
    with (landing / "crm" / "orders_late.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


def _rebuilt(build_db: Path) -> int:
    with duckdb.connect(str(build_db), read_only=True) as con:
        (n,) = con.execute(
            "SELECT count(*) FROM intermediate.int_journey_changed_customers"
        ).fetchone()
    return n


def _moved_orders(build_db: Path) -> int:
    """Orders of the history that the fact now places with another customer than at first."""
    with duckdb.connect(str(build_db), read_only=True) as con:
        (n,) = con.execute(
            "SELECT count(*) FROM marts.fct_journey_touchpoints AS t"
            " INNER JOIN first_build AS f ON t.touchpoint_id = f.touchpoint_id"
            " WHERE t.customer_id <> f.customer_id"
        ).fetchone()
    return n


def test_daily_incremental_journey_builds_equal_a_full_refresh(
    isolated_settings: Settings,
) -> None:
    settings = isolated_settings
    build_small_demo(settings, *SELECT)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute(
            "CREATE TABLE first_build AS"
            " SELECT touchpoint_id, customer_id FROM marts.fct_journey_touchpoints"
        )
        (cut_before,) = con.execute(
            "SELECT churn_observed_before FROM intermediate.int_journey_observation_window"
        ).fetchone()

    for day, customers in (("day1", 40), ("day2", 25)):
        add_daily_exports(
            settings.landing_dir, DemoSize(customers=customers, agents=4, months=1), tag=day
        )
        if day == "day2":
            _later_orders(settings.landing_dir)
        ingest_and_score(settings)
        run_dbt(settings.build_db, "run", *SELECT)
        # Incremental: only some customers were rebuilt.
        assert 0 < _rebuilt(settings.build_db) < 150
    incremental = table_rows(settings.build_db, MODELS, rounded=True)
    # The days moved touchpoints between customers and moved the observation cut.
    assert _moved_orders(settings.build_db) > 0
    (cut_after,) = incremental["intermediate.int_journey_observation_window"][0][2:3]
    assert cut_after > cut_before

    run_dbt(settings.build_db, "run", *SELECT, "--full-refresh")
    full = table_rows(settings.build_db, MODELS, rounded=True)
    for table in MODELS:
        assert len(incremental[table]) == len(full[table]), table
        mismatched = [
            [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y] + [a[0]]
            for a, b in zip(incremental[table], full[table], strict=True)
            if a != b
        ]
        assert not mismatched, (table, len(mismatched), mismatched[:2])
