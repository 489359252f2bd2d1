"""The ingest ledger: one row per file and entity, keyed by the file's content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingest.results import FileResult
from orchestration.ingest.tables import LEDGER, LEDGER_SEQUENCE

_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileFingerprint:
    """Content hash and the facts about the bytes that rejection messages need."""

    sha256: str
    size: int
    ends_with_newline: bool
    line_endings: str = "lf"  # lf, crlf, cr, mixed or none (counted on bytes: 8-bit encodings)
    has_nul: bool = False


def utc_now() -> datetime:
    """Naive UTC timestamp, the time zone of every pipeline timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


def fingerprint_file(path: Path) -> FileFingerprint:
    """SHA-256 of the file's bytes, its line endings and whether it has NUL bytes, in one pass."""
    digest = hashlib.sha256()
    size, last = 0, b""
    crlf = cr = lf = 0
    has_nul = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
            cr += chunk.count(b"\r")
            lf += chunk.count(b"\n")
            has_nul = has_nul or b"\0" in chunk
            size += len(chunk)
            last = chunk[-1:]
    kinds = [k for k, n in (("crlf", crlf), ("cr", cr - crlf), ("lf", lf - crlf)) if n]
    endings = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")
    return FileFingerprint(digest.hexdigest(), size, last in (b"\n", b"\r"), endings, has_nul)


def placeholder_hash(label: str, *facts: object) -> str:
    """A ledger hash for a file whose bytes cannot be read (link outside, dangling, unreadable).

    It changes with the facts given (e.g. size and mtime), so a fixed file is tried again.
    """
    text = "\0".join(["unreadable", label, *map(str, facts)])
    return "unreadable-" + hashlib.sha256(text.encode()).hexdigest()[:52]


def next_seq(con: duckdb.DuckDBPyConnection) -> int:
    """A new ledger sequence number (higher is a later export)."""
    return con.execute(f"SELECT nextval('{LEDGER_SEQUENCE}')").fetchone()[0]


def earlier_outcome(
    con: duckdb.DuckDBPyConnection, file_hash: str, entity: str, path: str, mapping_hash: str
) -> tuple[str, int, str, str] | None:
    """The ledger entry that decides an already-seen file: (status, seq, path, message).

    A loaded hash is never loaded again; a rejected one is retried only under a new mapping.
    """
    rows = con.execute(
        f"SELECT status, seq, file_path, message, mapping_hash FROM {LEDGER} "
        "WHERE file_hash = ? AND entity = ? ORDER BY seq",
        [file_hash, entity],
    ).fetchall()
    loaded = [r for r in rows if r[0] == "loaded"]
    if loaded:
        same_path = [r for r in rows if r[0] in ("loaded", "skipped") and r[2] == path]
        return tuple((same_path or loaded)[0][:4])
    rejected = [r for r in rows if r[0] == "rejected" and r[4] == mapping_hash]
    return tuple(rejected[-1][:4]) if rejected else None


def record_file(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    *,
    size: int,
    mapping_hash: str,
    validation: str | None,
    started_at: datetime,
) -> None:
    """Append the ledger row of `result` (its `ledger_seq` must be set)."""
    con.execute(
        f"INSERT INTO {LEDGER} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.ledger_seq,
            result.file_hash,
            result.path,
            result.source,
            result.entity,
            size,
            mapping_hash,
            result.status,
            result.rows_read,
            result.rows_loaded,
            result.rows_quarantined,
            result.message,
            list(result.ignored_columns),
            validation,
            started_at,
            utc_now(),
        ],
    )
