"""Predictive customer lifetime value: BG/NBD + Gamma-Gamma fitted on the staged orders.

One multi-asset writes `marts.fct_clv_predictions` (per customer: expected purchases, P(alive),
expected order value and discounted value over the next 12 months) and `marts.fct_clv_model_fit`
(parameters, log-likelihoods, windows, predicted vs actual holdout purchases). Both are marts:
the GX suites check them and the publication waits for them (`orchestration/defs/quality.py`).
The math lives in `orchestration/clv/`. The models refit on a cadence
(`orchestration/churn_risk/cadence.py`): on a full refresh, without a stored fit, when the
settings changed or the newest order day moved `retrain_after_days` past the fit's; otherwise
the predictions are recomputed as of the newest order day with the stored fit's parameters
(`fct_clv_model_fit` stays). A run whose orders and settings are unchanged writes nothing.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration.clv.config import FIT_TABLE, MODEL_VERSION, PREDICTIONS_TABLE, ClvConfig
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.python_marts import mart_key, mart_row_count, mart_spec, model_refresh
from orchestration.defs.resources import SettingsResource

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
    """Refit when due (calibration fit, holdout check, refit on all history), else score with
    the stored fit; write what changed."""
    # NumPy, pandas and SciPy load when the step runs, not when Dagster loads the definitions
    from orchestration.clv.clv_refresh import REFIT, SCORED, refresh_clv

    settings = settings.get()
    config = ClvConfig.from_env()
    refresh = model_refresh(context, settings)
    with only_transient_retried(), settings.connect_build() as con:
        outcome = refresh_clv(con, config, refresh)
        counts = {table: mart_row_count(con, table) for table in (PREDICTIONS_TABLE, FIT_TABLE)}
    context.log.info(f"predictive CLV {outcome.action}: {outcome.reason}")
    result = outcome.result
    metadata: dict[str, object] = {
        "refit": outcome.action == REFIT,
        "scored": outcome.action == SCORED,
        "action": outcome.action,
        "reason": outcome.reason,
        "input_fingerprint": outcome.fingerprint,
    }
    if result is not None:
        if result.reason:
            context.log.warning(f"predictive CLV: {result.reason}")
        metadata |= {
            "status": result.status,
            "model_version": MODEL_VERSION,
            "monthly_discount_rate": config.monthly_discount_rate,
        }
        total = result.fit[
            (result.fit["fit_stage"] == "calibration") & (result.fit["frequency_bucket"] == "all")
        ]
        if len(total) and total["predicted_holdout_purchases"].notna().all():
            metadata["holdout_predicted"] = float(total["predicted_holdout_purchases"].iloc[0])
            metadata["holdout_actual"] = float(total["actual_holdout_purchases"].iloc[0])
        context.log.info(
            f"predictive CLV {result.status}: {len(result.predictions)} customers, "
            f"{counts[FIT_TABLE]} fit rows"
        )
    for key, table in ((PREDICTIONS_KEY, PREDICTIONS_TABLE), (FIT_KEY, FIT_TABLE)):
        yield dg.MaterializeResult(
            asset_key=key, metadata={**metadata, "dagster/row_count": counts[table]}
        )


defs = dg.Definitions(assets=[clv_predictions])
