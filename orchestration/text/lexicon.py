"""The project's versioned lexicons (YAML files in ``lexicons/``), compiled for fast lookup.

Two vocabularies are compiled: the sentiment vocabulary (TextBlob's lexicon changed and
extended by ``sentiment.yml``, plus modifiers, negators, contrast and irrealis words) and
the annotation vocabulary (empathy cues, emotions, topics). Each keeps single words in one
dictionary and phrases under their first word, longest first, so the scorer needs one or two
dictionary lookups per word.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Generic, TypeVar

from orchestration.text.lexicon_files import current_lexicon, read_lexicon_file
from orchestration.text.textblob_compat import emoticon_scores, sentiment_lexicon, tokenized
from orchestration.text.words import CLAUSE_END, SPEAKER, scorer_words

EMOTIONS = ("joy", "anger", "sadness", "fear", "trust", "surprise")

Words = tuple[str, ...]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SentimentTerm:
    """What a sentiment word or phrase does to the score."""

    valence: float | None = None
    modifier: float | None = None
    role: str | None = None  # negator, contrast, concessive, irrealis or excess
    after: frozenset[str] | None = None  # counts only right after one of these words
    opens_negation: bool = False  # a phrase that starts with a negator ("not worth")


@dataclass(frozen=True, slots=True)
class Annotation:
    """Empathy cue (+1 / -1), emotions and topics of a word or phrase."""

    cue: int = 0
    emotions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary(Generic[T]):
    """Single words by spelling; phrases by their first two words, longest first."""

    words: dict[str, T]
    phrases: dict[tuple[str, str], tuple[tuple[Words, T], ...]]

    @classmethod
    def of(cls, terms: dict[Words, T]) -> Vocabulary[T]:
        by_start: dict[tuple[str, str], list[tuple[Words, T]]] = {}
        for key, term in terms.items():
            if len(key) > 1:
                by_start.setdefault((key[0], key[1]), []).append((key, term))
        return cls(
            {key[0]: term for key, term in terms.items() if len(key) == 1},
            {b: tuple(sorted(c, key=lambda c: -len(c[0]))) for b, c in by_start.items()},
        )

    def at(self, words: list[str], i: int) -> tuple[T | None, int]:
        """The longest entry starting at words[i]: (term, words spanned) or (None, 1)."""
        for key, term in self.phrases.get(tuple(words[i : i + 2]), ()):
            if tuple(words[i : i + len(key)]) == key:
                return term, len(key)
        return self.words.get(words[i]), 1


@dataclass(frozen=True)
class Lexicon:
    """Everything the scorer needs, compiled; identical in every worker process."""

    version: str
    fingerprint: str
    sentiment: Vocabulary[SentimentTerm]
    annotations: Vocabulary[Annotation]
    speakers: frozenset[str]  # every speaker label of a transcript
    customer_speakers: frozenset[str]  # the labels of the customer's side
    negation_scope: int
    negated_positive: float
    negated_negative: float
    excess_valence: float
    excess_factor: float
    contrast_before: float
    contrast_after: float
    negative_weight: float
    positive_threshold: float
    negative_threshold: float
    emotions: tuple[str, ...] = field(default=EMOTIONS)

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Words that are an entry or a boundary: any other word only moves the pass on."""
        markers = {SPEAKER + s for s in self.speakers}
        return (
            frozenset(self.sentiment.words)
            | frozenset(self.annotations.words)
            | CLAUSE_END
            | markers
        )

    @cached_property
    def phrase_starts(self) -> frozenset[tuple[str, str]]:
        """First two words of every phrase of both vocabularies."""
        return frozenset(self.sentiment.phrases) | frozenset(self.annotations.phrases)


def phrase_words(phrase: str, speakers: frozenset[str] = frozenset()) -> Words:
    """A lexicon key as the scorer sees it in texts ("didn't care" -> did, not, care)."""
    return tuple(scorer_words(tokenized(phrase).lower(), speakers))


def _keys(spec: str) -> list[str]:
    return [k.strip() for k in str(spec).split("|") if k.strip()]


def _sentiment_terms(spec: dict, speakers: frozenset[str]) -> dict[Words, SentimentTerm]:
    def words(key: str) -> Words:
        return phrase_words(key, speakers)

    textblob, _ = sentiment_lexicon()
    neutral = {w for line in spec["neutral"] for w in _keys(line)}
    terms: dict[Words, SentimentTerm] = {
        (w,): SentimentTerm(valence=scores[0])
        for w, scores in textblob.items()
        if scores[0] != 0.0 and w not in neutral and " " not in w
    }
    for group in spec["valence"]:
        if group.get("textblob_emoticons"):
            terms.update({(e,): SentimentTerm(valence=p) for e, p in emoticon_scores().items()})
        for key, value in group.get("entries", {}).items():
            for k in _keys(key):
                terms[words(k)] = SentimentTerm(valence=float(value))
    for w, rule in spec["context"].items():
        terms[words(w)] = SentimentTerm(
            valence=float(rule["valence"]), after=frozenset(_keys(rule["after"]))
        )
    for key, factor in spec["modifiers"].items():
        for k in _keys(key):
            terms[words(k)] = replace(terms.get(words(k), SentimentTerm()), modifier=float(factor))
    roles = {
        "negator": spec["negation"]["words"],
        "contrast": spec["contrast"]["words"],
        "concessive": spec["contrast"]["concessive"],
        "irrealis": spec["irrealis"],
        "excess": spec["excess"]["words"],
    }
    for role, keys in roles.items():
        for k in _keys(keys):
            terms[words(k)] = SentimentTerm(role=role)
    negators = {words(k) for k in _keys(roles["negator"])}
    for key, term in terms.items():
        if len(key) > 1 and term.valence is not None and any(key[: len(n)] == n for n in negators):
            terms[key] = replace(term, opens_negation=True)
    terms.update({words(k): SentimentTerm() for k in _keys(spec["fixed"])})
    return terms


def _annotation_terms(speakers: frozenset[str]) -> dict[Words, Annotation]:
    cues: dict[Words, int] = {}
    for polarity, sign in (("positive", 1), ("negative", -1)):
        for line in read_lexicon_file("empathy_cues.yml")[polarity]:
            cues.update({phrase_words(k, speakers): sign for k in _keys(line)})
    listed: dict[Words, tuple[set[str], set[str]]] = {}
    for kind, name in (("emotions", "emotions.yml"), ("topics", "topics.yml")):
        for label, lines in read_lexicon_file(name).items():
            for line in lines:
                for k in _keys(line):
                    emotions, topics = listed.setdefault(phrase_words(k, speakers), (set(), set()))
                    (emotions if kind == "emotions" else topics).add(label)
    direct = {
        w: Annotation(
            cue=cues.get(w, 0),
            emotions=tuple(e for e in EMOTIONS if e in listed.get(w, ((), ()))[0]),
            topics=tuple(sorted(listed.get(w, ((), ()))[1])),
        )
        for w in set(cues) | set(listed)
    }
    return {w: _with_inner(w, a, direct) for w, a in direct.items()}


def _with_inner(key: Words, own: Annotation, direct: dict[Words, Annotation]) -> Annotation:
    """A phrase also carries the topics and emotions of the shorter entries inside it."""
    emotions, topics = set(own.emotions), set(own.topics)
    for length in range(1, len(key)):
        for start in range(len(key) - length + 1):
            inner = direct.get(key[start : start + length])
            if inner is not None:
                emotions.update(inner.emotions)
                topics.update(inner.topics)
    return Annotation(
        cue=own.cue,
        emotions=tuple(e for e in EMOTIONS if e in emotions),
        topics=tuple(sorted(topics)),
    )


@cache
def load_lexicon() -> Lexicon:
    """Compile the lexicon files once per process."""
    spec = read_lexicon_file("sentiment.yml")
    lexicon_id = current_lexicon()
    customer_speakers = frozenset(_keys(spec["speakers"]["customer"]))
    speakers = customer_speakers | frozenset(_keys(spec["speakers"]["business"]))
    return Lexicon(
        version=lexicon_id.version,
        fingerprint=lexicon_id.fingerprint,
        sentiment=Vocabulary.of(_sentiment_terms(spec, speakers)),
        annotations=Vocabulary.of(_annotation_terms(speakers)),
        speakers=speakers,
        customer_speakers=customer_speakers,
        negation_scope=int(spec["negation"]["scope"]),
        negated_positive=float(spec["negation"]["positive_factor"]),
        negated_negative=float(spec["negation"]["negative_factor"]),
        excess_valence=float(spec["excess"]["valence"]),
        excess_factor=float(spec["excess"]["factor"]),
        contrast_before=float(spec["contrast"]["before"]),
        contrast_after=float(spec["contrast"]["after"]),
        negative_weight=float(spec["negative_weight"]),
        positive_threshold=float(spec["labels"]["positive"]),
        negative_threshold=float(spec["labels"]["negative"]),
    )
