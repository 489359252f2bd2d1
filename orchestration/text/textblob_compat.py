"""TextBlob's sentiment, reproduced exactly and about three times faster.

TextBlob's ``PatternAnalyzer`` spends most of its time outside the scoring itself (a lazy
dictionary, a namedtuple class built per call, several regular-expression passes). This module
tokenizes the way ``textblob._text.find_tokens`` does and runs the same assessment rules over
TextBlob's own lexicon, loaded from the installed package, so the plain TextBlob numbers come
out identical (checked in tests) while the project's scorer reuses the same tokens.
"""

from __future__ import annotations

import re
from functools import cache

from textblob._text import (
    ABBREVIATIONS,
    EMOTICONS,
    PUNCTUATION,
    RE_ABBR1,
    RE_ABBR2,
    RE_ABBR3,
    RE_EMOTICONS,
    RE_SARCASM,
)

_LEADING = frozenset(PUNCTUATION.replace(".", ""))
_TRAILING = _LEADING | {"."}
_QUOTES = str.maketrans({q: f" {q} " for q in "“”‘’'\""})
_NEGATIONS = frozenset(("no", "not", "n't", "never"))
# Every emoticon holds one of these characters, or is one of the few spelled with letters and
# digits only ("XD", "8)", "o.O"...): texts without any are left alone, as TextBlob would.
EMOTICON_HINT = re.compile(r"[:;=<>*°♥^]|[Xx8] ?(?:- ?)?D|8 ?(?:- ?)?\)|o ?[_.] ?O")
_SARCASM = "(!)"


def _split_punctuation(token: str, out: list[str]) -> None:
    """Split leading and trailing punctuation off one token, as TextBlob's find_tokens does."""
    while token and token[0] in _LEADING:
        out.append(token[0])
        token = token[1:]
    tail: list[str] = []
    while token and token[-1] in _TRAILING:
        if token[-1] in _LEADING:
            tail.append(token[-1])
            token = token[:-1]
        if token.endswith("..."):
            tail.append("...")
            token = token[:-3].rstrip(".")
        if token.endswith("."):
            if (
                token in ABBREVIATIONS
                or RE_ABBR1.match(token)
                or RE_ABBR2.match(token)
                or RE_ABBR3.match(token)
            ):
                break
            tail.append(".")
            token = token[:-1]
    if token:
        out.append(token)
    out.extend(reversed(tail))


def _join_emoticon(match: re.Match[str]) -> str:
    return match.group(1).replace(" ", "") + match.group(2)


def tokenized(text: str) -> str:
    """TextBlob's tokens of a text, in their original case, joined by single spaces."""
    words: list[str] = []
    for token in text.replace("n't", " n't").translate(_QUOTES).split():
        if token[0] in _TRAILING or token[-1] in _TRAILING:
            _split_punctuation(token, words)
        else:
            words.append(token)
    joined = " ".join(words)
    if "(" in joined and "!" in joined:
        joined = RE_SARCASM.sub(_SARCASM, joined)
    if EMOTICON_HINT.search(joined):
        joined = RE_EMOTICONS.sub(_join_emoticon, joined)
    return joined


@cache
def sentiment_lexicon() -> tuple[dict[str, tuple[float, float, float]], frozenset[str]]:
    """TextBlob's word -> (polarity, subjectivity, intensity) and its set of modifier words."""
    from textblob.en import sentiment

    sentiment.load()
    words = {w: tuple(pos[None]) for w, pos in dict.items(sentiment)}
    modifiers = frozenset(w for w, pos in dict.items(sentiment) if "RB" in pos)
    return words, modifiers


@cache
def emoticon_scores() -> dict[str, float]:
    """TextBlob's emoticons and their polarity, as its analyzer can meet them.

    Lower case, and only the tokens the analyzer checks at all (not alphabetic, at most five
    characters, not a run of its punctuation), so a plain lookup decides like TextBlob.
    """
    polarity: dict[str, float] = {}
    for (_face, p), faces in EMOTICONS.items():
        for face in faces:
            token = face.lower()
            if not token.isalpha() and len(token) <= 5 and token not in PUNCTUATION:
                polarity.setdefault(token, p)
    return polarity


def polarity_subjectivity(tokens: list[str]) -> tuple[float, float]:
    """TextBlob's (polarity, subjectivity) of `tokenized(text).lower().split()`.

    A line-by-line port of ``textblob._text.Sentiment.assessments`` for plain strings.
    """
    lexicon, modifiers = sentiment_lexicon()
    emoticons = emoticon_scores()
    found: list[list] = []  # [polarity, subjectivity, intensity, negated]
    modifier: str | None = None
    negation = False
    for w in tokens:
        scores = lexicon.get(w)
        if scores is not None:
            p, s, i = scores
            if modifier is None:
                found.append([p, s, i, False])
            else:
                last = found[-1]
                last[0] = max(-1.0, min(p * last[2], 1.0))
                last[1] = max(-1.0, min(s * last[2], 1.0))
                last[2] = i
            if negation:
                found[-1][2] = 1.0 / found[-1][2]
                found[-1][3] = True
            modifier = w if w in modifiers else None
            negation = w in _NEGATIONS
            continue
        if w in _NEGATIONS:
            negation = True
        elif negation and len(w.strip("'")) > 1:
            negation = False
        if negation and modifier is not None and modifier.endswith("ly"):
            found[-1][3] = True
            negation = False
        elif modifier is not None and len(w) > 2:
            modifier = None
        if w == "!" and found:
            found[-1][0] = max(-1.0, min(found[-1][0] * 1.25, 1.0))
        if w == _SARCASM:
            found.append([0.0, 1.0, 1.0, False])
        p = emoticons.get(w)
        if p is not None:
            found.append([p, 1.0, 1.0, False])
    if not found:
        return 0.0, 0.0
    polarity = subjectivity = 0.0
    for p, s, _i, negated in found:
        polarity += p * -0.5 if negated else p
        subjectivity += s
    return polarity / len(found), subjectivity / len(found)
