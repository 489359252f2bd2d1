"""What each risk model predicts and where it writes: names only, no model code.

The asset definitions (`orchestration/defs/`) read these when Dagster loads them; the models
themselves (`pipeline`, `model`, `evaluation`: pandas, scikit-learn, SciPy) are imported
only when a run materializes them.
"""

from __future__ import annotations

from dataclasses import dataclass

FEATURES_RELATION = "intermediate.int_churn_features"
CUSTOMERS_RELATION = "staging.stg_crm__customers"
PREDICTIONS_TABLE = "fct_churn_risk_predictions"
CARD_TABLE = "fct_churn_model_card"
DECILES_TABLE = "fct_churn_model_calibration"
SUPPORT_PREDICTIONS_TABLE = "fct_support_need_predictions"
SUPPORT_CARD_TABLE = "fct_support_need_model_card"
SUPPORT_DECILES_TABLE = "fct_support_need_calibration"


@dataclass(frozen=True)
class Target:
    """What a model predicts and where its card, calibration and predictions go. Targets that
    share tables (`keyed`) carry a `target` column naming them."""

    name: str
    family: str
    label: str
    horizon_days: int
    risk_column: str
    predictions_table: str
    card_table: str
    deciles_table: str
    outcome: str
    keyed: bool = False
    static_fallback: bool = False


CHURN = Target(
    "churn", "churn-logit-v1", "churned_within_90_days", 90, "churn_risk_90d",
    PREDICTIONS_TABLE, CARD_TABLE, DECILES_TABLE, "churned", static_fallback=True,
)  # fmt: skip
INBOUND_CONTACT = Target(
    "inbound_contact", "contact-need-logit-v1", "contacted_within_30_days", 30,
    "probability_30d", SUPPORT_PREDICTIONS_TABLE, SUPPORT_CARD_TABLE, SUPPORT_DECILES_TABLE,
    "contacted", keyed=True,
)  # fmt: skip
COMPLAINT = Target(
    "complaint", "complaint-need-logit-v1", "complained_within_30_days", 30,
    "probability_30d", SUPPORT_PREDICTIONS_TABLE, SUPPORT_CARD_TABLE, SUPPORT_DECILES_TABLE,
    "complained", keyed=True,
)  # fmt: skip
SUPPORT_NEED_TARGETS = (INBOUND_CONTACT, COMPLAINT)
