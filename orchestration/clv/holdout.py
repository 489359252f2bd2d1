"""Predicted vs actual repeat purchases in a holdout window, per calibration-frequency bucket."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.clv import bgnbd

TOP_BUCKET = 7  # frequencies of 7 and more are one bucket ("7+")


def bucket_label(frequency: int) -> str:
    return f"{TOP_BUCKET}+" if frequency >= TOP_BUCKET else str(int(frequency))


def holdout_comparison(
    params: tuple[float, float, float, float], summary: pd.DataFrame, holdout_units: float
) -> pd.DataFrame:
    """Rows per bucket ('0'..'6', '7+') then 'all': customers, predicted and actual purchases.

    `summary` is `rfm.summarize` of the calibration window with `holdout_purchases`.
    """
    predicted = bgnbd.conditional_expected_purchases(
        params, holdout_units, summary["frequency"], summary["recency"], summary["T"]
    )
    unusable = int((~np.isfinite(predicted)).sum())
    if unusable:
        raise ValueError(f"holdout predictions not finite for {unusable} customers")
    frame = pd.DataFrame(
        {
            "frequency_bucket": [bucket_label(f) for f in summary["frequency"]],
            "bucket_order": np.minimum(summary["frequency"].to_numpy(), TOP_BUCKET),
            "predicted": predicted,
            "actual": summary["holdout_purchases"].to_numpy(dtype=float),
        }
    )
    by_bucket = (
        frame.groupby(["bucket_order", "frequency_bucket"], as_index=False)
        .agg(customers=("actual", "size"), predicted=("predicted", "sum"), actual=("actual", "sum"))
        .sort_values("bucket_order")
    )
    total = pd.DataFrame(
        [
            {
                "bucket_order": TOP_BUCKET + 1,
                "frequency_bucket": "all",
                "customers": len(frame),
                "predicted": frame["predicted"].sum(),
                "actual": frame["actual"].sum(),
            }
        ]
    )
    result = pd.concat([by_bucket, total], ignore_index=True)
    result["predicted_to_actual"] = np.where(
        result["actual"] > 0,
        result["predicted"] / result["actual"].where(result["actual"] > 0),
        np.nan,
    )
    return result.drop(columns="bucket_order")
