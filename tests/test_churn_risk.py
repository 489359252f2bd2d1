"""Tier 3 churn risk: time-split evaluation against the recency-only baseline, the gate that
withholds a model that loses to it (shuffled labels), the planted high-risk customers ranked
on top, and a second run on unchanged features that retrains and rewrites nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pytest
from effects_warehouse import Warehouse
from resources_kit import resources

from orchestration.churn_risk import evaluation, pipeline, targets
from orchestration.settings import MARTS_SCHEMA

NOW = dt.datetime(2025, 7, 1)


def test_top_decile_lift_and_calibration_recomputed_by_hand() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1] * 2)
    p = np.arange(20) / 20
    # The top 2 of 20 scores are rows 19 (y=1) and 18 (y=0): rate 0.5 vs 0.2 overall.
    assert evaluation.top_decile_lift(y, p) == pytest.approx(0.5 / 0.2)
    deciles = evaluation.calibration_deciles(y, p)
    assert deciles["n"].tolist() == [2] * 10
    assert deciles["mean_predicted"].iloc[0] == pytest.approx((0 + 0.05) / 2)
    assert deciles["observed_rate"].iloc[-1] == pytest.approx(0.5)


def _copy(warehouse: Warehouse, tmp_path: Path) -> Path:
    target = tmp_path / "build.duckdb"
    shutil.copy(warehouse.build_db, target)
    return target


def _result(db: Path, shuffle: int | None = None) -> pipeline.ChurnResult:
    with duckdb.connect(str(db), read_only=True) as con:
        fingerprint = pipeline.input_fingerprint(con)
        return pipeline.run_churn_risk(con, NOW, fingerprint, shuffle_labels_seed=shuffle)


def test_time_split_model_beats_the_recency_baseline_and_is_published(planted) -> None:
    card = _result(planted.build_db).card
    assert card["split"] == "time" and card["status"] == "published", card["reason"]
    assert card["training_window_end"] <= card["holdout_window_start"]
    assert card["auc"] > card["baseline_auc"] and card["auc_low"] > 0.5
    assert card["top_decile_lift"] > card["baseline_top_decile_lift"]
    assert card["holdout_positives"] >= pipeline.MIN_POSITIVES


def test_risk_ranks_customers_with_recent_unresolved_technical_contacts_on_top(planted) -> None:
    predictions = _result(planted.build_db).predictions
    rows = planted.records(
        "SELECT customer_id FROM intermediate.int_churn_features "
        "WHERE snapshot_index = 0 AND unresolved_technical_contacts_90d > 0"
    )
    exposed = predictions["customer_id"].isin({r["customer_id"] for r in rows})
    assert exposed.sum() >= 30
    top = predictions["risk_decile"] == 10
    # 10% of all customers are in the top decile; most of the planted high-risk ones are.
    assert top[exposed].mean() > 0.5
    assert predictions.loc[exposed, "risk_decile"].mean() > 8


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_labels_are_withheld_and_the_published_predictions_stay(
    planted, tmp_path: Path, seed: int
) -> None:
    db = _copy(planted, tmp_path)
    good = _result(db)
    with duckdb.connect(str(db)) as con:
        pipeline.write_tables(con, good, MARTS_SCHEMA)
    shuffled = _result(db, shuffle=seed)
    assert shuffled.card["status"] == "withheld" and shuffled.predictions is None
    assert "baseline" in shuffled.card["reason"] or "chance" in shuffled.card["reason"]
    with duckdb.connect(str(db)) as con:
        pipeline.write_tables(con, shuffled, MARTS_SCHEMA)
        versions = con.execute(
            f"SELECT DISTINCT model_version FROM {MARTS_SCHEMA}.{targets.PREDICTIONS_TABLE}"
        ).fetchall()
        statuses = con.execute(
            f"SELECT status FROM {MARTS_SCHEMA}.{targets.CARD_TABLE} ORDER BY trained_at"
        ).fetchall()
    assert versions == [(good.card["model_version"],)]
    assert statuses == [("published",), ("withheld",)]


def _contents(db: Path) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            con.execute(f"SELECT * FROM {MARTS_SCHEMA}.{table} ORDER BY ALL").fetchall()
            for table in (targets.CARD_TABLE, targets.PREDICTIONS_TABLE, targets.DECILES_TABLE)
        ]


def test_a_second_run_on_unchanged_features_retrains_and_rewrites_nothing(
    planted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.defs.churn_risk import CARD_TABLE, KEYS, churn_risk

    db = _copy(planted, tmp_path)
    monkeypatch.setenv("EMPATHY_BUILD_DB", str(db))
    runs = []
    for _ in range(2):
        result = dg.materialize(
            [churn_risk], instance=dg.DagsterInstance.ephemeral(), resources=resources()
        )
        assert result.success
        runs.append(result)
        if len(runs) == 1:
            first = _contents(db)
    metadata = [
        r.asset_materializations_for_node("churn_risk")[0].metadata["retrained"].value for r in runs
    ]
    assert metadata == [True, False]
    assert _contents(db) == first
    checks = runs[1].get_asset_check_evaluations()
    assert [c.passed for c in checks] == [True] and checks[0].asset_key == KEYS[CARD_TABLE]


def test_without_customer_history_the_card_says_not_available(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        result = pipeline.run_churn_risk(con, NOW, pipeline.input_fingerprint(con))
        pipeline.write_tables(con, result, MARTS_SCHEMA)
        ((status, reason),) = con.execute(
            f"SELECT status, reason FROM {MARTS_SCHEMA}.{targets.CARD_TABLE}"
        ).fetchall()
        (predictions,) = con.execute(
            f"SELECT count(*) FROM {MARTS_SCHEMA}.{targets.PREDICTIONS_TABLE}"
        ).fetchone()
    assert status == "not_available" and "no dated customer history" in reason
    assert predictions == 0
