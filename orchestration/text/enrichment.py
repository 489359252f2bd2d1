"""The enrichment tables in the build database, kept up to date incrementally.

1. ``enrichment.text_occurrences`` gets one row per non-empty text field of every raw row
   (contract columns marked ``text:``), following the raw tables' new files by their ingest
   sequence (``orchestration.text.occurrences``). The text's key is the SHA-256 of its
   normalized form, in SQL.
2. Distinct texts of the files not yet fully scored under the current lexicon version
   (``text_occurrence_files.scored_under``: the new files, or every file after a version
   change) that lack a score are collected once in a temporary table, read back in batches,
   scored on every core and written in bulk to ``enrichment.text_scores``; then those files are
   marked scored. A run with no new texts reads no history.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from orchestration.ingest import raw_table
from orchestration.settings import ENRICHMENT_SCHEMA
from orchestration.text.lexicon_files import LexiconId, current_lexicon
from orchestration.text.occurrences import (
    FILES,
    OCCURRENCES,
    TextSource,
    ensure_occurrence_tables,
    missing_occurrences,
    normalized_sql,
    present_sources,
    sync_occurrences,
    text_sources,
)

if TYPE_CHECKING:
    from orchestration.text.batches import Batch

__all__ = [
    "OCCURRENCES",
    "SCORES",
    "EnrichmentStats",
    "LexiconVersionError",
    "TextSource",
    "missing_occurrences",
    "normalized_sql",
    "present_sources",
    "run_enrichment",
    "text_sources",
]

SCORES = f"{ENRICHMENT_SCHEMA}.text_scores"
FLUSH_ROWS = 20_000

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


class LexiconVersionError(RuntimeError):
    """The lexicon files changed but their version did not."""


@dataclass(frozen=True)
class EnrichmentStats:
    """What one run did; every figure is a count or a rate, never a text."""

    lexicon_version: str
    sources_missing: tuple[str, ...]
    occurrences: int
    occurrences_added: int
    occurrences_removed: int
    occurrences_rebuilt: tuple[str, ...]  # "entity.field: why" (see text.occurrences)
    checked_after: Mapping[str, int | None]  # per source: rows above this seq were new
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
    ensure_occurrence_tables(con)
    con.execute(_SCORES_DDL)


def check_lexicon_version(con: duckdb.DuckDBPyConnection, lexicon: LexiconId) -> None:
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
    """Fill temp table pending_texts(text_hash, text); return (new texts, rescores).

    Only the files not yet marked scored under `version` are read: their occurrences without a
    `version` score go to temp table unscored(..., ever_scored); with `rescore` every one of
    them is pending, without it only the texts never scored under any version.
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pending_files AS
            SELECT source_entity, text_field, _file_hash, _ingest_seq FROM {FILES}
            WHERE scored_under IS DISTINCT FROM $version""",
        {"version": version},
    )
    files, low, nulls = con.execute(
        "SELECT count(*), min(_ingest_seq), count(*) FILTER (WHERE _ingest_seq IS NULL) "
        "FROM pending_files"
    ).fetchone()
    # The files' rows lie above their lowest sequence: lets the scans skip older row groups
    # (and skip everything when no file is pending).
    above = (
        "false"
        if not files
        else ("true" if low is None or nulls else f"{{0}}._ingest_seq >= {int(low)}")
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE unscored AS
            SELECT o.text_hash, o.source_entity, o.text_field, o._file_hash, o._row_number,
                   o._ingest_seq,
                   EXISTS (SELECT 1 FROM {SCORES} s WHERE s.text_hash = o.text_hash) AS ever_scored
            FROM {OCCURRENCES} o JOIN pending_files p
              ON o.source_entity = p.source_entity AND o.text_field = p.text_field
             AND o._file_hash = p._file_hash AND o._ingest_seq IS NOT DISTINCT FROM p._ingest_seq
            WHERE {above.format("o")} AND NOT EXISTS (
                SELECT 1 FROM {SCORES} s
                WHERE s.text_hash = o.text_hash AND s.lexicon_version = $version)""",
        {"version": version},
    )
    wanted = "true" if rescore else "NOT u.ever_scored"
    located = (
        " UNION ALL ".join(
            f"""SELECT u.text_hash, {s.text_sql} AS text
            FROM unscored u JOIN {raw_table(s.entity)} r
              ON u._file_hash = r._file_hash AND u._row_number = r._row_number
            WHERE u.source_entity = '{s.entity}' AND u.text_field = '{s.field}'
              AND {wanted} AND {above.format("r")}"""
            for s in sources
        )
        or "SELECT NULL::VARCHAR AS text_hash, NULL::VARCHAR AS text WHERE false"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pending_texts AS
            WITH located AS ({located})
            SELECT text_hash, any_value(text) AS text FROM located GROUP BY text_hash"""
    )
    total, rescores = con.execute(
        f"""SELECT count(*), count(*) FILTER (
                WHERE EXISTS (SELECT 1 FROM {SCORES} s WHERE s.text_hash = p.text_hash))
            FROM pending_texts p"""
    ).fetchone()
    return total - rescores, rescores


def mark_scored(con: duckdb.DuckDBPyConnection, version: str) -> int:
    """Mark the pending files all of whose texts now have a `version` score; return the
    distinct texts of the other pending files still without one (postponed rescores)."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE still_unscored AS
            SELECT * FROM unscored u WHERE NOT EXISTS (
                SELECT 1 FROM {SCORES} s
                WHERE s.text_hash = u.text_hash AND s.lexicon_version = $version)""",
        {"version": version},
    )
    con.execute(
        f"""UPDATE {FILES} f SET scored_under = $version
            FROM pending_files p
            WHERE f.source_entity = p.source_entity AND f.text_field = p.text_field
              AND f._file_hash = p._file_hash AND f._ingest_seq IS NOT DISTINCT FROM p._ingest_seq
              AND NOT EXISTS (
                  SELECT 1 FROM still_unscored u
                  WHERE u.source_entity = p.source_entity AND u.text_field = p.text_field
                    AND u._file_hash = p._file_hash
                    AND u._ingest_seq IS NOT DISTINCT FROM p._ingest_seq)""",
        {"version": version},
    )
    (postponed,) = con.execute("SELECT count(DISTINCT text_hash) FROM still_unscored").fetchone()
    for table in ("pending_texts", "pending_files", "unscored", "still_unscored"):
        con.execute(f"DROP TABLE {table}")
    return postponed


def _pending_batches(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[Batch]:
    """pending_texts in batches, from one streaming query."""
    result = con.execute("SELECT text_hash, text FROM pending_texts")
    while batch := result.fetchmany(size):
        yield batch


def _write_scores(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple],
    columns: Sequence[str],
    lexicon: LexiconId,
    scored_at: datetime,
) -> None:
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    as_list = "CASE WHEN {0} = '' THEN []::VARCHAR[] ELSE string_split({0}, '|') END"
    lists = ("topics", "staff_mentions")
    values = [as_list.format(c) if c in lists else c for c in columns]
    con.register("scored_batch", frame)
    try:
        con.execute(
            f"""INSERT INTO {SCORES}
                    ({", ".join(columns)}, lexicon_version, scored_at, lexicon_fingerprint)
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
    con: duckdb.DuckDBPyConnection,
    lexicon: LexiconId,
    pending: int,
    workers: int | None = None,
    batch_size: int | None = None,
) -> int:
    """Score the `pending` texts of pending_texts, write the rows in bulk under `lexicon` and
    return the number of scoring processes used (one for a single batch).

    The texts stream from one query on `con` (where the temporary table lives) while the
    scores are written through a second connection to the same database. TextBlob, NLTK and
    the compiled lexicon are imported here, so a run with nothing to score never loads them.
    """
    from orchestration.text.batches import (
        BATCH_SIZE,
        SCORE_COLUMNS,
        available_cores,
        score_batches,
    )
    from orchestration.text.lexicon import load_lexicon
    from orchestration.text.staff_names import load_staff

    load_lexicon()  # compiled once here, before the scoring processes fork and inherit it
    size = batch_size or BATCH_SIZE
    cores = available_cores()
    used = 1 if pending <= size else min(workers or cores, cores)
    staff = load_staff(con)
    scored_at = datetime.now(UTC).replace(tzinfo=None)
    buffer: list[tuple] = []
    with con.cursor() as writer:
        for rows in score_batches(_pending_batches(con, size), staff, used):
            buffer.extend(rows)
            if len(buffer) >= FLUSH_ROWS:
                _write_scores(writer, buffer, SCORE_COLUMNS, lexicon, scored_at)
                buffer = []
        if buffer:
            _write_scores(writer, buffer, SCORE_COLUMNS, lexicon, scored_at)
    return used


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
    batch_size: int | None = None,
) -> EnrichmentStats:
    """Bring both enrichment tables up to date with the raw tables; see the module docstring.

    `workers`: scoring processes (None: one per core); `batch_size`: texts per batch (None:
    `orchestration.text.batches.BATCH_SIZE`).
    """
    started = time.perf_counter()
    lexicon = current_lexicon()
    ensure_tables(con)
    check_lexicon_version(con, lexicon)
    present, missing = present_sources(con)
    synced = sync_occurrences(con, present)
    new, rescores = collect_pending(con, present, lexicon.version, rescore_on_new_version)
    reason = _rescore_reason(con, lexicon.version, rescores)
    total = new + rescores
    used = score_pending(con, lexicon, total, workers, batch_size) if total else 1
    postponed = mark_scored(con, lexicon.version)
    occurrences, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT text_hash) FROM {OCCURRENCES}"
    ).fetchone()
    coverage = con.execute(
        f"SELECT avg(has_opinion::DOUBLE) FROM {SCORES} WHERE lexicon_version = ?",
        [lexicon.version],
    ).fetchone()[0]
    return EnrichmentStats(
        lexicon_version=lexicon.version,
        sources_missing=tuple(f"{s.entity}.{s.field}" for s in missing),
        occurrences=occurrences,
        occurrences_added=synced.added,
        occurrences_removed=synced.removed,
        occurrences_rebuilt=synced.rebuilt,
        checked_after=synced.checked_after,
        distinct_texts=distinct,
        new_texts_scored=new,
        rescored=rescores,
        rescore_reason=reason,
        rescore_postponed=postponed,
        coverage=coverage,
        workers=used,
        seconds=time.perf_counter() - started,
    )
