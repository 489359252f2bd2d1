"""The evaluation command's parts: metrics, threshold choice, the seeded split, distinct
variants, and a small end-to-end run that writes the report (the 100,000-text measurement
itself runs in `make eval-text`, not here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from empathy_devtools.text_eval import evaluate
from empathy_devtools.text_eval.metrics import balanced_accuracy, best_threshold, macro_f1
from empathy_devtools.text_eval.throughput import distinct_variants


def test_metrics_on_a_hand_counted_example() -> None:
    truth = np.array([True, True, True, True, False, False])
    predicted = np.array([True, True, True, False, True, False])
    # recall: positives 3/4, negatives 1/2; F1: positive 6/8, negative 2/4
    assert balanced_accuracy(predicted, truth) == pytest.approx((0.75 + 0.5) / 2)
    assert macro_f1(predicted, truth) == pytest.approx((0.75 + 0.5) / 2)
    everything_positive = np.ones(6, dtype=bool)
    assert balanced_accuracy(everything_positive, truth) == 0.5


def test_threshold_separates_when_the_scores_do() -> None:
    scores = np.array([-0.8, -0.2, 0.05, 0.3, 0.6, 0.9])
    truth = np.array([False, False, False, True, True, True])
    cut = best_threshold(scores, truth)
    assert 0.05 < cut < 0.3
    assert balanced_accuracy(scores >= cut, truth) == 1.0


def test_split_is_seeded_and_covers_every_review() -> None:
    tune, test = evaluate.seeded_halves(101)
    again, _ = evaluate.seeded_halves(101)
    assert np.array_equal(tune, again)
    assert sorted([*tune, *test]) == list(range(101)) and len(tune) == 50


def test_variants_are_distinct() -> None:
    texts = ["good", "bad", "good"]
    variants = distinct_variants(texts, 3)
    assert len(variants) == len(set(variants)) == 6


def test_small_evaluation_writes_a_consistent_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_settings: object
) -> None:
    positive = [f"Order {i}: the agent was helpful and went above and beyond." for i in range(60)]
    negative = [f"Order {i}: on hold for an hour, they never called back." for i in range(60)]
    texts, truth = positive + negative, np.array([True] * 60 + [False] * 60)
    monkeypatch.setattr(evaluate, "PER_CORE_SAMPLE", 100)
    # TextBlob on a process pool costs seconds of start-up; its arithmetic is what is checked.
    monkeypatch.setattr(evaluate, "textblob_parallel_rate", lambda texts, workers: 1000.0)
    labels = evaluate.evaluate_labels(texts, truth)
    speed = evaluate.evaluate_throughput(texts)
    report = {
        "generated_at": "test",
        "lexicon_version": "test",
        "environment": "test.",
        "labels": labels,
        "throughput": speed,
    }
    evaluate.write_report(report, tmp_path)
    written = json.loads((tmp_path / "text_eval.json").read_text())
    assert written["labels"]["project"]["balanced_accuracy"] == 1.0
    assert written["labels"]["textblob"]["balanced_accuracy"] == 0.5  # TextBlob sees nothing
    assert written["labels"]["textblob_numbers_reproduced_exactly"] == 120
    wall = written["throughput"]["wall_clock"]
    assert written["throughput"]["distinct_texts"] == 120 * evaluate.VOLUME_COPIES
    assert wall["ratio_to_cores_x_textblob"] == pytest.approx(
        # the report rounds ratios to 3 decimals: on a loaded machine a small ratio loses >1%
        wall["asset_texts_per_second"] / (speed["cores"] * wall["textblob_per_core"]),
        rel=0.01,
        abs=5e-4,
    )
    assert wall["ratio_to_textblob_on_all_cores"] == pytest.approx(
        wall["asset_texts_per_second"] / 1000.0, rel=0.01, abs=5e-4
    )
    assert len(wall["all_runs"]["asset"]) == evaluate.MEASURE_ROUNDS
    assert wall["asset_texts_per_second"] == max(wall["all_runs"]["asset"])
    markdown = (tmp_path / "text_eval.md").read_text()
    assert "| project `sentiment_score` |" in markdown and "Whole asset /" in markdown
