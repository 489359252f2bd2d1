"""The risk models and their recency-only baseline (scikit-learn logistic regressions): churn
and the support-need targets share this code; each names its own label."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from orchestration.churn_risk.targets import CHURN

BASELINE_FEATURES = ("recency_days",)
C = 1.0
MAX_ITER = 2000


def design(frame: pd.DataFrame, features: tuple[str, ...]) -> np.ndarray:
    """The feature matrix: missing values become the column's 0 plus a missing flag column
    for sentiment-like features (only those that have gaps)."""
    matrix = np.empty((len(frame), 2 * len(features)))  # filled in place: one copy only
    for k, name in enumerate(features):
        values = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        missing = values.isna().to_numpy()
        matrix[:, 2 * k] = np.where(missing, 0.0, values.to_numpy())
        matrix[:, 2 * k + 1] = missing
    return matrix


def fit(frame: pd.DataFrame, features: tuple[str, ...], label: str = CHURN.label) -> Pipeline:
    """A standardised, L2-regularised logistic regression of the label on the features."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=MAX_ITER))
    model.fit(design(frame, features), frame[label].astype(int).to_numpy())
    return model


def predict(model: Pipeline, frame: pd.DataFrame, features: tuple[str, ...]) -> np.ndarray:
    """Probability of the label for each row."""
    return model.predict_proba(design(frame, features))[:, 1]


def parameters(model: Pipeline) -> dict[str, list[float] | float]:
    """The fitted scaler and regression as plain numbers (stored as JSON, not pickled: a JSON
    model loads without running code and survives scikit-learn upgrades)."""
    scaler, logit = model[0], model[-1]
    return {
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scaler.scale_],
        "coef": [float(v) for v in logit.coef_[0]],
        "intercept": float(logit.intercept_[0]),
    }


def predict_with(
    params: dict[str, list[float] | float], frame: pd.DataFrame, features: tuple[str, ...]
) -> np.ndarray:
    """Probability of the label for each row from stored `parameters`: what `predict` gives
    with the fitted pipeline (standardise, linear score, logistic)."""
    x = (design(frame, features) - np.asarray(params["mean"])) / np.asarray(params["scale"])
    score = x @ np.asarray(params["coef"]) + float(params["intercept"])
    return expit(score)


def describe() -> str:
    """The regression's settings, part of the model configuration digest."""
    return f"standard-scaler;logistic-l2;C={C};max_iter={MAX_ITER};missing-flags"
