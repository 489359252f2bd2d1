"""Per-customer support-need risk: the probability of an inbound contact, and of a complaint,
in the next 30 days, from the same dbt features and library as churn risk.

One multi-asset writes `marts.fct_support_need_model_card` (one row per training run and
target: version, windows, features, holdout figures next to the recency-only baseline,
status), `marts.fct_support_need_calibration` (calibration by decile) and
`marts.fct_support_need_predictions` (per active customer and target: probability, decile,
model version, scoring date). One `<target>_beats_baseline` check per target reports why a
model was withheld; that target's published predictions stay. Each target trains on a cadence
and scores every run like churn risk (`orchestration/churn_risk/cadence.py`); a target whose
features are unchanged trains nothing and writes nothing.
"""

from collections.abc import Iterator

import dagster as dg
import duckdb

from orchestration.churn_risk.targets import (
    SUPPORT_CARD_TABLE,
    SUPPORT_DECILES_TABLE,
    SUPPORT_NEED_TARGETS,
    SUPPORT_PREDICTIONS_TABLE,
    Target,
)
from orchestration.defs.churn_risk import CUSTOMERS_KEY, FEATURES_KEY
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.python_marts import mart_key, mart_row_count, mart_spec, model_refresh
from orchestration.defs.resources import SettingsResource
from orchestration.settings import MARTS_SCHEMA

GROUP = "tier3_advanced"
TABLES = (SUPPORT_PREDICTIONS_TABLE, SUPPORT_CARD_TABLE, SUPPORT_DECILES_TABLE)
KEYS = {table: mart_key(table) for table in TABLES}
MART_KEYS = tuple(KEYS.values())
DESCRIPTIONS = {
    SUPPORT_PREDICTIONS_TABLE: (
        "Per active customer and target (inbound_contact, complaint): probability of that "
        "contact within 30 days, its decile, the published model's version and scoring date."
    ),
    SUPPORT_CARD_TABLE: (
        "Support-need model card: one row per training run and target with its version, "
        "training and holdout windows, features, holdout AUC (interval), PR-AUC, Brier and "
        "top-decile lift next to the recency-only baseline, and whether it was published."
    ),
    SUPPORT_DECILES_TABLE: "Calibration by decile of each support-need run, model and baseline.",
}


def check_name(target: Target) -> str:
    """The asset check of one target's gate."""
    return f"{target.name}_beats_baseline"


def _latest(con: duckdb.DuckDBPyConnection, target: Target) -> tuple[str, object]:
    row = con.execute(
        f"SELECT status, reason FROM {MARTS_SCHEMA}.{SUPPORT_CARD_TABLE} WHERE target = ? "
        "ORDER BY trained_at DESC LIMIT 1",
        [target.name],
    ).fetchone()
    return str(row[0]), row[1]


@dg.multi_asset(
    name="support_need_risk",
    specs=[
        mart_spec(table, [FEATURES_KEY, CUSTOMERS_KEY], GROUP, DESCRIPTIONS[table])
        for table in TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            check_name(target),
            asset=KEYS[SUPPORT_CARD_TABLE],
            description=f"The newest {target.name} model beats the recency-only baseline.",
        )
        for target in SUPPORT_NEED_TARGETS
    ],
    pool=WRITER_POOL,
    retry_policy=TRANSIENT_RETRY,
)
def support_need_risk(
    context: dg.AssetExecutionContext, settings: SettingsResource
) -> Iterator[dg.MaterializeResult]:
    """Per target: retrain when due (time split, gate, score), else score with the stored
    model; write what changed."""
    # scikit-learn and SciPy load when the step runs, not when Dagster loads the definitions
    from orchestration.churn_risk.risk_refresh import RETRAINED, refresh_targets

    settings = settings.get()
    refresh = model_refresh(context, settings)
    actions: dict[str, str] = {}
    checks = []
    with only_transient_retried(), settings.connect_build() as con:
        outcomes = refresh_targets(con, SUPPORT_NEED_TARGETS, refresh)  # both at once
        for target, outcome in zip(SUPPORT_NEED_TARGETS, outcomes, strict=True):
            actions[target.name] = outcome.action
            message = f"{target.name} {outcome.action}: {outcome.reason}"
            if outcome.result is not None:
                card = outcome.result.card
                message += f" ({card['model_version']}: {card['status']} {card['reason'] or ''})"
            context.log.info(message)
            checks.append((target, *_latest(con, target)))
        counts = {table: mart_row_count(con, table) for table in TABLES}
    retrained = {name: action == RETRAINED for name, action in actions.items()}
    metadata = (
        {"retrained": any(retrained.values())}
        | {f"retrained_{name}": value for name, value in retrained.items()}
        | {f"action_{name}": action for name, action in actions.items()}
    )
    for table in TABLES:
        yield dg.MaterializeResult(
            asset_key=KEYS[table], metadata={**metadata, "dagster/row_count": counts[table]}
        )
    for target, status, reason in checks:
        yield dg.AssetCheckResult(
            check_name=check_name(target),
            asset_key=KEYS[SUPPORT_CARD_TABLE],
            passed=status != "withheld",
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"status": status, "reason": str(reason or "")},
        )


defs = dg.Definitions(assets=[support_need_risk])
