"""What the Python-built marts (CLV, churn risk, support need) share: their asset spec, what
a run asks of their models and their row count, so each of those modules states only what is
its own."""

import datetime as dt
from collections.abc import Sequence

import dagster as dg
import duckdb

from orchestration.churn_risk.cadence import Refresh, models_dir
from orchestration.pipeline_state import FULL_REFRESH_TAG
from orchestration.settings import MARTS_SCHEMA, Settings


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


def model_refresh(context: dg.AssetExecutionContext, settings: Settings) -> Refresh:
    """What this run asks of a model: state beside the build database (its folder created),
    now, the `marts` schema, `--full-refresh` from the run's tag, the retraining cadence."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    return Refresh(
        directory=models_dir(settings.build_db),
        now=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        schema=MARTS_SCHEMA,
        full_refresh=context.run.tags.get(FULL_REFRESH_TAG) == "true",
        retrain_after_days=settings.retrain_after_days,
    )
