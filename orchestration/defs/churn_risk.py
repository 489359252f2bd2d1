"""Per-customer churn risk: a scikit-learn model trained on the dbt feature model.

One multi-asset writes `marts.fct_churn_model_card` (one row per training run: version,
windows, features, holdout figures next to the recency-only baseline, status),
`marts.fct_churn_model_calibration` (calibration by decile of each run) and
`marts.fct_churn_risk_predictions` (per active customer: risk, decile, model version, scoring
date). The math lives in `orchestration/churn_risk/`. The `beats_baseline` check reports why a
model was withheld; the predictions already published stay. The model trains on a cadence
and scores every run (`orchestration/churn_risk/cadence.py`): it retrains on a full refresh,
without a stored model, when its configuration changed or when the data's as-of date moved
`retrain_after_days` past its own; otherwise the current snapshot is scored with the stored
model under the same version and the card gets no row. A run whose features are unchanged
trains nothing and writes nothing.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration.churn_risk.targets import CARD_TABLE, CHURN, DECILES_TABLE, PREDICTIONS_TABLE
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.python_marts import mart_key, mart_row_count, mart_spec, model_refresh
from orchestration.defs.resources import SettingsResource
from orchestration.settings import MARTS_SCHEMA

GROUP = "tier3_advanced"
TABLES = (PREDICTIONS_TABLE, CARD_TABLE, DECILES_TABLE)
KEYS = {table: mart_key(table) for table in TABLES}
MART_KEYS = tuple(KEYS.values())
FEATURES_KEY = dg.AssetKey(["intermediate", "int_churn_features"])
CUSTOMERS_KEY = dg.AssetKey(["staging", "stg_crm__customers"])
DESCRIPTIONS = {
    PREDICTIONS_TABLE: (
        "Per active customer: probability of cancelling within 90 days, risk decile, the "
        "published model's version and the scoring date."
    ),
    CARD_TABLE: (
        "Model card: one row per training run with its version, training and holdout windows, "
        "features, holdout AUC (interval), PR-AUC, Brier, top-decile lift next to the "
        "recency-only baseline, and whether it was published (or why not)."
    ),
    DECILES_TABLE: "Calibration by decile of predicted risk, model and baseline, per run.",
}


@dg.multi_asset(
    name="churn_risk",
    specs=[
        mart_spec(table, [FEATURES_KEY, CUSTOMERS_KEY], GROUP, DESCRIPTIONS[table])
        for table in TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "beats_baseline",
            asset=KEYS[CARD_TABLE],
            description="The newest model beats the recency-only baseline on the holdout.",
        )
    ],
    pool=WRITER_POOL,
    retry_policy=TRANSIENT_RETRY,
)
def churn_risk(
    context: dg.AssetExecutionContext, settings: SettingsResource
) -> Iterator[dg.MaterializeResult]:
    """Retrain when due (evaluate on the time split, gate against the baseline, score), else
    score the current snapshot with the stored model; write what changed."""
    # scikit-learn and SciPy load when the step runs, not when Dagster loads the definitions
    from orchestration.churn_risk.risk_refresh import RETRAINED, SCORED, refresh_target

    settings = settings.get()
    refresh = model_refresh(context, settings)
    with only_transient_retried(), settings.connect_build() as con:
        outcome = refresh_target(con, CHURN, refresh)
        context.log.info(f"churn risk {outcome.action}: {outcome.reason}")
        counts = {table: mart_row_count(con, table) for table in TABLES}
        row = con.execute(
            f"SELECT status, reason FROM {MARTS_SCHEMA}.{CARD_TABLE} "
            "ORDER BY trained_at DESC LIMIT 1"
        ).fetchone()
    metadata: dict[str, object] = {
        "retrained": outcome.action == RETRAINED,
        "scored": outcome.action == SCORED,
        "action": outcome.action,
        "reason": outcome.reason,
    }
    if outcome.model_version:
        metadata["model_version"] = outcome.model_version
    if outcome.result is not None:
        card = outcome.result.card
        metadata |= {"status": str(card["status"]), "input_fingerprint": card["input_fingerprint"]}
        for name in ("auc", "baseline_auc", "pr_auc", "brier", "top_decile_lift"):
            if card[name] is not None:
                metadata[name] = float(card[name])
    for table in TABLES:
        yield dg.MaterializeResult(
            asset_key=KEYS[table], metadata={**metadata, "dagster/row_count": counts[table]}
        )
    yield _check(row[0], row[1])


def _check(status: str, reason: object) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name="beats_baseline",
        asset_key=KEYS[CARD_TABLE],
        passed=status != "withheld",
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"status": status, "reason": str(reason or "")},
    )


defs = dg.Definitions(assets=[churn_risk])
