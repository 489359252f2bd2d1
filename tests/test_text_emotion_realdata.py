"""Issue 13, must-show 3: on the held-out half of the emotion benchmark (never looked at while
the lexicon was written) the emotion lexicon beats the figures of lexicon 2026.1 (recorded in
docs/benchmarks/emotion_before.json) by at least 8 points of macro-F1 and 20 points of the
share of texts with an emotion named. Deterministic: a seeded split and a fixed lexicon."""

from __future__ import annotations

import pytest

from empathy_devtools.text_eval import emotion_eval

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def figures() -> dict:
    if not emotion_eval.EMOTION_BENCHMARK.exists():
        pytest.skip(f"emotion benchmark not found at {emotion_eval.EMOTION_BENCHMARK}")
    texts, labels = emotion_eval.load_emotion_benchmark()
    assert len(texts) == 34667
    return emotion_eval.evaluate_emotions(texts, labels)


def test_before_figures_are_those_of_the_old_lexicon_on_the_same_split() -> None:
    before = emotion_eval.load_before()
    assert before is not None and before["lexicon_version"] == "2026.1"
    assert before["split_seed"] == emotion_eval.EMOTION_SPLIT_SEED


def test_held_out_macro_f1_and_coverage_beat_the_before_figures(figures: dict) -> None:
    before = emotion_eval.load_before()
    assert before is not None
    assert figures["n"] == before["n"] > 16000  # the same held-out texts
    assert figures["macro_f1"] - before["macro_f1"] >= emotion_eval.TARGET_MACRO_F1_GAIN == 0.08
    assert figures["coverage"] - before["coverage"] >= emotion_eval.TARGET_COVERAGE_GAIN == 0.20
    assert figures["macro_f1_interval"][0] > before["macro_f1_interval"][1]
    assert figures["coverage_interval"][0] > before["coverage_interval"][1]
    assert emotion_eval.meets_targets(figures, before)


def test_every_emotion_of_the_benchmark_improves(figures: dict) -> None:
    before = emotion_eval.load_before()
    assert before is not None
    for name, after in figures["per_emotion"].items():
        assert after["f1"] > before["per_emotion"][name]["f1"], name
