"""From TextBlob's tokens to the words the project's scorer and lexicons read.

TextBlob splits "didn't" into "did n ' t" and so never sees the negation; here the pieces are
joined back into "did not" (also "cannot", "dont", "can't" -> "can not"...), clitics ("'s",
"'re") and quotes are dropped, emoji are split off the words they are glued to, and a
transcript's speaker labels ("customer:") become sentence boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

APOSTROPHES = frozenset(("'", "’", "‘", "`"))
QUOTES = frozenset(('"', "“", "”")) | APOSTROPHES
CLITICS = frozenset(("s", "re", "m", "ve", "ll", "d"))
IRREGULAR_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}  # can't, won't, ain't
SPELLED_OUT = {
    "cannot": ("can", "not"),
    **{
        f"{stem}nt": (stem, "not")
        for stem in ("do", "did", "does", "is", "was", "are", "were", "has", "have", "had")
    },
    **{f"{stem}nt": (stem, "not") for stem in ("could", "would", "should")},
    "cant": ("can", "not"),
    "wont": ("will", "not"),
    "aint": ("is", "not"),
}
_EMOJI = re.compile(r"([\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2764])")
SENTENCE_END = frozenset((".", "!", "?", "...", "…"))
CLAUSE_END = SENTENCE_END | frozenset((",", ";", ":", "(", ")", "[", "]", "-", "--", "—", "–"))


def scorer_words(tokens: list[str], speakers: Iterable[str] = ()) -> list[str]:
    """Rewrite lower-case TextBlob tokens into scorer words (see the module docstring)."""
    out: list[str] = []
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        if t in APOSTROPHES and nxt == "t" and out and out[-1].endswith("n"):
            stem = out.pop()[:-1]  # "do n ' t" (ASCII) or "don ’ t" (typographic)
            if stem:
                out.append(stem)
            if out and out[-1] in IRREGULAR_STEMS:
                out[-1] = IRREGULAR_STEMS[out[-1]]
            out.append("not")
            i += 2
        elif t in APOSTROPHES and nxt in CLITICS:
            i += 2
        elif t in QUOTES:
            i += 1
        elif nxt == ":" and t in speakers:
            out.append(".")
            i += 2
        elif t in SPELLED_OUT:
            out.extend(SPELLED_OUT[t])
            i += 1
        elif not t.isascii() and _EMOJI.search(t):
            out.extend(p for p in _EMOJI.split(t) if p)
            i += 1
        else:
            out.append(t)
            i += 1
    return out
