"""The enrichment tables in the build database, kept up to date incrementally.

1. ``enrichment.text_occurrences`` gets one row per non-empty text field of every raw row
   (contract columns marked ``text:``) that does not have one yet; rows whose raw row is
   gone are removed. The text's key is the SHA-256 of its normalized form, in SQL.
2. Distinct texts without a score under the current lexicon version are collected once in a
   temporary table, read back in batches, scored on every core and written in bulk to
   ``enrichment.text_scores``. A run with no new texts scores nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from orchestration.ingest import load_contract, raw_table
from orchestration.settings import ENRICHMENT_SCHEMA
from orchestration.text.batches import (
    BATCH_SIZE,
    SCORE_COLUMNS,
    Batch,
    available_cores,
    score_batches,
)
from orchestration.text.lexicon import Lexicon, load_lexicon
from orchestration.text.staff_names import load_staff

OCCURRENCES = f"{ENRICHMENT_SCHEMA}.text_occurrences"
SCORES = f"{ENRICHMENT_SCHEMA}.text_scores"
FLUSH_ROWS = 20_000

_OCCURRENCES_DDL = f"""
CREATE TABLE IF NOT EXISTS {OCCURRENCES} (
    source_entity VARCHAR NOT NULL,
    source_id VARCHAR,
    text_field VARCHAR NOT NULL,
    text_role VARCHAR NOT NULL,
    text_hash VARCHAR NOT NULL,
    _file_hash VARCHAR NOT NULL,     -- lineage of the raw row the text came from
    _row_number BIGINT NOT NULL,
    _ingest_seq BIGINT,
    recorded_at TIMESTAMP NOT NULL
)"""

_SCORES_DDL = f"""
CREATE TABLE IF NOT EXISTS {SCORES} (
    text_hash VARCHAR NOT NULL,
    lexicon_version VARCHAR NOT NULL,
    masked_text VARCHAR NOT NULL,
    textblob_polarity DOUBLE NOT NULL,
    textblob_subjectivity DOUBLE NOT NULL,
    sentiment_score DOUBLE NOT NULL,
    sentiment_label VARCHAR NOT NULL,
    has_opinion BOOLEAN NOT NULL,
    opinion_word_count INTEGER NOT NULL,
    empathy_positive_cues INTEGER NOT NULL,
    empathy_negative_cues INTEGER NOT NULL,
    emotion_joy INTEGER NOT NULL,
    emotion_anger INTEGER NOT NULL,
    emotion_sadness INTEGER NOT NULL,
    emotion_fear INTEGER NOT NULL,
    emotion_trust INTEGER NOT NULL,
    emotion_surprise INTEGER NOT NULL,
    dominant_emotion VARCHAR,
    topics VARCHAR[] NOT NULL,
    staff_mentions VARCHAR[] NOT NULL,
    scored_at TIMESTAMP NOT NULL,
    lexicon_fingerprint VARCHAR NOT NULL,  -- SHA-256 prefix of the lexicon files
    customer_sentiment_score DOUBLE,       -- a transcript's customer turns only
    PRIMARY KEY (text_hash, lexicon_version)
)"""


def normalized_sql(column: str) -> str:
    """SQL for the normalized text: NFC, one space between words, one newline between lines."""
    # Patterns that match rarely are fast; "[^\S\n]+" matches at every space and is 7x slower.
    lines = (
        f"regexp_replace(regexp_replace(nfc_normalize(replace({column}, chr(13), chr(10))), "
        r"'[ \t\x0B\f\xA0]{2,}|[\t\x0B\f\xA0]', ' ', 'g'), ' ?\n\s*', chr(10), 'g')"
    )
    return f"trim({lines}, ' ' || chr(10))"


class LexiconVersionError(RuntimeError):
    """The lexicon files changed but their version did not."""


@dataclass(frozen=True)
class TextSource:
    """One text column of one raw entity."""

    entity: str
    field: str
    role: str  # customer, business or conversation
    key_columns: tuple[str, ...]

    @property
    def key_sql(self) -> str:
        """SQL for the business key as text ("a|b" when it has several columns)."""
        keys = [f'CAST(r."{k}" AS VARCHAR)' for k in self.key_columns]
        return keys[0] if len(keys) == 1 else f"concat_ws('|', {', '.join(keys)})"

    @property
    def text_sql(self) -> str:
        """SQL for the normalized text of raw row `r`."""
        return normalized_sql(f'r."{self.field}"')


def text_sources() -> tuple[TextSource, ...]:
    """Every column marked `text:` in contracts/*.yml."""
    return tuple(
        TextSource(entity.name, column.name, column.text, entity.business_key)
        for entity in load_contract().entities.values()
        for column in entity.text_columns
    )


@dataclass(frozen=True)
class EnrichmentStats:
    """What one run did; every figure is a count or a rate, never a text."""

    lexicon_version: str
    sources_missing: tuple[str, ...]
    occurrences: int
    occurrences_added: int
    occurrences_removed: int
    distinct_texts: int
    new_texts_scored: int
    rescored: int
    rescore_reason: str
    rescore_postponed: int
    coverage: float | None
    workers: int
    seconds: float

    @property
    def texts_scored(self) -> int:
        """New texts and rescored texts."""
        return self.new_texts_scored + self.rescored

    @property
    def texts_per_second(self) -> float | None:
        """Texts scored per second of the whole run (None when nothing was scored)."""
        return self.texts_scored / self.seconds if self.texts_scored and self.seconds else None


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the enrichment schema and tables when missing."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ENRICHMENT_SCHEMA}")
    con.execute(_OCCURRENCES_DDL)
    con.execute(_SCORES_DDL)


def present_sources(con: duckdb.DuckDBPyConnection) -> tuple[list[TextSource], list[TextSource]]:
    """(sources whose raw table and column exist, sources that are not available)."""
    columns = {
        (f"{schema}.{table}", column)
        for schema, table, column in con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
        ).fetchall()
    }
    present, missing = [], []
    for source in text_sources():
        (present if (raw_table(source.entity), source.field) in columns else missing).append(source)
    return present, missing


def _same_row(source: TextSource) -> str:
    return (
        f"o.source_entity = '{source.entity}' AND o.text_field = '{source.field}' "
        "AND o._file_hash = r._file_hash AND o._row_number = r._row_number"
    )


def sync_occurrences(con: duckdb.DuckDBPyConnection, sources: list[TextSource]) -> tuple[int, int]:
    """Add occurrences of raw rows not seen before, drop those whose raw row is gone.

    Raw rows never change (each export is loaded once), so a row seen once is settled.
    """
    added = removed = 0
    recorded_at = datetime.now(UTC).replace(tzinfo=None)
    for s in sources:
        added += con.execute(
            f"""INSERT INTO {OCCURRENCES}
                SELECT '{s.entity}', source_id, '{s.field}', '{s.role}', sha256(text),
                       _file_hash, _row_number, _ingest_seq, ?
                FROM (SELECT {s.key_sql} AS source_id, {s.text_sql} AS text,
                             r._file_hash, r._row_number, r._ingest_seq
                      FROM {raw_table(s.entity)} r
                      WHERE r."{s.field}" IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM {OCCURRENCES} o WHERE {_same_row(s)}))
                WHERE text <> ''""",
            [recorded_at],
        ).fetchone()[0]
        removed += con.execute(
            f"""DELETE FROM {OCCURRENCES} o
                WHERE o.source_entity = '{s.entity}' AND o.text_field = '{s.field}'
                  AND NOT EXISTS (SELECT 1 FROM {raw_table(s.entity)} r WHERE {_same_row(s)})"""
        ).fetchone()[0]
    return added, removed


def missing_occurrences(con: duckdb.DuckDBPyConnection, sources: list[TextSource]) -> int:
    """Non-empty texts of the raw tables without an occurrence row (0 after a run)."""
    return sum(
        con.execute(
            f"""SELECT count(*) FROM {raw_table(s.entity)} r
                WHERE r."{s.field}" IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM {OCCURRENCES} o WHERE {_same_row(s)})
                  AND {s.text_sql} <> ''"""
        ).fetchone()[0]
        for s in sources
    )


def check_lexicon_version(con: duckdb.DuckDBPyConnection, lexicon: Lexicon) -> None:
    """Refuse to mix two different lexicons under one version string."""
    stale = con.execute(
        f"SELECT count(*) FROM {SCORES} WHERE lexicon_version = ? AND lexicon_fingerprint <> ?",
        [lexicon.version, lexicon.fingerprint],
    ).fetchone()[0]
    if stale:
        raise LexiconVersionError(
            f"the files in orchestration/text/lexicons/ changed but their version is still "
            f"{lexicon.version!r}: bump `version` in sentiment.yml so that every text is "
            "rescored visibly under the new version"
        )


def collect_pending(
    con: duckdb.DuckDBPyConnection, sources: list[TextSource], version: str, rescore: bool
) -> tuple[int, int]:
    """Fill temp table pending_texts(text_hash, text); return (new texts, rescores)."""
    scored = f"SELECT 1 FROM {SCORES} s WHERE s.text_hash = o.text_hash"
    if rescore:
        scored += " AND s.lexicon_version = $version"
    located = (
        " UNION ALL ".join(
            f"""SELECT o.text_hash, {s.text_sql} AS text
            FROM needed JOIN {OCCURRENCES} o USING (text_hash)
            JOIN {raw_table(s.entity)} r
              ON o._file_hash = r._file_hash AND o._row_number = r._row_number
            WHERE o.source_entity = '{s.entity}' AND o.text_field = '{s.field}'"""
            for s in sources
        )
        or "SELECT NULL::VARCHAR AS text_hash, NULL::VARCHAR AS text WHERE false"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pending_texts AS
            WITH needed AS (
                SELECT DISTINCT o.text_hash FROM {OCCURRENCES} o WHERE NOT EXISTS ({scored})
            ),
            located AS ({located})
            SELECT text_hash, any_value(text) AS text FROM located GROUP BY text_hash""",
        {"version": version} if rescore else {},
    )
    total, rescores = con.execute(
        f"""SELECT count(*), count(*) FILTER (
                WHERE EXISTS (SELECT 1 FROM {SCORES} s WHERE s.text_hash = p.text_hash))
            FROM pending_texts p"""
    ).fetchone()
    return total - rescores, rescores


def _pending_batches(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[Batch]:
    """pending_texts in batches, from one streaming query."""
    result = con.execute("SELECT text_hash, text FROM pending_texts")
    while batch := result.fetchmany(size):
        yield batch


def _write_scores(
    con: duckdb.DuckDBPyConnection, rows: list[tuple], lexicon: Lexicon, scored_at: datetime
) -> None:
    frame = pd.DataFrame.from_records(rows, columns=list(SCORE_COLUMNS))
    as_list = "CASE WHEN {0} = '' THEN []::VARCHAR[] ELSE string_split({0}, '|') END"
    lists = ("topics", "staff_mentions")
    values = [as_list.format(c) if c in lists else c for c in SCORE_COLUMNS]
    con.register("scored_batch", frame)
    try:
        con.execute(
            f"""INSERT INTO {SCORES}
                    ({", ".join(SCORE_COLUMNS)}, lexicon_version, scored_at, lexicon_fingerprint)
                SELECT {", ".join(values)}, $version, $scored_at, $fingerprint
                FROM scored_batch""",
            {
                "version": lexicon.version,
                "scored_at": scored_at,
                "fingerprint": lexicon.fingerprint,
            },
        )
    finally:
        con.unregister("scored_batch")


def score_pending(
    con: duckdb.DuckDBPyConnection, workers: int, batch_size: int = BATCH_SIZE
) -> None:
    """Score every text of pending_texts and write the rows in bulk.

    The texts stream from one query on `con` (where the temporary table lives) while the
    scores are written through a second connection to the same database.
    """
    lexicon = load_lexicon()
    staff = load_staff(con)
    scored_at = datetime.now(UTC).replace(tzinfo=None)
    buffer: list[tuple] = []
    with con.cursor() as writer:
        for rows in score_batches(_pending_batches(con, batch_size), staff, workers):
            buffer.extend(rows)
            if len(buffer) >= FLUSH_ROWS:
                _write_scores(writer, buffer, lexicon, scored_at)
                buffer = []
        if buffer:
            _write_scores(writer, buffer, lexicon, scored_at)


def _rescore_reason(con: duckdb.DuckDBPyConnection, version: str, rescored: int) -> str:
    if not rescored:
        return "none"
    older = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT lexicon_version FROM {SCORES} WHERE lexicon_version <> ? ORDER BY 1",
            [version],
        ).fetchall()
    ]
    return f"lexicon version {version} replaces {', '.join(older)}"


def run_enrichment(
    con: duckdb.DuckDBPyConnection,
    *,
    rescore_on_new_version: bool = True,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> EnrichmentStats:
    """Bring both enrichment tables up to date with the raw tables; see the module docstring."""
    started = time.perf_counter()
    lexicon = load_lexicon()
    ensure_tables(con)
    check_lexicon_version(con, lexicon)
    present, missing = present_sources(con)
    added, removed = sync_occurrences(con, present)
    new, rescores = collect_pending(con, present, lexicon.version, rescore_on_new_version)
    reason = _rescore_reason(con, lexicon.version, rescores)
    total = new + rescores
    cores = available_cores()
    workers = 1 if total <= batch_size else min(workers or cores, cores)
    score_pending(con, workers, batch_size)
    con.execute("DROP TABLE pending_texts")
    occurrences, distinct, postponed = con.execute(
        f"""SELECT count(*), count(DISTINCT text_hash),
                   count(DISTINCT text_hash) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM {SCORES} s
                       WHERE s.text_hash = o.text_hash AND s.lexicon_version = ?))
            FROM {OCCURRENCES} o""",
        [lexicon.version],
    ).fetchone()
    coverage = con.execute(
        f"SELECT avg(has_opinion::DOUBLE) FROM {SCORES} WHERE lexicon_version = ?",
        [lexicon.version],
    ).fetchone()[0]
    return EnrichmentStats(
        lexicon_version=lexicon.version,
        sources_missing=tuple(f"{s.entity}.{s.field}" for s in missing),
        occurrences=occurrences,
        occurrences_added=added,
        occurrences_removed=removed,
        distinct_texts=distinct,
        new_texts_scored=new,
        rescored=rescores,
        rescore_reason=reason,
        rescore_postponed=postponed,
        coverage=coverage,
        workers=workers,
        seconds=time.perf_counter() - started,
    )
