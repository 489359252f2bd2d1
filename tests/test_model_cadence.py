"""The Python models train on a cadence and score every run (orchestration/churn_risk/
cadence.py): after a first run, a day of new rows is scored with the stored model (card and
fit unchanged, scoring date moved, same model version); moving the as-of date
`retrain_after_days` past the model's retrains; `--full-refresh` retrains. Small synthetic
features and simulated orders: the decision, not the model's quality, is under test."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import numpy as np
import pandas as pd
import pytest
from clv_simulation import simulate_orders
from resources_kit import resources
from sklearn.metrics import roc_auc_score
from warehouse_kit import stage_frame, stage_orders

from orchestration.churn_risk import cadence, evaluation, pipeline, targets
from orchestration.churn_risk.pipeline import TIME_FEATURES
from orchestration.clv import bgnbd, gamma_gamma, rfm
from orchestration.clv.config import FIT_TABLE
from orchestration.clv.config import PREDICTIONS_TABLE as CLV_PREDICTIONS
from orchestration.defs.churn_risk import churn_risk
from orchestration.defs.clv import clv_predictions
from orchestration.defs.support_need import support_need_risk
from orchestration.pipeline_state import FULL_REFRESH_TAG
from orchestration.settings import MARTS_SCHEMA, Settings

AS_OF = dt.date(2025, 6, 30)
CUSTOMERS = 400
LABELS = ("churned_within_90_days", "contacted_within_30_days", "complained_within_30_days")
CARDS = {
    "churn": f"SELECT model_version, trained_at FROM {MARTS_SCHEMA}.{targets.CARD_TABLE}",
    "support": (
        f"SELECT target, model_version, trained_at FROM {MARTS_SCHEMA}.{targets.SUPPORT_CARD_TABLE}"
    ),
}


def _features(as_of: dt.date, extra: int = 0, seed: int = 3, signal: float = 1.5) -> pd.DataFrame:
    """Four snapshots, 90 days apart, of customers whose unresolved technical contacts drive
    every label (so each model beats the recency-only baseline; `signal` 0: labels are
    noise); `extra` new customers at snapshot 0."""
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(4):
        n = CUSTOMERS + (extra if k == 0 else 0)
        frame = pd.DataFrame(
            {name: rng.poisson(3, n).astype("int64") for name in TIME_FEATURES}
        ).assign(mean_contact_sentiment_365d=rng.normal(0, 0.3, n))
        risk = 1 / (1 + np.exp(-(frame["unresolved_technical_contacts_90d"] - 3.5) * signal))
        for label in LABELS:
            frame[label] = rng.random(n) < risk
        frame.insert(0, "customer_id", [f"c{i:04d}" for i in range(n)])
        frame.insert(0, "snapshot_date", as_of - dt.timedelta(days=90 * k))
        frame.insert(0, "snapshot_index", k)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _stage_features(settings: Settings, frame: pd.DataFrame) -> None:
    stage_frame(
        settings,
        "intermediate.int_churn_features",
        frame,
        "SELECT * REPLACE (CAST(snapshot_date AS DATE) AS snapshot_date) FROM frame",
    )


def _risk_run(full_refresh: bool = False) -> dict[str, dict]:
    tags = {FULL_REFRESH_TAG: "true"} if full_refresh else None
    result = dg.materialize(
        [churn_risk, support_need_risk],
        instance=dg.DagsterInstance.ephemeral(),
        resources=resources(),
        tags=tags,
    )
    assert result.success
    return {
        node: {
            k: v.value for k, v in result.asset_materializations_for_node(node)[0].metadata.items()
        }
        for node in ("churn_risk", "support_need_risk")
    }


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _predictions(settings: Settings) -> list[tuple]:
    return _query(
        settings,
        f"SELECT 'churn', scoring_date, model_version, count(*) FROM {MARTS_SCHEMA}."
        f"{targets.PREDICTIONS_TABLE} GROUP BY ALL UNION ALL SELECT target, scoring_date, "
        f"model_version, count(*) FROM {MARTS_SCHEMA}.{targets.SUPPORT_PREDICTIONS_TABLE} "
        "GROUP BY ALL ORDER BY ALL",
    )


@pytest.fixture
def trained(isolated_settings: Settings) -> tuple[Settings, list[tuple], dict]:
    """A first run on the synthetic features: every target trained and published."""
    _stage_features(isolated_settings, _features(AS_OF))
    first = _risk_run()
    assert first["churn_risk"]["retrained"] is True
    assert first["support_need_risk"]["retrained_inbound_contact"] is True
    assert first["support_need_risk"]["retrained_complaint"] is True
    predictions = _predictions(isolated_settings)
    assert {row[0] for row in predictions} == {"churn", "inbound_contact", "complaint"}
    assert {row[1] for row in predictions} == {AS_OF}
    cards = {name: _query(isolated_settings, sql) for name, sql in CARDS.items()}
    return isolated_settings, predictions, cards


def test_a_day_of_new_rows_is_scored_with_the_stored_model(trained) -> None:
    settings, first, cards = trained
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=1), extra=5))
    runs = _risk_run()
    assert runs["churn_risk"]["action"] == "scored" and runs["churn_risk"]["retrained"] is False
    assert runs["support_need_risk"]["action_inbound_contact"] == "scored"
    assert runs["support_need_risk"]["action_complaint"] == "scored"
    # No training row, the same model versions, the new scoring date and the new customers.
    assert {name: _query(settings, sql) for name, sql in CARDS.items()} == cards
    after = _predictions(settings)
    assert [(t, v) for t, _, v, _ in after] == [(t, v) for t, _, v, _ in first]
    assert {row[1] for row in after} == {AS_OF + dt.timedelta(days=1)}
    assert [n for *_, n in after] == [n + 5 for *_, n in first]
    # The same inputs again: nothing is retrained, scored or written.
    again = _risk_run()
    assert again["churn_risk"]["action"] == "unchanged"
    assert again["support_need_risk"]["retrained"] is False
    assert _predictions(settings) == after


def test_moving_the_as_of_past_retrain_after_days_retrains(trained) -> None:
    settings, _, cards = trained
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=29), extra=1))
    assert _risk_run()["churn_risk"]["action"] == "scored"
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=30)))
    runs = _risk_run()
    assert (
        runs["churn_risk"]["retrained"] is True and "30 days past" in runs["churn_risk"]["reason"]
    )
    assert runs["support_need_risk"]["action_inbound_contact"] == "retrained"
    assert len(_query(settings, CARDS["churn"])) == len(cards["churn"]) + 1
    state = cadence.load_state(cadence.models_dir(settings.build_db), "churn")
    assert state.trained_as_of == (AS_OF + dt.timedelta(days=30)).isoformat()


def test_retrain_after_days_is_a_setting(trained, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, *_ = trained
    monkeypatch.setenv("EMPATHY_RETRAIN_AFTER_DAYS", "7")
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=7)))
    assert _risk_run()["churn_risk"]["retrained"] is True


def test_a_withheld_retraining_leaves_the_published_model_scoring(trained) -> None:
    settings, first, _ = trained
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=30), seed=8, signal=0.0))
    runs = _risk_run()
    assert runs["churn_risk"]["retrained"] is True and runs["churn_risk"]["status"] == "withheld"
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=31), seed=8, signal=0.0))
    assert _risk_run()["churn_risk"]["action"] == "scored"
    churn = [row for row in _predictions(settings) if row[0] == "churn"]
    assert churn == [("churn", AS_OF + dt.timedelta(days=31), first[0][2], first[0][3])]


def test_full_refresh_retrains(trained) -> None:
    settings, _, cards = trained
    _stage_features(settings, _features(AS_OF + dt.timedelta(days=1), extra=5))
    runs = _risk_run(full_refresh=True)
    assert runs["churn_risk"]["retrained"] is True
    assert runs["churn_risk"]["reason"] == "full refresh requested"
    assert runs["support_need_risk"]["retrained_complaint"] is True
    assert len(_query(settings, CARDS["support"])) == len(cards["support"]) + 2


def test_a_changed_feature_column_retrains(trained) -> None:
    settings, *_ = trained
    frame = _features(AS_OF + dt.timedelta(days=1)).assign(new_feature=1.0)
    _stage_features(settings, frame)
    runs = _risk_run()
    assert (
        runs["churn_risk"]["retrained"] is True and "configuration" in runs["churn_risk"]["reason"]
    )


def test_scoring_with_stored_parameters_equals_the_training_runs_scoring(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("CREATE SCHEMA intermediate")
        con.register("features", _features(AS_OF))
        con.execute("CREATE TABLE intermediate.int_churn_features AS SELECT * FROM features")
        target = targets.CHURN
        result = pipeline.run_model(con, target, dt.datetime(2025, 7, 1), "f" * 32)
        assert result.published and result.as_of == AS_OF
        scored = pipeline.score_current(con, target, result.model, "v")
    expected = result.predictions
    assert scored["customer_id"].tolist() == expected["customer_id"].tolist()
    np.testing.assert_allclose(scored["churn_risk_90d"], expected["churn_risk_90d"], rtol=1e-12)
    assert scored["risk_decile"].tolist() == expected["risk_decile"].tolist()


# Predictive CLV: the stored fit's parameters in fct_clv_model_fit score new orders.


def _clv_run(full_refresh: bool = False) -> dict:
    tags = {FULL_REFRESH_TAG: "true"} if full_refresh else None
    result = dg.materialize(
        [clv_predictions], instance=dg.DagsterInstance.ephemeral(), resources=resources(), tags=tags
    )
    assert result.success
    metadata = result.asset_materializations_for_node("clv_predictions")[0].metadata
    return {k: v.value for k, v in metadata.items()}


def _later(orders: pd.DataFrame, days: int) -> pd.DataFrame:
    """`orders` and one more order of three customers, `days` after the newest order day."""
    newest = pd.to_datetime(orders["ordered_at"]).max() + pd.Timedelta(days=days)
    more = orders.drop_duplicates("customer_id").head(3).assign(ordered_at=newest.date())
    return pd.concat([orders, more], ignore_index=True)


@pytest.fixture
def clv_fitted(isolated_settings: Settings) -> tuple[Settings, pd.DataFrame, list[tuple]]:
    orders = simulate_orders(600, seed=5)
    stage_orders(isolated_settings, orders)
    assert _clv_run()["refit"] is True
    fit = _query(isolated_settings, f"SELECT * FROM {MARTS_SCHEMA}.{FIT_TABLE} ORDER BY ALL")
    return isolated_settings, orders, fit


def _clv_predictions(settings: Settings) -> list[tuple]:
    return _query(
        settings,
        f"SELECT as_of, model_version, fitted_at, count(*) FROM {MARTS_SCHEMA}.{CLV_PREDICTIONS} "
        "GROUP BY ALL",
    )


def test_clv_a_day_of_new_orders_is_scored_with_the_stored_fit(clv_fitted) -> None:
    settings, orders, fit = clv_fitted
    ((as_of, version, fitted_at, n),) = _clv_predictions(settings)
    stage_orders(settings, _later(orders, 1))
    run = _clv_run()
    assert run["refit"] is False and run["scored"] is True
    assert _query(settings, f"SELECT * FROM {MARTS_SCHEMA}.{FIT_TABLE} ORDER BY ALL") == fit
    assert _clv_predictions(settings) == [(as_of + dt.timedelta(days=1), version, fitted_at, n)]
    assert _clv_run()["action"] == "unchanged"


def test_clv_refits_past_retrain_after_days_and_on_full_refresh(clv_fitted) -> None:
    settings, orders, fit = clv_fitted
    stage_orders(settings, _later(orders, 30))
    run = _clv_run()
    assert run["refit"] is True and "30 days past" in run["reason"]
    later = _query(settings, f"SELECT * FROM {MARTS_SCHEMA}.{FIT_TABLE} ORDER BY ALL")
    assert later != fit
    stage_orders(settings, _later(_later(orders, 30), 1))
    assert _clv_run(full_refresh=True)["refit"] is True


# What made the training runs cheaper keeps every value to the last bit (the first run's
# tables equal those before the change).


def test_bootstrap_interval_equals_sklearn_on_each_resample() -> None:
    rng = np.random.default_rng(11)
    p = np.round(rng.random(300), 2)  # many ties
    y = (rng.random(300) < p).astype(int)
    draws = np.random.default_rng(evaluation.BOOTSTRAP_SEED)
    values = []
    for _ in range(evaluation.BOOTSTRAP_ROUNDS):
        idx = draws.integers(0, len(y), len(y))
        if 0 < y[idx].sum() < len(idx):
            values.append(roc_auc_score(y[idx], p[idx]))
    expected = tuple(float(v) for v in np.quantile(values, [0.025, 0.975]))
    assert evaluation._bootstrap_auc(y, p) == expected


def test_clv_likelihoods_of_fixed_data_equal_the_plain_ones() -> None:
    orders = simulate_orders(300, seed=9)
    with duckdb.connect() as con:
        con.register("orders", orders)
        summary = rfm.summarize(con, "SELECT * FROM orders", dt.date(2025, 6, 30), 7.0)
    x, t_x, T = bgnbd._arrays(summary["frequency"], summary["recency"], summary["T"])
    repeat = summary[summary["frequency"] > 0]
    xm, mx = gamma_gamma._arrays(repeat["frequency"], repeat["monetary_value"])
    bg = bgnbd._likelihood_of(x, t_x, T, np.ones_like(x))
    gg = gamma_gamma._likelihood_of(xm, mx)
    rng = np.random.default_rng(4)
    for _ in range(50):
        params = tuple(np.exp(rng.normal(0, 1, 4)))
        assert bg(params) == bgnbd.log_likelihood(params, x, t_x, T)
        assert gg(params[:3]) == gamma_gamma.log_likelihood(params[:3], xm, mx)
