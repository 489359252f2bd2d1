"""Cancellations: the earliest of natural churn and the churn triggered by service events."""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo.timeline import DAY, Timeline, to_datetime

CAUSES = ("natural", "technical", "setup")
_REASONS = {
    "natural": (["Too expensive", "Moving away", "Switched to competitor", "Poor service", "Other"],
                [0.35, 0.2, 0.25, 0.1, 0.1]),
    "technical": (["Product didn't work", "Poor service"], [0.6, 0.4]),
    "setup": (["Too complicated", "Product didn't work"], [0.6, 0.4]),
}  # fmt: skip


def earliest_trigger(n: int, rows: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Per customer, the earliest of the given trigger times (inf if none)."""
    out = np.full(n, np.inf)
    np.minimum.at(out, rows, times)
    return out


def cancellation_times(
    natural_end: np.ndarray, technical: np.ndarray, setup: np.ndarray, timeline: Timeline
) -> tuple[np.ndarray, np.ndarray]:
    """Per customer, the cancellation time within the window (inf if none) and its cause index."""
    candidates = np.vstack([natural_end.astype(float), technical, setup])
    cause = candidates.argmin(axis=0)
    cancel = candidates.min(axis=0)
    cancel[cancel >= timeline.end_day * DAY] = np.inf
    return cancel, cause


def make_cancellations(
    rng: np.random.Generator, customer_ids: np.ndarray, cancel: np.ndarray, cause: np.ndarray
) -> pd.DataFrame:
    """One cancellation per churned customer, with a reason that fits its cause."""
    rows = np.flatnonzero(np.isfinite(cancel))
    reason = np.full(len(rows), "", dtype=object)
    for index, name in enumerate(CAUSES):
        hit = cause[rows] == index
        labels, weights = _REASONS[name]
        reason[hit] = np.array(labels, dtype=object)[rng.choice(len(labels), hit.sum(), p=weights)]
    return pd.DataFrame(
        {
            "_customer": rows,
            "customer_id": customer_ids[rows],
            "cancelled_at": to_datetime(cancel[rows]),
            "reason": reason,
            "_cause": np.array(CAUSES, dtype=object)[cause[rows]],
        }
    )
