"""Score one text in one pass: plain TextBlob and the project's score, cues, emotions, topics.

The project's score is a weighted mean of opinion-word valences (TextBlob's lexicon extended
by ``lexicons/sentiment.yml``), with these rules, all documented in that file:

- phrases before words ("on hold for an hour", "went above and beyond");
- modifiers scale the next opinion word ("very", "extremely", "barely");
- negation turns opinion words around within a clause ("not helpful", "didn't like");
- "X but Y": Y weighs three times X; "although X, Y" likewise;
- irrealis ("would have loved it if", "if you want") blocks opinion words until clause end;
- "too"/"overly" before a plain word is an excess ("too small");
- negative opinion words weigh more (negativity bias).

Cues, emotions and topics are matched independently of the sentiment phrases, but share their
negation and irrealis state: "not helpful" is a negative cue, "not happy" no joy.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.text.lexicon import Annotation, Lexicon, SentimentTerm
from orchestration.text.textblob_compat import polarity_subjectivity, tokenized
from orchestration.text.words import CLAUSE_END, SENTENCE_END, SPEAKER, scorer_words

POSITIVE_EMOTIONS = frozenset(("joy", "trust"))
# Ties of the dominant emotion go to the first of these: the specific, negative emotions
# before surprise, the broad positive ones last (DECISIONLOG.md, "Emotion detection").
TIE_ORDER = ("anger", "sadness", "fear", "surprise", "joy", "trust")
NEGATIVE_EMOTIONS = frozenset(("anger", "sadness", "fear"))


@dataclass(frozen=True, slots=True)
class TextScore:
    """All scores of one text (column meanings: docs/architecture.md, enrichment tables)."""

    textblob_polarity: float
    textblob_subjectivity: float
    sentiment_score: float
    sentiment_label: str
    has_opinion: bool
    opinion_word_count: int
    empathy_positive_cues: int
    empathy_negative_cues: int
    emotions: tuple[int, ...]  # counts in Lexicon.emotions order
    dominant_emotion: str | None
    topics: tuple[str, ...]
    customer_sentiment_score: float | None  # the customer's turns of a transcript only


def _weighted_mean(items: list[tuple[float, float]]) -> float:
    """Weighted mean of (valence, weight) pairs, within -1..1; 0.0 without any."""
    total = sum(w for _, w in items)
    return max(-1.0, min(sum(v * w for v, w in items) / total, 1.0)) if total else 0.0


def _label(score: float, has_opinion: bool, lexicon: Lexicon) -> str:
    if has_opinion and score > lexicon.positive_threshold:
        return "positive"
    if has_opinion and score < lexicon.negative_threshold:
        return "negative"
    return "neutral"


class _Pass:
    """State of one left-to-right pass over a text's words."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.items: list[list] = []  # [valence, weight, said by the customer's side]
        self.customer_turn = False
        self.sentence_start = 0
        self.weight = 1.0  # contrast weight of the current clause
        self.after_concessive = False
        self.negation_left = 0
        self.negated_until = 0  # end of a phrase that opened with a negator
        self.phrase_until = 0  # end of the last multi-word sentiment phrase ...
        self.phrase_valence = 0.0  # ... and its valence
        self.irrealis = False
        self.modifier = 1.0
        self.positive_cues = self.negative_cues = 0
        self.emotions = dict.fromkeys(lexicon.emotions, 0)
        self.topics: set[str] = set()

    def boundary(self, word: str) -> None:
        """End of a clause (negation, irrealis, modifiers stop) or of a sentence."""
        self.negation_left = 0
        self.irrealis = False
        self.modifier = 1.0
        if word in SENTENCE_END:
            self.sentence_start = len(self.items)
            self.weight = 1.0
            self.after_concessive = False
        elif self.after_concessive:
            self.weight = self.lex.contrast_after
            self.after_concessive = False

    def add(self, valence: float) -> None:
        """Record an opinion word: modifier, negation, negativity bias and clause weight."""
        lex = self.lex
        valence = max(-1.0, min(valence * self.modifier, 1.0))
        self.modifier = 1.0
        if self.negation_left > 0:
            valence *= lex.negated_positive if valence > 0 else lex.negated_negative
        if valence < 0:
            valence *= lex.negative_weight
        self.items.append([valence, 0.0 if self.irrealis else self.weight, self.customer_turn])

    def contrast(self, role: str) -> None:
        """'but' (contrast) or 'although' (concessive): reweight the sentence's clauses."""
        lex = self.lex
        for item in self.items[self.sentence_start :]:
            item[1] *= lex.contrast_before
        if role == "contrast":
            self.weight = lex.contrast_after
        else:
            self.weight = lex.contrast_before
            self.after_concessive = True

    def annotate(self, annotation: Annotation, i: int, state: tuple[bool, bool]) -> None:
        """Count the cue, emotions and topics of the entry at words[i].

        state: (negated, irrealis) as they were before words[i].
        """
        negated, blocked = state
        self.topics.update(annotation.topics)
        if blocked or (i < self.phrase_until and self._disagrees(annotation)):
            return
        if annotation.cue > 0:
            if negated:
                self.negative_cues += 1
            else:
                self.positive_cues += 1
        elif annotation.cue < 0 and not negated:
            self.negative_cues += 1
        if not negated:
            for emotion in annotation.emotions:
                self.emotions[emotion] += 1

    def _disagrees(self, annotation: Annotation) -> bool:
        """Inside a sentiment phrase, cues and emotions must share its polarity.

        "wanted to love" is no joy, "thank you so much" is.
        """
        if self.phrase_valence < 0:
            return annotation.cue > 0 or not POSITIVE_EMOTIONS.isdisjoint(annotation.emotions)
        return annotation.cue < 0 or not NEGATIVE_EMOTIONS.isdisjoint(annotation.emotions)

    def sentiment(self, term: SentimentTerm, n: int, words: list[str], i: int) -> None:
        """Apply the sentiment term spanning words[i : i + n]."""
        if term.after is not None and (i == 0 or words[i - 1] not in term.after):
            self.negation_left -= 1
            return
        if term.opens_negation:
            self.negated_until = i + n
        if n > 1 and term.valence is not None:
            self.phrase_until, self.phrase_valence = i + n, term.valence
        role = term.role
        if role is None:
            modifies = term.valence is None or self._opinion_at(words, i + n)
            if term.modifier is not None and modifies:
                self.modifier *= term.modifier
            elif term.valence is not None:
                self.add(term.valence)
            self.negation_left -= n
        elif role == "negator":
            self.negation_left = self.lex.negation_scope
        elif role == "irrealis":
            self.irrealis = True
        elif role == "excess":
            if self._opinion_at(words, i + n):
                self.modifier *= self.lex.excess_factor
            elif i + n < len(words) and words[i + n].isalpha():
                self.add(self.lex.excess_valence)
        else:
            self.contrast(role)

    def _opinion_at(self, words: list[str], i: int) -> bool:
        """Whether an opinion word or a modifier starts at words[i]."""
        if i >= len(words):
            return False
        term, _ = self.lex.sentiment.at(words, i)
        return term is not None and (term.valence is not None or term.modifier is not None)

    def run(self, words: list[str]) -> None:
        """One pass: sentiment terms and annotations, each matched longest-first."""
        sentiment, annotations = self.lex.sentiment, self.lex.annotations
        known, phrase_starts = self.lex.known_words, self.lex.phrase_starts
        sentiment_next = annotation_next = 0
        for i, pair in enumerate(zip(words, [*words[1:], ""], strict=True)):
            word = pair[0]
            if word not in known and pair not in phrase_starts:
                if i >= sentiment_next:  # the common case: a word no lexicon knows
                    self.negation_left -= 1
                    self.modifier = 1.0
                continue
            annotation = None
            if i >= annotation_next:
                if pair in annotations.phrases:
                    annotation, span = annotations.at(words, i)
                else:
                    annotation, span = annotations.words.get(word), 1
                if annotation is not None:
                    annotation_next = i + span
                    state = (
                        self.negation_left > 0 or i < self.negated_until or self.modifier < 0,
                        self.irrealis,
                    )
            if i >= sentiment_next:
                if pair in sentiment.phrases:
                    term, n = sentiment.at(words, i)
                else:
                    term, n = sentiment.words.get(word), 1
                if term is not None:
                    sentiment_next = i + n
                    self.sentiment(term, n, words, i)
                elif word in CLAUSE_END:
                    self.boundary(word)
                elif word.startswith(SPEAKER):
                    self.boundary(".")
                    self.customer_turn = word[len(SPEAKER) :] in self.lex.customer_speakers
                else:
                    self.negation_left -= 1
                    self.modifier = 1.0
            if annotation is not None:
                self.annotate(annotation, i, state)


def score_text(text: str, lexicon: Lexicon) -> TextScore:
    """Score one text with plain TextBlob and with the project's lexicons."""
    return score_tokenized(tokenized(text), lexicon)


def score_tokenized(joined_tokens: str, lexicon: Lexicon) -> TextScore:
    """Score a text already tokenized by :func:`textblob_compat.tokenized`."""
    lower = joined_tokens.lower()
    polarity, subjectivity = polarity_subjectivity(lower.split())
    state = _Pass(lexicon)
    state.run(scorer_words(lower, lexicon.speakers))
    counted = [(v, w) for v, w, _ in state.items if w > 0]
    score = _weighted_mean(counted)
    customer = [(v, w) for v, w, said_by_customer in state.items if w > 0 and said_by_customer]
    counts = tuple(state.emotions[e] for e in lexicon.emotions)
    top = max(counts)
    order = (*TIE_ORDER, *lexicon.emotions)
    dominant = next((e for e in order if state.emotions.get(e) == top), None) if top else None
    return TextScore(
        textblob_polarity=polarity,
        textblob_subjectivity=subjectivity,
        sentiment_score=score,
        sentiment_label=_label(score, bool(counted), lexicon),
        has_opinion=bool(counted),
        opinion_word_count=len(counted),
        empathy_positive_cues=state.positive_cues,
        empathy_negative_cues=state.negative_cues,
        emotions=counts,
        dominant_emotion=dominant,
        topics=tuple(sorted(state.topics)),
        customer_sentiment_score=_weighted_mean(customer) if customer else None,
    )
