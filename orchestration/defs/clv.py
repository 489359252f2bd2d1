"""Predictive customer lifetime value: BG/NBD + Gamma-Gamma fitted on the staged orders.

One multi-asset writes `marts.fct_clv_predictions` (per customer: expected purchases, P(alive),
expected order value and discounted value over the next 12 months) and `marts.fct_clv_model_fit`
(parameters, log-likelihoods, windows, predicted vs actual holdout purchases). Both are marts:
the GX suites check them and the publication waits for them (`orchestration/defs/quality.py`).
The math lives in `orchestration/clv/`. A run whose orders and settings are unchanged (same
input fingerprint as the stored fit) does not refit.
"""

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import duckdb

from orchestration.clv.clv_run import (
    FIT_TABLE,
    PREDICTIONS_TABLE,
    input_fingerprint,
    orders_source,
    run_clv,
    stored_fingerprint,
    write_tables,
)
from orchestration.clv.config import MODEL_VERSION, ClvConfig
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.python_marts import mart_key, mart_row_count, mart_spec
from orchestration.defs.resources import SettingsResource
from orchestration.settings import MARTS_SCHEMA

GROUP = "tier2_relationships"
PREDICTIONS_KEY = mart_key(PREDICTIONS_TABLE)
FIT_KEY = mart_key(FIT_TABLE)
MART_KEYS = (PREDICTIONS_KEY, FIT_KEY)
ORDERS_KEY = dg.AssetKey(["staging", "stg_crm__orders"])


@dg.multi_asset(
    name="clv_predictions",
    specs=[
        mart_spec(
            PREDICTIONS_TABLE,
            [ORDERS_KEY],
            GROUP,
            (
                "Per customer with an order: BG/NBD expected purchases and probability alive, "
                "Gamma-Gamma expected order value, discounted 12-month value, as of the newest "
                "order day."
            ),
        ),
        mart_spec(
            FIT_TABLE,
            [ORDERS_KEY],
            GROUP,
            (
                "The CLV models' fits (calibration and full history): parameters, "
                "log-likelihood, windows, predicted vs actual holdout repeat purchases per "
                "frequency bucket; or one 'not_available' row with the reason."
            ),
        ),
    ],
    pool=WRITER_POOL,
    retry_policy=TRANSIENT_RETRY,
)
def clv_predictions(
    context: dg.AssetExecutionContext, settings: SettingsResource
) -> Iterator[dg.MaterializeResult]:
    """Fit on the calibration window, check on the holdout, refit on all history, write."""
    settings = settings.get()
    config = ClvConfig.from_env()
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with only_transient_retried(), duckdb.connect(str(settings.build_db)) as con:
        orders_sql, missing = orders_source(con)
        fingerprint = input_fingerprint(con, orders_sql, config)
        if fingerprint == stored_fingerprint(con, MARTS_SCHEMA):
            context.log.info("orders and settings unchanged since the stored fit: no refit")
            metadata = {"refit": False, "input_fingerprint": fingerprint}
            for key, table in ((PREDICTIONS_KEY, PREDICTIONS_TABLE), (FIT_KEY, FIT_TABLE)):
                rows = mart_row_count(con, table)
                yield dg.MaterializeResult(
                    asset_key=key, metadata={**metadata, "dagster/row_count": rows}
                )
            return
        result = run_clv(
            con, orders_sql, config, dt.datetime.now(dt.UTC).replace(tzinfo=None), missing
        )
        write_tables(con, result, MARTS_SCHEMA)
    if result.reason:
        context.log.warning(f"predictive CLV: {result.reason}")
    total = result.fit[
        (result.fit["fit_stage"] == "calibration") & (result.fit["frequency_bucket"] == "all")
    ]
    metadata: dict[str, object] = {
        "refit": True,
        "status": result.status,
        "reason": result.reason or "",
        "model_version": MODEL_VERSION,
        "input_fingerprint": fingerprint,
        "monthly_discount_rate": config.monthly_discount_rate,
    }
    if len(total) and total["predicted_holdout_purchases"].notna().all():
        metadata["holdout_predicted"] = float(total["predicted_holdout_purchases"].iloc[0])
        metadata["holdout_actual"] = float(total["actual_holdout_purchases"].iloc[0])
    context.log.info(
        f"predictive CLV {result.status}: {len(result.predictions)} customers, "
        f"{len(result.fit)} fit rows"
    )
    yield dg.MaterializeResult(
        asset_key=PREDICTIONS_KEY,
        metadata={**metadata, "dagster/row_count": len(result.predictions)},
    )
    yield dg.MaterializeResult(
        asset_key=FIT_KEY, metadata={**metadata, "dagster/row_count": len(result.fit)}
    )


defs = dg.Definitions(assets=[clv_predictions])
