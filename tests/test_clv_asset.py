"""The `clv_predictions` asset: writes both marts, recomputes only on new orders, and says
"not available" (with the reason) when there are no orders, without failing the run."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest
from clv_simulation import simulate_orders
from resources_kit import resources
from warehouse_kit import stage_orders

from orchestration.clv.clv_run import orders_source, run_clv, write_tables
from orchestration.clv.config import FIT_TABLE, PREDICTIONS_TABLE, ClvConfig
from orchestration.defs.clv import clv_predictions
from orchestration.quality.marts import validate_marts
from orchestration.quality.suites import load_suites
from orchestration.settings import Settings

FITTED_AT = dt.datetime(2026, 1, 1)


def _materialize(instance: dg.DagsterInstance) -> dict[str, dict]:
    result = dg.materialize([clv_predictions], instance=instance, resources=resources())
    assert result.success
    return {
        event.asset_key.to_user_string(): {
            key: value.value
            for key, value in event.event_specific_data.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }


def _suite_failures(con: duckdb.DuckDBPyConnection) -> list[str]:
    suites = load_suites("marts")
    wanted = {name: suites[name] for name in (PREDICTIONS_TABLE, FIT_TABLE)}
    outcomes = validate_marts(con, wanted)
    # Blocking rules only: the freshness warning compares with today when no mart has periods.
    return [
        f"{t}:{o.name}"
        for t, found in outcomes.items()
        for o in found
        if o.blocking and not o.passed
    ]


@pytest.mark.parametrize("staged", [False, True])
def test_no_orders_writes_empty_predictions_and_a_reason(staged: bool) -> None:
    with duckdb.connect() as con:
        if staged:
            con.execute("CREATE SCHEMA staging")
            con.execute(
                "CREATE TABLE staging.stg_crm__orders "
                "(customer_id VARCHAR, ordered_at TIMESTAMP, amount DOUBLE)"
            )
        orders_sql, reason = orders_source(con)
        assert orders_sql is None
        result = run_clv(con, orders_sql, ClvConfig(), FITTED_AT, reason)
        write_tables(con, result, "marts")
        assert con.execute(f"SELECT count(*) FROM marts.{PREDICTIONS_TABLE}").fetchone() == (0,)
        rows = con.execute(f"SELECT status, reason FROM marts.{FIT_TABLE}").fetchall()
        assert _suite_failures(con) == []
    expected = "no orders" if staged else "does not exist"
    assert len(rows) == 1 and rows[0][0] == "not_available" and expected in rows[0][1]


def test_too_few_customers_is_not_available_with_the_counts() -> None:
    with duckdb.connect() as con:
        con.register("orders", simulate_orders(40, seed=2))
        result = run_clv(con, "SELECT * FROM orders", ClvConfig(), FITTED_AT)
    assert result.status == "not_available"
    assert "the model needs 100" in result.reason
    assert result.predictions.empty


@pytest.mark.usefixtures("isolated_settings")
def test_asset_writes_both_marts_and_skips_the_refit_when_orders_are_unchanged() -> None:
    settings = Settings.from_env()
    orders = simulate_orders(600, seed=5)
    stage_orders(settings, orders)
    instance = dg.DagsterInstance.ephemeral()

    first = _materialize(instance)
    assert first["marts/fct_clv_predictions"]["refit"] is True
    assert first["marts/fct_clv_predictions"]["dagster/row_count"] == orders.customer_id.nunique()
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        assert _suite_failures(con) == []
        stages = con.execute(
            f"SELECT fit_stage, frequency_bucket, status FROM marts.{FIT_TABLE} "
            "WHERE frequency_bucket = 'all' ORDER BY fit_stage"
        ).fetchall()
        (fitted_at,) = con.execute(f"SELECT max(fitted_at) FROM marts.{FIT_TABLE}").fetchone()
    assert stages == [("calibration", "all", "fitted"), ("full_history", "all", "fitted")]

    second = _materialize(instance)
    assert second["marts/fct_clv_model_fit"]["refit"] is False
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        assert con.execute(f"SELECT max(fitted_at) FROM marts.{FIT_TABLE}").fetchone() == (
            fitted_at,
        )

    # One order fewer: new input, same as-of: scored with the stored fit, not refit
    # (tests/test_model_cadence.py: when the models refit).
    stage_orders(settings, orders.iloc[:-1])
    third = _materialize(instance)["marts/fct_clv_model_fit"]
    assert third["refit"] is False and third["scored"] is True
