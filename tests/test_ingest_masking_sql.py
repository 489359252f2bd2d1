"""Masking in SQL: the RE2 pre-filter sends every text mask_text could change to Python.

The pre-filter is a superset by construction (see `MASK_PREFILTER`); these tests check the
one assumption the argument needs (RE2's \\pN covers every character Python's \\d matches)
exhaustively, and that the masked output equals `mask_text` row for row on generated texts
with and without contact details and on the real review texts.
"""

from __future__ import annotations

import csv
import random
import re
import sys

import duckdb
import pytest
from conftest import REALDATA_DIR

from orchestration.ingest.mapped_rows import MASK_PREFILTER, _register_masking, masked
from orchestration.text.masking import mask_text

REVIEWS = REALDATA_DIR / "reviews" / "womens_clothing_ecommerce_reviews.csv"


def _sql_masked(texts: list[str | None]) -> list[str | None]:
    with duckdb.connect() as con:
        _register_masking(con)
        con.execute("CREATE TABLE t (i INTEGER, text VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
        return [v for (v,) in con.execute(f"SELECT {masked('text')} FROM t ORDER BY i").fetchall()]


def _assert_same(texts: list[str | None]) -> None:
    expected = [None if t is None else mask_text(t) for t in texts]
    got = _sql_masked(texts)
    differing = [i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]
    assert not differing, f"{len(differing)} rows differ, first at row {differing[0]}"


def test_re2_numbers_cover_every_python_digit() -> None:
    digit = re.compile(r"\d")
    digits = [chr(c) for c in range(sys.maxunicode + 1) if digit.match(chr(c))]
    assert len(digits) > 600  # Unicode decimal digits of every script, not just 0-9
    with duckdb.connect() as con:
        con.execute("CREATE TABLE d (c VARCHAR)")
        con.executemany("INSERT INTO d VALUES (?)", [[c] for c in digits])
        (missed,) = con.execute(
            r"SELECT count(*) FROM d WHERE NOT regexp_full_match(c, '\pN')"
        ).fetchone()
    assert missed == 0


_WORDS = ["great", "service", "thanks", "order", "no.", "ref", "at", "call", "me", "on", "x"]
_PIECES = [
    "jane.doe+home@example.org",
    "a@b",
    "@handle",
    "mail me: bob@shop.co.uk",
    "(212) 555-0123",
    "+44 20 7946 0958",
    "555-0199",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "2024-01-05",
    "05/01/2024",
    "1.5.24",
    "123456",
    "1234567",
    "12 34 56",
    "$1,299.99",
    "order #88812345678",
    "٠١٢٣٤٥٦٧٨٩",
    "１２３ ４５６ ７８９",
    "1\u00a0234\u00a0567",
    "1\t2\t3\t4\t5\t6\t7",
    "x1234567y",
    "+1234567",
    "(1)(2)(3)(4)",
    "9.9.9.9.9.9",
    "--7--",
]


def _text(rng: random.Random) -> str:
    parts = [rng.choice(_WORDS) for _ in range(rng.randint(0, 8))]
    for _ in range(rng.choice([0, 0, 1, 2])):  # half without contact details or numbers
        parts.insert(rng.randint(0, len(parts)), rng.choice(_PIECES))
    joiners = [" ", "", ", ", "-", "\u00a0", "\n"]
    text = ""
    for part in parts:
        text += part + rng.choice(joiners)
    if rng.random() < 0.2:
        text += "".join(rng.choice("0123456789 .-()+@") for _ in range(rng.randint(1, 14)))
    return text


def test_sql_masking_equals_mask_text_on_generated_texts() -> None:
    rng = random.Random(20261130)
    texts: list[str | None] = [_text(rng) for _ in range(6000)]
    texts += [None, "", " ", *_PIECES]
    changed = sum(t is not None and mask_text(t) != t for t in texts)
    untouched = sum(t is not None and not re.search(r"@|\d.*\d", t) for t in texts)
    assert changed > 1000 and untouched > 1000  # both kinds are well represented
    _assert_same(texts)


@pytest.mark.realdata
def test_sql_masking_equals_mask_text_on_real_reviews() -> None:
    if not REVIEWS.exists():
        pytest.skip(f"real reviews not found at {REVIEWS} (../shared/realdata)")
    with REVIEWS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row[column] or None for column in ("Review Text", "Title") for row in rows]
    assert len(texts) > 40_000
    _assert_same(texts)


def test_the_prefilter_is_the_one_mapping_uses() -> None:
    assert MASK_PREFILTER in masked("text").replace("''", "'")
