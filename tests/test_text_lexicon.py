"""The lexicon files: provenance of every entry, no silent change of TextBlob's values, no
duplicate keys, and a fingerprint that changes with any edit (so a version bump is needed)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from orchestration.text import lexicon_files
from orchestration.text.lexicon import load_lexicon, phrase_words
from orchestration.text.lexicon_files import LEXICON_DIR
from orchestration.text.textblob_compat import sentiment_lexicon

SPEC = yaml.safe_load((LEXICON_DIR / "sentiment.yml").read_text(encoding="utf-8"))
OVERRIDES = "TextBlob value replaced"


def keys(spec: str) -> list[str]:
    return [k.strip() for k in str(spec).split("|") if k.strip()]


def valence_entries() -> list[tuple[str, str, float]]:
    return [
        (group["provenance"], key, float(value))
        for group in SPEC["valence"]
        for spec, value in group.get("entries", {}).items()
        for key in keys(spec)
    ]


def test_every_group_states_its_provenance() -> None:
    assert SPEC["version"]
    for group in SPEC["valence"]:
        assert len(group["provenance"]) > 20
    for name in ("empathy_cues.yml", "emotions.yml", "topics.yml"):
        header = (LEXICON_DIR / name).read_text(encoding="utf-8").split("\n\n")[0]
        assert "Written by the project" in header or "written by the project" in header


def test_only_declared_overrides_change_textblob_values() -> None:
    textblob, _ = sentiment_lexicon()
    silent = [
        key
        for provenance, key, value in valence_entries()
        if not provenance.startswith(OVERRIDES)
        and key in textblob
        and textblob[key][0] not in (0.0, value)
    ]
    assert silent == []
    declared = [key for provenance, key, _ in valence_entries() if provenance.startswith(OVERRIDES)]
    assert declared and all(key in textblob for key in declared)


def test_no_valence_key_is_listed_twice() -> None:
    counts = Counter(phrase_words(key) for _, key, _ in valence_entries())
    assert [k for k, n in counts.items() if n > 1] == []


def test_required_service_vocabulary_is_covered() -> None:
    lexicon = load_lexicon()
    for phrase in [
        "helpful",
        "unhelpful",
        "dismissive",
        "rude",
        "on hold for an hour",
        "never called back",
        "went above and beyond",
        "waste of time",
        "runaround",
    ]:
        term, span = lexicon.sentiment.at(list(phrase_words(phrase)), 0)
        assert term is not None and term.valence is not None, phrase
        assert span == len(phrase_words(phrase)), phrase


def test_fingerprint_changes_with_any_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, copy)
    monkeypatch.setattr(lexicon_files, "LEXICON_DIR", copy)
    before = lexicon_files.lexicon_fingerprint()
    topics = copy / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8") + "parking:\n  - parking lot\n", "utf-8")
    assert lexicon_files.lexicon_fingerprint() != before
