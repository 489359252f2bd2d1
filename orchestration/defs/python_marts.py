"""What the Python-built marts (CLV, churn risk, support need) share: their asset spec and
their row count, so each of those modules states only what is its own."""

from collections.abc import Sequence

import dagster as dg
import duckdb

from orchestration.settings import MARTS_SCHEMA


def mart_key(table: str) -> dg.AssetKey:
    """The asset key of a table in the `marts` schema, as dbt's marts have."""
    return dg.AssetKey([MARTS_SCHEMA, table])


def mart_spec(
    table: str, deps: Sequence[dg.AssetKey], group: str, description: str
) -> dg.AssetSpec:
    """The spec of one mart a Python multi-asset writes into the build database."""
    return dg.AssetSpec(
        mart_key(table),
        deps=list(deps),
        group_name=group,
        kinds={"duckdb", "python"},
        metadata={"dagster/table_name": f"build.{MARTS_SCHEMA}.{table}"},
        description=description,
    )


def mart_row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of `marts.<table>` (the `dagster/row_count` of its materialization)."""
    (rows,) = con.execute(f"SELECT count(*) FROM {MARTS_SCHEMA}.{table}").fetchone()
    return rows
