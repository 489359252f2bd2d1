"""Binary classification metrics for the scorer evaluation: threshold choice and scores.

Labels are booleans (True = positive). Balanced accuracy is the mean of the recall of each
class, so a scorer cannot look good by calling everything positive (88% of the clothing
reviews are); macro-F1 is the mean of both classes' F1.
"""

from __future__ import annotations

import numpy as np


def balanced_accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    """Mean of the recall of the positive and of the negative class."""
    return float((predicted[truth].mean() + (~predicted[~truth]).mean()) / 2)


def macro_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    """Mean of the F1 of the positive and of the negative class."""
    scores = []
    for cls in (True, False):
        tp = np.sum((predicted == cls) & (truth == cls))
        wrong = np.sum(predicted != truth)
        scores.append(2 * tp / (2 * tp + wrong) if tp + wrong else 0.0)
    return float(np.mean(scores))


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The cut (predict positive when score >= cut) with the highest balanced accuracy.

    Every midpoint between consecutive distinct scores is tried, in one vectorized pass.
    """
    values = np.unique(scores)
    cuts = np.concatenate(([values[0] - 1.0], (values[1:] + values[:-1]) / 2, [values[-1] + 1.0]))
    order = np.sort(scores[truth]), np.sort(scores[~truth])
    positives_below = np.searchsorted(order[0], cuts, side="left")
    negatives_below = np.searchsorted(order[1], cuts, side="left")
    recall_pos = 1 - positives_below / max(len(order[0]), 1)
    recall_neg = negatives_below / max(len(order[1]), 1)
    return float(cuts[np.argmax(recall_pos + recall_neg)])
