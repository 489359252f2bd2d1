"""Text occurrences follow ingestion (issue 11) without reading history: new files by their
ingest sequence, forgotten and reloaded files through `forget_file`, a re-key by the key's
fingerprint. After every step the occurrences equal a full recomputation from the raw tables
(EXCEPT ALL both ways) and every text has a score under the current lexicon."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import duckdb
import pytest

from empathy_devtools.bench.daily_exports import add_daily_exports
from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.ingest import ingest_source, load_contract, raw_table
from orchestration.ingest.housekeeping import forget_file
from orchestration.ingest.rekey import rotate_key
from orchestration.settings import Settings
from orchestration.text import occurrences
from orchestration.text.enrichment import EnrichmentStats, run_enrichment
from orchestration.text.lexicon import load_lexicon
from orchestration.text.occurrences import TextSource, missing_occurrences, present_sources

COLUMNS = (
    "source_entity, source_id, text_field, text_role, text_hash, _file_hash, _row_number, "
    "_ingest_seq"
)


def recomputed(sources: list[TextSource]) -> str:
    """SQL for every occurrence, computed from the raw tables as a first run would."""
    return " UNION ALL ".join(
        f"""SELECT '{s.entity}' AS source_entity, {s.key_sql}, '{s.field}', '{s.role}',
                   sha256({s.text_sql}),
                   r._file_hash, r._row_number, r._ingest_seq
            FROM {raw_table(s.entity)} r
            WHERE r."{s.field}" IS NOT NULL AND {s.text_sql} <> ''"""
        for s in sources
    )


def assert_as_recomputed(con: duckdb.DuckDBPyConnection) -> None:
    stored = f"SELECT {COLUMNS} FROM enrichment.text_occurrences"
    full = recomputed(present_sources(con)[0])
    for a, b in ((stored, full), (full, stored)):
        difference = f"SELECT * FROM ({a}) EXCEPT ALL SELECT * FROM ({b})"
        assert con.execute(f"SELECT count(*) FROM ({difference})").fetchone() == (0,)
    assert con.execute(
        """SELECT count(*) FROM enrichment.text_occurrences o WHERE NOT EXISTS (
               SELECT 1 FROM enrichment.text_scores s
               WHERE s.text_hash = o.text_hash AND s.lexicon_version = ?)""",
        [load_lexicon().version],
    ).fetchone() == (0,)


def ingest_all(settings: Settings) -> None:
    with duckdb.connect(str(settings.build_db)) as con:
        for source in load_contract().sources:
            ingest_source(con, settings, source)


def enrich(settings: Settings) -> EnrichmentStats:
    """One enrichment run, checked against the full recomputation."""
    with duckdb.connect(str(settings.build_db)) as con:
        stats = run_enrichment(con)
        assert_as_recomputed(con)
        present = present_sources(con)[0]
        assert missing_occurrences(con, present, stats.checked_after) == 0
        assert missing_occurrences(con, present) == 0
    assert stats.rescore_postponed == 0
    return stats


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def warehouse(isolated_settings: Settings) -> Iterator[Settings]:
    """A tiny demo business, ingested."""
    generate(isolated_settings.landing_dir, DemoSize(customers=40, agents=4, months=2), seed=11)
    isolated_settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    ingest_all(isolated_settings)
    yield isolated_settings


def test_occurrences_follow_new_reloaded_and_forgotten_files_and_a_rekey(
    warehouse: Settings,
) -> None:
    first = enrich(warehouse)
    assert first.occurrences == first.occurrences_added > 0 and first.occurrences_rebuilt == ()
    noop = enrich(warehouse)
    assert (noop.occurrences_added, noop.occurrences_removed, noop.texts_scored) == (0, 0, 0)
    recorded = dict(
        query(
            warehouse,
            "SELECT source_entity || '.' || text_field, max(_ingest_seq) "
            "FROM enrichment.text_occurrence_files GROUP BY ALL",
        )
    )  # only rows above the recorded sequences were looked at (None: a source without rows)
    assert noop.checked_after == {label: recorded.get(label) for label in noop.checked_after}

    add_daily_exports(warehouse.landing_dir, DemoSize(customers=20, agents=4, months=1))
    ingest_all(warehouse)
    daily = enrich(warehouse)
    assert daily.occurrences_added > 0 and daily.occurrences_removed == 0
    assert daily.occurrences_rebuilt == ()

    # `empathy reload` of an unchanged file: forgotten, then loaded under a new sequence.
    (label,) = query(
        warehouse,
        "SELECT file_path FROM ingest.ledger WHERE entity = 'reviews' AND status = 'loaded' "
        "AND file_path NOT LIKE '%daily%'",
    )[0]
    with duckdb.connect(str(warehouse.build_db)) as con:
        assert forget_file(con, label).raw_rows > 0
        assert_as_recomputed(con)  # the file's occurrences went in the same transaction
    ingest_all(warehouse)
    reloaded = enrich(warehouse)
    assert reloaded.occurrences == daily.occurrences and reloaded.occurrences_added > 0
    assert (reloaded.texts_scored, reloaded.occurrences_rebuilt) == (0, ())

    # A file forgotten for good (taken out of the landing folder first).
    gone = warehouse.landing_dir / label
    shutil.move(gone, warehouse.build_db.parent / "kept.csv")
    with duckdb.connect(str(warehouse.build_db)) as con:
        forget_file(con, label)
    forgotten = enrich(warehouse)
    assert forgotten.occurrences == daily.occurrences - reloaded.occurrences_added
    assert forgotten.occurrences_rebuilt == ()
    shutil.move(warehouse.build_db.parent / "kept.csv", gone)

    # A re-key changes no occurrence of today's contract (no text source is pseudonymized).
    rotate_key(warehouse, b"k" * 32)
    rekeyed = enrich(warehouse)
    assert (rekeyed.occurrences_added, rekeyed.occurrences_rebuilt) == (0, ())
    assert query(
        warehouse,
        """SELECT count(*) FROM enrichment.text_scores, unnest(staff_mentions) AS m(agent_id)
           WHERE m.agent_id NOT IN (SELECT agent_id FROM raw.employees)""",
    ) == [(0,)]  # the staff mentions follow the new key too


def test_a_pseudonymized_text_source_is_rebuilt_after_a_rekey(
    warehouse: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source whose key holds pseudonyms: the re-key is seen by the key's fingerprint."""
    by_agent = tuple(
        TextSource(s.entity, s.field, s.role, (*s.key_columns, "agent_id"), True)
        if s.entity == "interactions"
        else s
        for s in occurrences.text_sources()
    )
    monkeypatch.setattr(occurrences, "text_sources", lambda: by_agent)
    enrich(warehouse)
    ids = "SELECT source_id FROM enrichment.text_occurrences WHERE source_entity = 'interactions'"
    before = set(query(warehouse, ids))
    rotate_key(warehouse, b"k" * 32)
    stats = enrich(warehouse)  # equal to the recomputation: the source ids follow the new key
    assert stats.occurrences_rebuilt == ("interactions.transcript: pseudonym key rotated",)
    assert set(query(warehouse, ids)) != before and stats.texts_scored == 0
    assert enrich(warehouse).occurrences_rebuilt == ()


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("plain words\nand a second line", "plain words\nand a second line"),
        ("two  spaces", "two spaces"),
        (
            "a\ttab, a\x0bvertical tab, a\fform feed, a\xa0no-break space",
            "a tab, a vertical tab, a form feed, a no-break space",
        ),
        ("space before \nand after\n  the break", "space before\nand after\nthe break"),
        ("windows\r\nline ends\rand old Mac ones", "windows\nline ends\nand old Mac ones"),
        ("blank\n\n\nlines", "blank\nlines"),
        ("  \n padded \n ", "padded"),
        ("e\u0301 decomposed", "\u00e9 decomposed"),
    ],
)
def test_normalized_text(raw: str, normalized: str) -> None:
    """One space between words, one newline between lines, NFC, trimmed; a text needing none
    of it comes back as it was (the replacements are skipped for it)."""
    sql = occurrences.normalized_sql("$text")
    assert duckdb.execute(f"SELECT {sql}", {"text": raw}).fetchone()[0] == normalized
