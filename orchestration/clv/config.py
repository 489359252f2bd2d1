"""Settings of the predictive CLTV models, overridable by environment variables, and the marts
they write (names only: the asset definitions read them without loading the models)."""

from __future__ import annotations

import os
from dataclasses import dataclass

MODEL_VERSION = "bgnbd-gg-v1"
PREDICTIONS_TABLE = "fct_clv_predictions"
FIT_TABLE = "fct_clv_model_fit"


@dataclass(frozen=True)
class ClvConfig:
    """Time unit, windows, horizon, discounting and the minimum data to fit.

    - `unit_days`: the models' time unit (7 = weeks, as in the published CDNOW analyses).
    - `holdout_days`: the newest days of history kept out of the calibration fit to check it.
    - `horizon_months`, `monthly_discount_rate`: the value horizon and the discount rate per
      month (0.01 a month is about 12.7% a year), applied to each month's expected spend.
    - `min_customers`, `min_repeat_customers`: below these the model is "not available".
    """

    unit_days: float = 7.0
    holdout_days: int = 182
    horizon_months: int = 12
    monthly_discount_rate: float = 0.01
    min_customers: int = 100
    min_repeat_customers: int = 30

    @classmethod
    def from_env(cls) -> ClvConfig:
        """Defaults, overridden by `EMPATHY_CLV_UNIT_DAYS`, `EMPATHY_CLV_HOLDOUT_DAYS`,
        `EMPATHY_CLV_HORIZON_MONTHS`, `EMPATHY_CLV_MONTHLY_DISCOUNT_RATE`."""
        env = os.environ
        default = cls()
        return cls(
            unit_days=float(env.get("EMPATHY_CLV_UNIT_DAYS", default.unit_days)),
            holdout_days=int(env.get("EMPATHY_CLV_HOLDOUT_DAYS", default.holdout_days)),
            horizon_months=int(env.get("EMPATHY_CLV_HORIZON_MONTHS", default.horizon_months)),
            monthly_discount_rate=float(
                env.get("EMPATHY_CLV_MONTHLY_DISCOUNT_RATE", default.monthly_discount_rate)
            ),
        )

    def describe(self) -> str:
        """The settings as one string, part of the input fingerprint."""
        return (
            f"{MODEL_VERSION};unit_days={self.unit_days};holdout_days={self.holdout_days};"
            f"horizon_months={self.horizon_months};discount={self.monthly_discount_rate};"
            f"min={self.min_customers}/{self.min_repeat_customers}"
        )
