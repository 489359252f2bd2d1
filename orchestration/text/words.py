"""From TextBlob's tokens to the words the project's scorer and lexicons read.

TextBlob splits "didn't" into "did n ' t" and so never sees the negation; here the pieces are
joined back into "did not" (also "cannot", "dont", "can't" -> "can not"...), clitics ("'s",
"'re") and quotes are dropped, emoji are split off the words they are glued to, and a
transcript's speaker labels ("customer:") become one marker word ("speaker:customer").
Everything is done with a few regular-expression passes over the space-joined tokens, not a
Python loop per token.
"""

from __future__ import annotations

import re
from functools import lru_cache

SPEAKER = "speaker:"  # a transcript's "customer:" becomes the word "speaker:customer"
SENTENCE_END = frozenset((".", "!", "?", "...", "…"))
CLAUSE_END = SENTENCE_END | frozenset((",", ";", ":", "(", ")", "[", "]", "-", "--", "—", "–"))

_IRREGULAR_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}  # can't, won't...
_SPELLED_OUT = {
    "cannot": ("can", "not"),
    "cant": ("can", "not"),
    "wont": ("will", "not"),
    "aint": ("is", "not"),
    **{
        f"{stem}nt": (stem, "not")
        for stem in ("do", "did", "does", "is", "was", "are", "were", "has", "have", "had")
    },
    **{f"{stem}nt": (stem, "not") for stem in ("could", "would", "should")},
}
# TextBlob makes every quote and apostrophe a token of its own, so no lookbehind is needed.
_NOT = re.compile(r"(\S?)n ['’‘] t(?= |$)")  # "do n ' t" (ASCII), "don ’ t" (typographic)
_STEM = re.compile(rf"(?<![^ ])({'|'.join(_IRREGULAR_STEMS)})(?= not(?: |$))")
_CLITIC = re.compile(r"['’‘] (?:s|re|m|ve|ll|d)(?= |$)")
_QUOTES = frozenset("\"“”'’‘")
_EMOJI = re.compile(r"([\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2764])")


@lru_cache(maxsize=8)
def _speaker_labels(speakers: frozenset[str]) -> re.Pattern[str] | None:
    if not speakers:
        return None
    names = "|".join(re.escape(s) for s in sorted(speakers))
    return re.compile(rf"(?<!\S)({names}) :(?!\S)")


def scorer_words(joined: str, speakers: frozenset[str] = frozenset()) -> list[str]:
    """Scorer words from lower-case TextBlob tokens joined by spaces (see the docstring)."""
    if "' t" in joined or "’ t" in joined or "‘ t" in joined:
        joined = _NOT.sub(lambda m: f"{m.group(1)} not" if m.group(1) else "not", joined)
        joined = _STEM.sub(lambda m: _IRREGULAR_STEMS[m.group(1)], joined)
    quoted = any(q in joined for q in _QUOTES)
    if quoted:
        joined = _CLITIC.sub("", joined)
    labels = _speaker_labels(speakers)
    if labels is not None and " :" in joined:
        joined = labels.sub(lambda m: SPEAKER + m.group(1), joined)
    if not joined.isascii():
        joined = _EMOJI.sub(r" \1 ", joined)
    words = joined.split()
    if quoted:
        words = [word for word in words if word not in _QUOTES]
    if _SPELLED_OUT.keys().isdisjoint(words):
        return words
    return [part for word in words for part in _SPELLED_OUT.get(word, (word,))]
