"""Tables staged by hand in a test's build database, in place of the dbt models that make them."""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.settings import Settings


def stage_frame(settings: Settings, relation: str, frame: pd.DataFrame, select: str) -> None:
    """Replace `relation` (schema.table) with `select`, which reads the frame as `frame`."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    schema = relation.split(".")[0]
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.register("frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {relation} AS {select}")


def stage_orders(settings: Settings, orders: pd.DataFrame) -> None:
    """The orders' staging model as the CLV asset reads it."""
    stage_frame(
        settings,
        "staging.stg_crm__orders",
        orders,
        "SELECT customer_id, CAST(ordered_at AS TIMESTAMP) AS ordered_at, amount FROM frame",
    )
