"""The lexicon files (YAML in ``lexicons/``) and the version and fingerprint that key every score.

No TextBlob here: a run with no text to score reads only this, and the compiled lexicon
(``orchestration.text.lexicon``, which needs TextBlob and NLTK) loads only when there is text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"


@dataclass(frozen=True)
class LexiconId:
    """What a score row records of the lexicon it was scored under."""

    version: str
    fingerprint: str


def read_lexicon_file(name: str) -> dict:
    """One lexicon file, parsed."""
    return yaml.safe_load((LEXICON_DIR / name).read_text(encoding="utf-8"))


def lexicon_fingerprint() -> str:
    """SHA-256 over every lexicon file: changes whenever any entry changes."""
    digest = hashlib.sha256()
    for path in sorted(LEXICON_DIR.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def current_lexicon() -> LexiconId:
    """The version `sentiment.yml` declares and the fingerprint of the files as they are."""
    return LexiconId(str(read_lexicon_file("sentiment.yml")["version"]), lexicon_fingerprint())
