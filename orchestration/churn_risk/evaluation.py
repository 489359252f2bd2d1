"""Holdout figures of a probability model: AUC (with a bootstrap interval), PR-AUC, Brier
score, calibration by decile and lift in the top decile."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.integrate import trapezoid
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


def _auc_from_counts(tps: np.ndarray, fps: np.ndarray) -> float:
    """ROC AUC from cumulative true and false positives at each distinct score (highest
    first): scikit-learn's `roc_auc_score` step by step (drop collinear points, start at the
    origin, trapezoids), so the value is the same to the last bit."""
    if len(fps) > 2:
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps = fps[keep], tps[keep]
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    return float(trapezoid(tps / tps[-1], fps / fps[-1]))


def _bootstrap_auc(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """95% percentile interval of the AUC over resamples of the rows (drawn with replacement).

    Each row is coded once as (its distinct score's rank, highest first; its outcome), so a
    round is one count of the drawn rows' codes: positives and negatives per distinct score,
    instead of sorting the resample (`roc_auc_score(y[idx], p[idx])`, the same values, about
    10x slower)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    order = np.argsort(p, kind="mergesort")[::-1]
    sorted_p = p[order]
    group = np.r_[0, np.cumsum(np.diff(sorted_p) != 0)]
    groups = int(group[-1]) + 1 if len(group) else 0
    code = np.empty(len(y), dtype=np.intp)
    code[order] = 2 * group + y[order]
    values = []
    for _ in range(BOOTSTRAP_ROUNDS):
        idx = rng.integers(0, len(y), len(y))
        negatives, positives = np.bincount(code[idx], minlength=2 * groups).reshape(-1, 2).T
        present = (negatives + positives) > 0
        tps = np.cumsum(positives[present]).astype(float)
        fps = np.cumsum(negatives[present]).astype(float)
        if 0 < tps[-1] < len(idx):
            values.append(_auc_from_counts(tps, fps))
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
