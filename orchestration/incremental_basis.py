"""When dbt's incremental models may add only what is new, and when they must be rebuilt.

The incremental models (the staging of the large CRM and survey entities, the journey fact)
take the raw rows of exports newer than the newest they hold (`_ingest_seq`). That gives the
rows a full rebuild gives only while the history they were built from was appended to and
nothing else, and the code that builds them is the same. After every successful dbt build the
pipeline records that basis (`incremental_basis.json` beside the build database): per raw
table, the highest `_ingest_seq` and the row count up to it, the pseudonym key's fingerprint and
the code's fingerprint. The next build is incremental only if every raw table still holds
exactly those rows up to that seq (nothing forgotten or replaced), the key is the same (no
re-keyed ids) and so is the code; otherwise it is a full refresh, and the log says why.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from orchestration.ingest.pseudonyms import recorded_fingerprint
from orchestration.pipeline_state import code_fingerprint
from orchestration.settings import RAW_SCHEMA, Settings

BASIS_FILE = "incremental_basis.json"
SEQ = "_ingest_seq"


def _basis_path(settings: Settings) -> Path:
    return settings.build_db.parent / BASIS_FILE


def _raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw tables with an `_ingest_seq` column (every one the loader writes)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND column_name = ? ORDER BY table_name",
        [RAW_SCHEMA, SEQ],
    ).fetchall()
    return [name for (name,) in rows]


def history_basis(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """What a build reads now: per raw table [highest seq, rows], key and code fingerprints."""
    tables = {}
    for table in _raw_tables(con):
        high, rows = con.execute(
            f'SELECT max({SEQ}), count(*) FROM {RAW_SCHEMA}."{table}"'
        ).fetchone()
        tables[table] = [high, rows]
    return {"raw": tables, "key": recorded_fingerprint(con), "code": code_fingerprint()}


def _history_change(con: duckdb.DuckDBPyConnection, recorded: dict[str, list]) -> str | None:
    present = set(_raw_tables(con))
    for table, (high, rows) in sorted(recorded.items()):
        if table not in present:
            return f"raw.{table} is gone"
        if high is None:
            continue
        (kept,) = con.execute(
            f'SELECT count(*) FROM {RAW_SCHEMA}."{table}" WHERE {SEQ} <= ?', [high]
        ).fetchone()
        if kept != rows:
            return (
                f"raw.{table} holds {kept:,} rows of the exports the last build read, not "
                f"{rows:,} (a file was forgotten or replaced)"
            )
    return None


def rebuild_reason(
    settings: Settings, con: duckdb.DuckDBPyConnection, current: dict[str, object]
) -> str | None:
    """Why the next dbt build must be a full refresh, or None when it may be incremental.

    `current` is `history_basis(con)`: what the build about to start reads.
    """
    try:
        recorded = json.loads(_basis_path(settings).read_text("utf-8"))
    except (OSError, ValueError):
        return "no complete dbt build is recorded for this build database"
    if recorded.get("code") != current["code"]:
        return "the code or configuration changed since the last build"
    if recorded.get("key") != current["key"]:
        return "the ids were re-keyed since the last build (another pseudonym key)"
    return _history_change(con, recorded.get("raw") or {})


def forget(settings: Settings) -> None:
    """No basis: the next build is a full refresh (called before a build starts)."""
    _basis_path(settings).unlink(missing_ok=True)


def record(settings: Settings, basis: dict[str, object]) -> None:
    """The basis of a dbt build that succeeded."""
    path = _basis_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(basis), "utf-8")
    os.replace(tmp, path)
