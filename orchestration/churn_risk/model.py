"""The risk models and their recency-only baseline (scikit-learn logistic regressions): churn
and the support-need targets share this code; each names its own label."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_FAMILY = "churn-logit-v1"
LABEL = "churned_within_90_days"
BASELINE_FEATURES = ("recency_days",)


def design(frame: pd.DataFrame, features: tuple[str, ...]) -> np.ndarray:
    """The feature matrix: missing values become the column's 0 plus a missing flag column
    for sentiment-like features (only those that have gaps)."""
    columns = []
    for name in features:
        values = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        missing = values.isna().to_numpy()
        columns.append(np.where(missing, 0.0, values.to_numpy()))
        columns.append(missing.astype(float))
    return np.column_stack(columns)


def fit(frame: pd.DataFrame, features: tuple[str, ...], label: str = LABEL) -> Pipeline:
    """A standardised, L2-regularised logistic regression of the label on the features."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    model.fit(design(frame, features), frame[label].astype(int).to_numpy())
    return model


def predict(model: Pipeline, frame: pd.DataFrame, features: tuple[str, ...]) -> np.ndarray:
    """Probability of the label for each row."""
    return model.predict_proba(design(frame, features))[:, 1]
