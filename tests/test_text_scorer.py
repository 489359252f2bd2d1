"""The project's scorer: negation, modifiers, phrases, contrast, irrealis, coverage, labels,
empathy cues, emotions and topics."""

from __future__ import annotations

import pytest

from orchestration.text.lexicon import load_lexicon
from orchestration.text.scorer import TextScore, score_text


def score(text: str) -> TextScore:
    return score_text(text, load_lexicon())


def emotion(result: TextScore, name: str) -> int:
    return result.emotions[load_lexicon().emotions.index(name)]


@pytest.mark.parametrize(
    ("positive", "negated"),
    [
        ("The agent was helpful.", "The agent was not helpful."),
        ("I like this store.", "I don't like this store."),
        ("I like this store.", "I dont like this store."),
        ("I would recommend them.", "I would not recommend them."),
        ("She listened to me.", "Nobody listened to me."),
        ("It works great.", "It never works great."),
    ],
)
def test_negation_turns_positive_opinions_negative(positive: str, negated: str) -> None:
    assert score(positive).sentiment_score > 0
    assert score(negated).sentiment_score < 0
    assert score(negated).sentiment_label == "negative"


def test_negated_negative_is_only_mildly_positive() -> None:
    not_bad, good = score("It was not bad."), score("It was good.")
    assert 0 < not_bad.sentiment_score < good.sentiment_score
    assert score("It was bad.").sentiment_score < 0


def test_negation_stops_at_the_clause_boundary() -> None:
    result = score("Not what I ordered, but the staff were helpful.")
    assert result.sentiment_score > 0


def test_fixed_expressions_are_not_negations() -> None:
    assert score("I would not hesitate to recommend them.").sentiment_score > 0
    assert score("Nothing but praise for the team, they were helpful.").sentiment_score > 0
    assert score("Could not be happier with the service.").sentiment_score > 0
    assert score("I can't believe how easy the setup was.").sentiment_score > 0


def test_intensifiers_scale_and_downtoners_weaken() -> None:
    plain = score("The agent was helpful.").sentiment_score
    assert score("The agent was extremely helpful.").sentiment_score > plain
    assert score("The agent was very helpful.").sentiment_score > plain
    assert 0 < score("The agent was slightly helpful.").sentiment_score < plain
    assert score("The agent was barely helpful.").sentiment_score < 0


def test_excess_marks_a_problem() -> None:
    assert score("The wait was too long.").sentiment_score < 0
    assert score("It is too small.").sentiment_score < 0
    assert (
        score("The dress is too cute!").sentiment_score > score("The dress is cute").sentiment_score
    )


@pytest.mark.parametrize(
    "text",
    [
        "I was on hold for an hour.",
        "They never called back.",
        "What a waste of time.",
        "I got the runaround from support.",
        "The agent was rude and dismissive.",
        "Unhelpful staff.",
    ],
)
def test_service_phrases_are_negative(text: str) -> None:
    result = score(text)
    assert result.sentiment_label == "negative"
    assert result.sentiment_score < result.textblob_polarity


def test_textblob_alone_misses_service_language() -> None:
    for text in ["I was on hold for an hour.", "They never called back.", "Unhelpful staff."]:
        assert score(text).textblob_polarity == 0
        assert score(text).has_opinion


def test_service_praise_is_positive() -> None:
    result = score("Sam went above and beyond to sort it out.")
    assert result.textblob_polarity == 0
    assert result.sentiment_label == "positive"


def test_but_clause_carries_the_sentence() -> None:
    assert score("The dress is pretty, but it is awful quality.").sentiment_score < 0
    assert score("The wait was annoying, but the agent was wonderful.").sentiment_score > 0


def test_irrealis_blocks_opinions() -> None:
    result = score("If they had been helpful, I would have stayed.")
    assert not result.has_opinion
    assert result.empathy_positive_cues == 0


def test_no_opinion_word_is_not_the_same_as_neutral() -> None:
    nothing = score("I called on Tuesday about my order.")
    balanced = score("The agent was helpful but the wait was annoying.")
    assert not nothing.has_opinion and nothing.opinion_word_count == 0
    assert nothing.sentiment_label == "neutral"
    assert balanced.has_opinion and balanced.opinion_word_count == 2


def test_labels_follow_documented_thresholds() -> None:
    lexicon = load_lexicon()
    for text in ["Great service!", "Terrible service.", "It was okay, not great, not awful."]:
        result = score(text)
        expected = (
            "positive"
            if result.sentiment_score > lexicon.positive_threshold
            else "negative"
            if result.sentiment_score < lexicon.negative_threshold
            else "neutral"
        )
        assert result.sentiment_label == expected
    assert -1 <= score("awful awful horrible, worst, terrible!").sentiment_score <= 1


def test_empathy_cues_count_both_sides_and_negation() -> None:
    praise = score("Very helpful and understanding, truly caring staff.")
    assert (praise.empathy_positive_cues, praise.empathy_negative_cues) == (3, 0)
    complaint = score("I felt ignored, frustrated, and the agent was unhelpful.")
    assert (complaint.empathy_positive_cues, complaint.empathy_negative_cues) == (0, 3)
    negated = score("The agent was not helpful and not rude.")
    assert (negated.empathy_positive_cues, negated.empathy_negative_cues) == (0, 1)


def test_emotions_are_counted_unless_negated() -> None:
    angry = score("I am furious, this is unacceptable and the agent was rude.")
    assert emotion(angry, "anger") == 3 and angry.dominant_emotion == "anger"
    happy = score("So happy and grateful, I love it!")
    assert emotion(happy, "joy") == 3 and happy.dominant_emotion == "joy"
    assert emotion(score("Sadly I was disappointed."), "sadness") == 2
    assert emotion(score("I am worried and anxious about the bill."), "fear") == 2
    assert emotion(score("Reliable and honest people."), "trust") == 2
    assert emotion(score("I was surprised, it was unexpected."), "surprise") == 2
    not_happy = score("I am not happy.")
    assert emotion(not_happy, "joy") == 0 and not_happy.dominant_emotion is None


def test_phrases_do_not_leak_the_opposite_emotion() -> None:
    assert emotion(score("I wanted to love this dress."), "joy") == 0
    assert emotion(score("Thank you so much!"), "joy") == 1


def test_several_topics_per_text() -> None:
    result = score(
        "I was overcharged on my bill, the app keeps crashing, the package arrived late "
        "and I was on hold for an hour with a rude agent."
    )
    assert {"billing", "technical", "delivery", "wait_time", "staff_attitude"} <= set(result.topics)
    assert score("The weather was nice.").topics == ()


def test_transcript_speaker_labels_are_not_words() -> None:
    result = score("customer: my invoice is wrong\nagent: let me check that")
    assert "staff_attitude" not in result.topics
    assert "billing" in result.topics


def test_customer_turns_get_their_own_score() -> None:
    transcript = (
        "customer: thanks, that was quick and helpful\n"
        "agent: I am so sorry, I understand how frustrating and stressful this was."
    )
    result = score(transcript)
    assert result.customer_sentiment_score is not None
    assert result.customer_sentiment_score > 0.3 > result.sentiment_score
    assert score("Quick and helpful, thanks.").customer_sentiment_score is None
    assert score("agent: sorry about that\nbot: goodbye").customer_sentiment_score is None
