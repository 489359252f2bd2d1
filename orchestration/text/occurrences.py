"""``enrichment.text_occurrences``: one row per non-empty text of every raw row, kept in step
with ingestion without looking at history.

Raw rows arrive only with a new ingest sequence number (``_ingest_seq``: one per loaded file,
higher is later) and leave only with their file (``forget_file``, behind ``empathy reload``).
``enrichment.text_occurrence_files`` records, per text source and file, what was recorded: the
file's raw rows, its occurrences and the lexicon version all its texts have a score under.

- New rows: those of a source's raw table above the highest sequence recorded for it.
- Forgotten files: ``forget_occurrences`` deletes their occurrences in ``forget_file``'s
  transaction.
- Anything else is found by counts (raw rows against those recorded, occurrences against those
  recorded) or by the pseudonym key's fingerprint (a re-key, for a source whose key or text is
  pseudonymized), and the source is rebuilt from its raw table: raw rows changed outside
  ingestion, a warehouse from before this table, a source gone from the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from orchestration.ingest import load_contract, raw_table
from orchestration.ingest.pseudonyms import recorded_fingerprint
from orchestration.settings import ENRICHMENT_SCHEMA

OCCURRENCES = f"{ENRICHMENT_SCHEMA}.text_occurrences"
FILES = f"{ENRICHMENT_SCHEMA}.text_occurrence_files"

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

_FILES_DDL = f"""
CREATE TABLE IF NOT EXISTS {FILES} (
    source_entity VARCHAR NOT NULL,
    text_field VARCHAR NOT NULL,
    _file_hash VARCHAR NOT NULL,
    _ingest_seq BIGINT,
    raw_rows BIGINT NOT NULL,        -- the file's rows in the raw table when recorded
    occurrences BIGINT NOT NULL,     -- its non-empty texts among them
    scored_under VARCHAR,            -- lexicon version every one of its texts has a score under
    key_fingerprint VARCHAR,         -- pseudonym key when recorded (re-key: see module doc)
    recorded_at TIMESTAMP NOT NULL
)"""


# A text needs the replacements below only where one of these matches; most texts match none,
# and testing for a match costs half the replacements (690k transcripts: 1.1 -> 0.6 s).
_NEEDS_REPLACING = r"'[ \t\x0B\f\xA0]{2,}|[\t\x0B\f\xA0]| \n|\n\s'"


def normalized_sql(column: str) -> str:
    """SQL for the normalized text: NFC, one space between words, one newline between lines."""
    text = f"nfc_normalize(replace({column}, chr(13), chr(10)))"
    # Patterns that match rarely are fast; "[^\S\n]+" matches at every space and is 7x slower.
    replaced = (
        f"regexp_replace(regexp_replace({text}, "
        r"'[ \t\x0B\f\xA0]{2,}|[\t\x0B\f\xA0]', ' ', 'g'), ' ?\n\s*', chr(10), 'g')"
    )
    return (
        f"trim(CASE WHEN regexp_matches({text}, {_NEEDS_REPLACING}) THEN {replaced} "
        f"ELSE {text} END, ' ' || chr(10))"
    )


@dataclass(frozen=True)
class TextSource:
    """One text column of one raw entity."""

    entity: str
    field: str
    role: str  # customer, business or conversation
    key_columns: tuple[str, ...]
    pseudonymized: bool = False  # its key or text holds pseudonyms (a re-key changes them)

    @property
    def label(self) -> str:
        """``entity.field``."""
        return f"{self.entity}.{self.field}"

    @property
    def key_sql(self) -> str:
        """SQL for the business key as text ("a|b" when it has several columns)."""
        keys = [f'CAST(r."{k}" AS VARCHAR)' for k in self.key_columns]
        return keys[0] if len(keys) == 1 else f"concat_ws('|', {', '.join(keys)})"

    @property
    def text_sql(self) -> str:
        """SQL for the normalized text of raw row `r`."""
        return normalized_sql(f'r."{self.field}"')

    @property
    def where(self) -> str:
        """SQL selecting this source's rows of an enrichment table aliased `o`."""
        return f"o.source_entity = '{self.entity}' AND o.text_field = '{self.field}'"


def text_sources() -> tuple[TextSource, ...]:
    """Every column marked `text:` in contracts/*.yml."""
    return tuple(
        TextSource(
            entity.name,
            column.name,
            column.text,
            entity.business_key,
            any(entity.column(c).pseudonymize for c in (*entity.business_key, column.name)),
        )
        for entity in load_contract().entities.values()
        for column in entity.text_columns
    )


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


def ensure_occurrence_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the occurrence table and its per-file record when missing."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ENRICHMENT_SCHEMA}")
    con.execute(_OCCURRENCES_DDL)
    con.execute(_FILES_DDL)


@dataclass(frozen=True)
class OccurrenceSync:
    """What `sync_occurrences` did. `checked_after`: per source label, the sequence above
    which its raw rows were new in this run (None: the source was recorded from scratch)."""

    added: int
    removed: int
    rebuilt: tuple[str, ...]  # "entity.field: why"
    checked_after: Mapping[str, int | None]


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    return con.execute(sql, params or []).fetchone()[0] or 0


def _seq_filter(alias: str, after: int | None) -> str:
    return "" if after is None else f"AND {alias}._ingest_seq > {int(after)}"


def _record(
    con: duckdb.DuckDBPyConnection,
    s: TextSource,
    after: int | None,
    key: str | None,
    now: datetime,
) -> int:
    """Record the occurrences and files of `s`'s raw rows above `after` (all when None)."""
    added = _count(
        con,
        f"""INSERT INTO {OCCURRENCES}
            SELECT '{s.entity}', source_id, '{s.field}', '{s.role}', sha256(text),
                   _file_hash, _row_number, _ingest_seq, ?
            FROM (SELECT {s.key_sql} AS source_id, {s.text_sql} AS text,
                         r._file_hash, r._row_number, r._ingest_seq
                  FROM {raw_table(s.entity)} r
                  WHERE r."{s.field}" IS NOT NULL {_seq_filter("r", after)})
            WHERE text <> ''""",
        [now],
    )
    con.execute(
        f"""INSERT INTO {FILES}
            WITH raw_files AS (
                SELECT r._file_hash, r._ingest_seq, count(*) AS raw_rows
                FROM {raw_table(s.entity)} r WHERE true {_seq_filter("r", after)} GROUP BY ALL
            ), recorded AS (
                SELECT o._file_hash, o._ingest_seq, count(*) AS n FROM {OCCURRENCES} o
                WHERE {s.where} {_seq_filter("o", after)} GROUP BY ALL
            )
            SELECT '{s.entity}', '{s.field}', f._file_hash, f._ingest_seq, f.raw_rows,
                   coalesce(o.n, 0), NULL, ?, ?
            FROM raw_files f LEFT JOIN recorded o ON f._file_hash = o._file_hash
                AND f._ingest_seq IS NOT DISTINCT FROM o._ingest_seq""",
        [key, now],
    )
    return added


def _forget_sources(con: duckdb.DuckDBPyConnection, where: str) -> int:
    """Delete the occurrences and file records matching `where` (on alias `o`)."""
    removed = _count(con, f"DELETE FROM {OCCURRENCES} o WHERE {where}")
    con.execute(f"DELETE FROM {FILES} o WHERE {where}")
    return removed


def _in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], int]) -> int:
    con.begin()
    try:
        result = work()
        con.commit()
    except Exception:
        con.rollback()
        raise
    return result


def _rebuild_reason(
    con: duckdb.DuckDBPyConnection, s: TextSource, key: str | None, recorded: bool
) -> str | None:
    """Why `s` must be recorded from scratch before adding its new rows (None: it need not)."""
    if not recorded:
        return "not recorded yet"
    if s.pseudonymized and _count(
        con,
        f"SELECT count(*) FROM {FILES} o WHERE {s.where} AND key_fingerprint IS DISTINCT FROM ?",
        [key],
    ):
        return "pseudonym key rotated"
    return None


def sync_occurrences(con: duckdb.DuckDBPyConnection, sources: list[TextSource]) -> OccurrenceSync:
    """Record the occurrences of new raw rows; rebuild a source only when counts disagree."""
    ensure_occurrence_tables(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    key = recorded_fingerprint(con)
    wanted = {(s.entity, s.field) for s in sources}
    removed, rebuilt = 0, []
    for entity, field in con.execute(
        f"SELECT DISTINCT source_entity, text_field FROM {FILES} ORDER BY ALL"
    ).fetchall():
        if (entity, field) not in wanted:
            where = f"o.source_entity = '{entity}' AND o.text_field = '{field}'"
            removed += _in_transaction(con, lambda w=where: _forget_sources(con, w))
            rebuilt.append(f"{entity}.{field}: no longer a text source")
    occurrences, recorded_total = con.execute(
        f"SELECT (SELECT count(*) FROM {OCCURRENCES}), (SELECT sum(occurrences) FROM {FILES})"
    ).fetchone()
    if occurrences != (recorded_total or 0):
        # A warehouse from before the file records, or occurrences edited by hand.
        removed += _in_transaction(con, lambda: _forget_sources(con, "true"))
        rebuilt.append("every source: occurrences differ from the file records")
    watermarks = {
        (e, f): (seq, n)
        for e, f, seq, n in con.execute(
            f"SELECT source_entity, text_field, max(_ingest_seq), count(*) FROM {FILES} "
            "GROUP BY ALL"
        ).fetchall()
    }
    added = 0
    checked_after: dict[str, int | None] = {}
    for s in sources:
        seq, files = watermarks.get((s.entity, s.field), (None, 0))
        reason = _rebuild_reason(con, s, key, files > 0)
        if reason and files:
            removed += _in_transaction(con, lambda s=s: _forget_sources(con, s.where))
            rebuilt.append(f"{s.label}: {reason}")
        after = None if reason else seq
        added += _in_transaction(con, lambda s=s, a=after: _record(con, s, a, key, now))
        raw_rows = _count(con, f"SELECT count(*) FROM {raw_table(s.entity)}")
        recorded = _count(con, f"SELECT sum(raw_rows) FROM {FILES} o WHERE {s.where}")
        if raw_rows != recorded:  # raw rows deleted or added outside ingestion
            removed += _in_transaction(con, lambda s=s: _forget_sources(con, s.where))
            added += _in_transaction(con, lambda s=s: _record(con, s, None, key, now))
            rebuilt.append(f"{s.label}: raw rows changed outside ingestion")
            after = None
        checked_after[s.label] = after
    return OccurrenceSync(added, removed, tuple(rebuilt), checked_after)


def forget_occurrences(con: duckdb.DuckDBPyConnection, file_hashes: Iterable[str]) -> int:
    """Delete the occurrences and file records of these files (inside the caller's
    transaction); the number of occurrences deleted. Nothing to do before the first run."""
    hashes = list(file_hashes)
    schema, table = FILES.split(".")
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
        "AND database_name = current_database()",
        [schema, table],
    ).fetchone()[0]
    if not hashes or not exists:
        return 0
    removed = _count(
        con, f"DELETE FROM {OCCURRENCES} WHERE list_contains(?::VARCHAR[], _file_hash)", [hashes]
    )
    con.execute(f"DELETE FROM {FILES} WHERE list_contains(?::VARCHAR[], _file_hash)", [hashes])
    return removed


def missing_occurrences(
    con: duckdb.DuckDBPyConnection,
    sources: list[TextSource],
    after: Mapping[str, int | None] | None = None,
) -> int:
    """Non-empty texts of the raw tables without an occurrence row (0 after a run).

    With `after` (`OccurrenceSync.checked_after`), a source's rows up to its sequence there are
    checked by counts against the file records instead of row by row: the rows above it are
    the run's new rows.
    """
    missing = 0
    for s in sources:
        bound = None if after is None else after.get(s.label)
        seq = _seq_filter("r", bound)
        missing += _count(
            con,
            f"""SELECT count(*) FROM {raw_table(s.entity)} r
                WHERE r."{s.field}" IS NOT NULL {seq}
                  AND NOT EXISTS (SELECT 1 FROM {OCCURRENCES} o
                                  WHERE {s.where} {_seq_filter("o", bound)}
                                    AND o._file_hash = r._file_hash
                                    AND o._row_number = r._row_number)
                  AND {s.text_sql} <> ''""",
        )
        if bound is not None:
            raw_rows = _count(con, f"SELECT count(*) FROM {raw_table(s.entity)}")
            recorded = _count(con, f"SELECT sum(raw_rows) FROM {FILES} o WHERE {s.where}")
            missing += abs(raw_rows - recorded)
    return missing
