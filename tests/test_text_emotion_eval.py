"""Emotion evaluation parts: per-emotion metrics on a hand-counted example, the seeded split,
the intervals, the report section (with and without the benchmark), and the scorer rules the
emotion work added (tie order)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from empathy_devtools.text_eval import emotion_eval, evaluate
from orchestration.text.lexicon import load_lexicon
from orchestration.text.scorer import score_text

GOLD = ["joy", "joy", "joy", "anger", "anger", "sadness", "fear", "fear", "surprise", "joy"]
PRED = ["joy", "joy", None, "joy", "anger", None, "fear", "sadness", None, "trust"]


def test_per_emotion_figures_on_a_hand_counted_example() -> None:
    figures = emotion_eval.per_emotion(PRED, GOLD)
    # joy: 2 right of 3 named, 2 of 4 gold -> F1 = 4 / 7
    assert figures["joy"] == {
        "precision": round(2 / 3, 4),
        "recall": 0.5,
        "f1": round(4 / 7, 4),
        "support": 4,
        "predicted": 3,
    }
    assert figures["anger"]["f1"] == round(2 / 3, 4)  # 1 right, 1 named, 2 gold
    assert figures["sadness"]["f1"] == 0.0 and figures["sadness"]["predicted"] == 1
    assert figures["fear"]["f1"] == round(2 / 3, 4)  # 1 right, 1 named, 2 gold
    assert figures["surprise"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 1,
        "predicted": 0,
    }
    expected = (4 / 7 + 2 / 3 + 0 + 2 / 3 + 0) / 5
    assert emotion_eval.macro_f1(PRED, GOLD) == pytest.approx(expected)


def test_bootstrap_interval_is_seeded_and_surrounds_the_estimate() -> None:
    gold, pred = GOLD * 40, PRED * 40
    low, high = emotion_eval.bootstrap_macro_f1(pred, gold, resamples=300)
    assert (low, high) == emotion_eval.bootstrap_macro_f1(pred, gold, resamples=300)
    assert low < emotion_eval.macro_f1(pred, gold) < high


def test_wilson_interval() -> None:
    low, high = emotion_eval.wilson(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    assert emotion_eval.wilson(0, 0) == (0.0, 1.0)


def test_split_is_seeded_disjoint_and_complete() -> None:
    tune, held_out = emotion_eval.split(1001)
    again_tune, again_held_out = emotion_eval.split(1001)
    assert np.array_equal(tune, again_tune) and np.array_equal(held_out, again_held_out)
    assert set(tune).isdisjoint(held_out) and sorted([*tune, *held_out]) == list(range(1001))


def test_labels_are_mapped_and_outside_classes_reported_apart() -> None:
    texts = ["I am so happy!", "I love you", "That is disgusting.", "I was ashamed."] * 50
    labels = ["joy", "love", "disgust", "shame"] * 50
    result = emotion_eval.evaluate_emotions(texts, labels, load_lexicon())
    _, held_out = emotion_eval.split(len(texts))
    assert result["n"] + result["outside_taxonomy"]["shame"]["n"] == len(held_out)
    assert set(result["gold_counts"]) == set(emotion_eval.CLASSES)
    assert result["gold_counts"]["joy"] > 0 and result["gold_counts"]["anger"] > 0
    assert result["per_emotion"]["joy"]["f1"] == 1.0  # happy and love both read as joy
    assert result["per_emotion"]["anger"]["f1"] == 1.0  # disgust reads as anger
    assert result["coverage"] == 1.0


def test_report_section_with_and_without_the_benchmark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = json.loads((evaluate.REPORT_DIR / "text_eval.json").read_text("utf-8"))
    texts = ["So happy today", "I am furious", "We were scared", "Wow, surprised!"] * 30
    labels = ["joy", "anger", "fear", "surprise"] * 30
    monkeypatch.setattr(emotion_eval, "load_emotion_benchmark", lambda: (texts, labels))
    monkeypatch.setattr(emotion_eval, "EMOTION_BENCHMARK", tmp_path)  # exists
    report["emotions"] = evaluate.evaluate_emotion_section()
    evaluate.write_report(report, tmp_path)
    markdown = (tmp_path / "text_eval.md").read_text("utf-8")
    assert "## Emotions: emotion benchmark" in markdown and "| macro-F1 (5 emotions)" in markdown
    assert "| surprise |" in markdown and "Targets:" in markdown
    monkeypatch.setattr(emotion_eval, "EMOTION_BENCHMARK", tmp_path / "absent.csv")
    report["emotions"] = evaluate.evaluate_emotion_section()
    evaluate.write_report(report, tmp_path)
    markdown = (tmp_path / "text_eval.md").read_text("utf-8")
    assert "Not available: emotion benchmark not found" in markdown


def test_ties_go_to_the_specific_emotion_before_joy() -> None:
    result = score_text("Thanks for the call, but I am still worried.", load_lexicon())
    assert result.dominant_emotion == "fear"
    assert score_text("Happy and relieved, a bit nervous.", load_lexicon()).dominant_emotion == (
        "joy"
    )
