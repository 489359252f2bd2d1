"""The fast TextBlob reimplementation gives exactly TextBlob's numbers."""

from __future__ import annotations

import pytest
from textblob import TextBlob

from empathy_devtools.text_eval.evaluate import CLOTHING_REVIEWS, load_labelled_reviews
from orchestration.text.textblob_compat import polarity_subjectivity, tokenized

TRICKY = [
    "Not bad at all :) (size 8) really not good!!! :-( :'( <3 x : D",
    "I don't like it. Mr. Smith e.g. U.S. a. b... wow.... It's GREAT!",
    "customer: hi\n\nagent: Sorry!! (!) never very good",
    "'quoted' \"x\" it's... ;-) 8-) — “curly” ‘quotes’ don’t",
    "extremely bad, very very good, not very nice, really not good, not a good one",
    "",
    "!!!",
    "Terrible... simply terrible!!!! Never again :(",
]


def reimplemented(text: str) -> tuple[float, float]:
    return polarity_subjectivity(tokenized(text).lower().split())


def textblob(text: str) -> tuple[float, float]:
    sentiment = TextBlob(text).sentiment
    return sentiment.polarity, sentiment.subjectivity


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_match_textblob_exactly(text: str) -> None:
    assert reimplemented(text) == textblob(text)


@pytest.mark.realdata
def test_real_reviews_match_textblob_exactly() -> None:
    if not CLOTHING_REVIEWS.exists():
        pytest.skip(f"real reviews not found at {CLOTHING_REVIEWS} (../shared/realdata)")
    texts, _ = load_labelled_reviews()
    sample = texts[::10]
    mismatches = [t for t in sample if reimplemented(t) != textblob(t)]
    assert len(sample) > 1900
    assert mismatches == []
