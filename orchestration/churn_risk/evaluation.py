"""Holdout figures of a probability model: AUC (with a bootstrap interval), PR-AUC, Brier
score, calibration by decile and lift in the top decile."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

BOOTSTRAP_SEED = 20250630
BOOTSTRAP_ROUNDS = 400


@dataclass(frozen=True)
class Figures:
    """Holdout figures of one model."""

    n: int
    positives: int
    auc: float
    auc_low: float
    auc_high: float
    pr_auc: float
    brier: float
    top_decile_lift: float


def _bootstrap_auc(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    values = []
    for _ in range(BOOTSTRAP_ROUNDS):
        idx = rng.integers(0, len(y), len(y))
        if 0 < y[idx].sum() < len(idx):
            values.append(roc_auc_score(y[idx], p[idx]))
    low, high = np.quantile(values, [0.025, 0.975])
    return float(low), float(high)


def top_decile_lift(y: np.ndarray, p: np.ndarray) -> float:
    """Outcome rate among the 10% highest scores divided by the overall rate."""
    k = max(1, int(np.ceil(len(y) * 0.1)))
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def figures(y: np.ndarray, p: np.ndarray) -> Figures:
    """Every holdout figure of scores `p` for outcomes `y` (0/1); needs both classes."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    low, high = _bootstrap_auc(y, p)
    return Figures(
        n=len(y),
        positives=int(y.sum()),
        auc=float(roc_auc_score(y, p)),
        auc_low=low,
        auc_high=high,
        pr_auc=float(average_precision_score(y, p)),
        brier=float(brier_score_loss(y, p)),
        top_decile_lift=top_decile_lift(y, p),
    )


def calibration_deciles(y: np.ndarray, p: np.ndarray) -> pd.DataFrame:
    """Per decile of predicted risk (1 = lowest): n, mean predicted, observed rate."""
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "p": np.asarray(p, dtype=float)})
    order = frame["p"].rank(method="first")
    frame["decile"] = np.ceil(order * 10 / len(frame)).astype(int).clip(1, 10)
    out = frame.groupby("decile").agg(
        n=("y", "size"), mean_predicted=("p", "mean"), observed_rate=("y", "mean")
    )
    return out.reset_index()
