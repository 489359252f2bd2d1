"""From TextBlob's tokens to the words the project's scorer and lexicons read.

TextBlob splits "didn't" into "did n ' t" and so never sees the negation; here the pieces are
joined back into "did not" (also "cannot", "dont", "can't" -> "can not"...), clitics ("'s",
"'re") and quotes are dropped, emoji are split off the words they are glued to, and a
transcript's speaker labels ("customer:") become sentence boundaries. Everything is done with
a few regular-expression passes over the space-joined tokens, not a Python loop per token.
"""

from __future__ import annotations

import re
from functools import lru_cache

SENTENCE_END = frozenset((".", "!", "?", "...", "…"))
CLAUSE_END = SENTENCE_END | frozenset((",", ";", ":", "(", ")", "[", "]", "-", "--", "—", "–"))

_IRREGULAR_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}  # can't, won't...
_SPELLED_OUT = {
    "cannot": "can not",
    "cant": "can not",
    "wont": "will not",
    "aint": "is not",
    **{
        f"{stem}nt": f"{stem} not"
        for stem in ("do", "did", "does", "is", "was", "are", "were", "has", "have", "had")
    },
    **{f"{stem}nt": f"{stem} not" for stem in ("could", "would", "should")},
}
_APOSTROPHE = "['’‘`]"
_NOT = re.compile(rf"(\S?)n {_APOSTROPHE} t(?!\S)")  # "do n ' t" (ASCII), "don ’ t"
_STEM = re.compile(rf"(?<!\S)({'|'.join(_IRREGULAR_STEMS)})(?= not(?!\S))")
_CLITIC = re.compile(rf"(?<!\S){_APOSTROPHE} (?:s|re|m|ve|ll|d)(?!\S)")
_QUOTE = re.compile(r"(?<!\S)[\"“”'’‘`](?!\S)")
_SPELLED = re.compile(rf"(?<!\S)({'|'.join(_SPELLED_OUT)})(?!\S)")
_EMOJI = re.compile(r"([\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2764])")


@lru_cache(maxsize=8)
def _speaker_labels(speakers: frozenset[str]) -> re.Pattern[str] | None:
    if not speakers:
        return None
    names = "|".join(re.escape(s) for s in sorted(speakers))
    return re.compile(rf"(?<!\S)(?:{names}) :(?!\S)")


def scorer_words(joined: str, speakers: frozenset[str] = frozenset()) -> list[str]:
    """Scorer words from lower-case TextBlob tokens joined by spaces (see the docstring)."""
    joined, negations = _NOT.subn(lambda m: f"{m.group(1)} not" if m.group(1) else "not", joined)
    if negations:
        joined = _STEM.sub(lambda m: _IRREGULAR_STEMS[m.group(1)], joined)
    joined = _QUOTE.sub("", _CLITIC.sub("", joined))
    joined = _SPELLED.sub(lambda m: _SPELLED_OUT[m.group(1)], joined)
    labels = _speaker_labels(speakers)
    if labels is not None and " :" in joined:
        joined = labels.sub(".", joined)
    if not joined.isascii():
        joined = _EMOJI.sub(r" \1 ", joined)
    return joined.split()
