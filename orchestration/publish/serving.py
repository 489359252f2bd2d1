"""The serving file BI tools read: built beside it, swapped in atomically, kept for rollback.

A publication copies every table of the build database's `marts` schema (not the temporary
tables an interrupted dbt run may leave) into a new file
(`.publishing-<version>.duckdb` in the serving folder) in the configured storage version,
adds `publication_log` (this and every earlier publication) and `publication_sources`
(the export files behind this one), checkpoints and closes it, fsyncs it, hard-links it into
`versions/empathy_v<NNNN>.duckdb`, and only then renames it over the serving file. A reader
that has the old file open keeps its snapshot (the renamed-over inode); a new reader sees the
new version. Nothing here opens the serving file for writing. A crash at any point leaves the
serving file as it was; leftovers are removed by the next publication or rollback.

Each publication records a fingerprint of what it published (every mart's rows and the
newest ledger entry); a run that would publish the same fingerprint again publishes nothing,
so a run with nothing new adds no version and no row anywhere.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.publish.fingerprints import (
    MartsChanged,
    compare,
    mart_fingerprints,
    stable_value,
)
from orchestration.settings import INGEST_SCHEMA, MARTS_SCHEMA, Settings

_VERSION_FILE = re.compile(r"^empathy_v(\d{4,})\.duckdb$")
_STORAGE_VERSION = re.compile(r"^v\d+\.\d+\.\d+$")
_TEMP_PREFIXES = (".publishing-", ".rollback-")

_LOG_DDL = """
CREATE TABLE serving.main.publication_log (
    version INTEGER PRIMARY KEY,       -- 1, 2, ...: the file versions/empathy_v<NNNN>.duckdb
    published_at TIMESTAMP NOT NULL,   -- UTC
    run_id VARCHAR NOT NULL,           -- the Dagster run that published it
    storage_version VARCHAR NOT NULL,  -- DuckDB storage version the file was written in
    tables VARCHAR[] NOT NULL,         -- the marts published
    source_files INTEGER NOT NULL,     -- export files loaded into the warehouse so far
    new_source_files VARCHAR[] NOT NULL, -- files loaded since the previous publication
    last_ledger_seq BIGINT,            -- newest ingest ledger entry included
    checks_passed VARCHAR[] NOT NULL,  -- '<asset>:<check>' evaluated and passed in the run
    checks_failed VARCHAR[] NOT NULL,  -- non-blocking checks that failed (warnings)
    content_fingerprint VARCHAR        -- marts' rows and newest ledger entry, hashed
)"""


@dataclass(frozen=True)
class Publication:
    """What the gate established in this run, recorded in the publication log."""

    run_id: str
    checks_passed: tuple[str, ...]
    checks_failed: tuple[str, ...]
    mart_fingerprints: dict[str, str] | None = None  # what the gate checked; None: not compared
    ledger_seq: int | None = None  # newest ledger entry behind the marts; None: every entry
    content_fingerprint: str | None = None  # content_fingerprint() of the build; None: computed


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def version_files(settings: Settings) -> dict[int, Path]:
    """Kept publications by version number."""
    if not settings.versions_dir.is_dir():
        return {}
    found = (_VERSION_FILE.match(p.name) for p in settings.versions_dir.iterdir())
    return {int(m[1]): settings.versions_dir / m[0] for m in found if m}


def _version_path(settings: Settings, version: int) -> Path:
    return settings.versions_dir / f"empathy_v{version:04d}.duckdb"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _exclusive(settings: Settings) -> Iterator[None]:
    """One publication or rollback at a time; then clear what an interrupted one left."""
    settings.versions_dir.mkdir(parents=True, exist_ok=True)
    with (settings.serving_dir / ".publish.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        clean_stale_files(settings)
        yield


def clean_stale_files(settings: Settings) -> list[Path]:
    """Remove temporary files left by a publication or rollback that was killed."""
    stale = [
        p
        for folder in (settings.serving_dir, settings.versions_dir)
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.startswith(_TEMP_PREFIXES)
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _swap_in(settings: Settings, new_file: Path) -> None:
    """Atomically make `new_file` the serving file and persist the rename."""
    os.replace(new_file, settings.serving_db)
    _fsync(settings.serving_dir)


def _mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = 'build' AND schema_name = ? "
            "AND NOT regexp_matches(table_name, '__dbt_(tmp|backup)$') ORDER BY table_name",
            [MARTS_SCHEMA],
        ).fetchall()
    ]


def _row_hash(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """`hash(...)` of a row of the mart, doubles to 10 significant digits."""
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = 'build' AND schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [MARTS_SCHEMA, table],
    ).fetchall()
    values = ", ".join(stable_value(c, t, "t") for c, t in columns)
    return f"hash(row({values}))"


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Hash of every mart's rows (order-independent) and the newest ledger entry."""
    parts = [
        f"SELECT '{table}' AS part, count(*)::VARCHAR || ':' || "
        f"coalesce(sum({_row_hash(con, table)}::HUGEINT), 0)::VARCHAR AS digest "
        f'FROM build.{MARTS_SCHEMA}."{table}" AS t'
        for table in _mart_tables(con)
    ]
    (has_ledger,) = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = 'build' AND schema_name = ? AND table_name = 'ledger'",
        [INGEST_SCHEMA],
    ).fetchone()
    if has_ledger:
        parts.append(
            f"SELECT 'ledger', coalesce(max(seq), 0)::VARCHAR FROM build.{INGEST_SCHEMA}.ledger"
        )
    (digest,) = con.execute(
        f"SELECT md5(coalesce(string_agg(part || '=' || digest, ';' ORDER BY part), '')) "
        f"FROM ({' UNION ALL '.join(parts) or 'SELECT NULL AS part, NULL AS digest'})"
    ).fetchone()
    return digest


def _served_fingerprint(settings: Settings) -> tuple[int, str | None] | None:
    if not settings.serving_db.exists():
        return None
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        has_column = con.execute(
            "SELECT 1 FROM duckdb_columns() WHERE table_name = 'publication_log' "
            "AND column_name = 'content_fingerprint'"
        ).fetchall()
        if not has_column:
            return None
        return con.execute(
            "SELECT version, content_fingerprint FROM publication_log ORDER BY version DESC LIMIT 1"
        ).fetchone()


def content_fingerprint(settings: Settings) -> str:
    """The build database's marts and newest ledger entry, hashed (what a publication records)."""
    with duckdb.connect() as con:
        con.execute(f"ATTACH {_sql_path(settings.build_db)} AS build (READ_ONLY)")
        return _fingerprint(con)


def unchanged_version(settings: Settings, fingerprint: str) -> int | None:
    """The served version when it was published from content with this fingerprint, else None."""
    served = _served_fingerprint(settings)
    if served is None:
        return None
    version, published = served
    return version if published == fingerprint else None


def _copy_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    tables = _mart_tables(con)
    con.execute(f"CREATE SCHEMA serving.{MARTS_SCHEMA}")
    for table in tables:
        con.execute(
            f'CREATE TABLE serving.{MARTS_SCHEMA}."{table}" AS '
            f'SELECT * FROM build.{MARTS_SCHEMA}."{table}"'
        )
    return tables


def _copy_sources(con: duckdb.DuckDBPyConnection, ledger_seq: int | None = None) -> None:
    """`publication_sources`: the export files loaded into the warehouse (from the ledger).

    With `ledger_seq`, only files up to that entry: those the published marts were built from.
    """
    (has_ledger,) = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = 'build' AND schema_name = ? AND table_name = 'ledger'",
        [INGEST_SCHEMA],
    ).fetchone()
    source = (
        f"SELECT seq, file_path, file_hash, source, entity, rows_loaded, rows_quarantined, "
        f"finished_at AS loaded_at FROM build.{INGEST_SCHEMA}.ledger WHERE status = 'loaded'"
        + ("" if ledger_seq is None else f" AND seq <= {int(ledger_seq)}")
        if has_ledger
        else "SELECT NULL::BIGINT AS seq, NULL::VARCHAR AS file_path, NULL::VARCHAR AS file_hash, "
        "NULL::VARCHAR AS source, NULL::VARCHAR AS entity, NULL::BIGINT AS rows_loaded, "
        "NULL::BIGINT AS rows_quarantined, NULL::TIMESTAMP AS loaded_at LIMIT 0"
    )
    con.execute(f"CREATE TABLE serving.main.publication_sources AS {source} ORDER BY seq")


def _write_log(
    con: duckdb.DuckDBPyConnection,
    history: Path | None,
    version: int,
    storage_version: str,
    tables: list[str],
    publication: Publication,
) -> None:
    con.execute(_LOG_DDL)
    previous_seq = None
    if history is not None:
        con.execute(f"ATTACH {_sql_path(history)} AS history (READ_ONLY)")
        con.execute(
            "INSERT INTO serving.main.publication_log BY NAME SELECT * FROM history.publication_log"
        )
        (previous_seq,) = con.execute(
            "SELECT max(last_ledger_seq) FROM history.publication_log"
        ).fetchone()
        con.execute("DETACH history")
    con.execute(
        """
        INSERT INTO serving.main.publication_log
        SELECT ?, now() AT TIME ZONE 'UTC', ?, ?, ?, count(*),
               coalesce(
                   list(file_path ORDER BY seq) FILTER (WHERE seq > coalesce(?, -1)),
                   []::VARCHAR[]
               ),
               max(seq), ?, ?, ?
        FROM serving.main.publication_sources
        """,
        [
            version,
            publication.run_id,
            storage_version,
            tables,
            previous_seq,
            list(publication.checks_passed),
            list(publication.checks_failed),
            publication.content_fingerprint or _fingerprint(con),
        ],
    )


def _build(settings: Settings, target: Path, version: int, publication: Publication) -> None:
    storage_version = settings.serving_storage_version
    if not _STORAGE_VERSION.match(storage_version):
        raise ValueError(f"storage version must look like v1.0.0, got {storage_version!r}")
    kept = version_files(settings)
    history = kept[max(kept)] if kept else None
    if history is None and settings.serving_db.exists():
        history = settings.serving_db
    with duckdb.connect() as con:
        con.execute(f"ATTACH {_sql_path(settings.build_db)} AS build (READ_ONLY)")
        con.execute(f"ATTACH {_sql_path(target)} AS serving (STORAGE_VERSION '{storage_version}')")
        tables = _copy_marts(con)
        if publication.mart_fingerprints is not None:
            changed = compare(
                publication.mart_fingerprints, mart_fingerprints(con, "serving", MARTS_SCHEMA)
            )
            if changed:
                raise MartsChanged(
                    "Publication refused: these marts changed after this run's gate checked "
                    f"them (another run rebuilt them?): {', '.join(changed)}. The serving file "
                    "was left as it was; the next run rebuilds, checks and publishes them."
                )
        _copy_sources(con, publication.ledger_seq)
        _write_log(con, history, version, storage_version, tables, publication)
        con.execute("CHECKPOINT serving")
        con.execute("DETACH serving")
        con.execute("DETACH build")
    _fsync(target)


def _prune(settings: Settings) -> None:
    kept = version_files(settings)
    for version in sorted(kept)[: max(len(kept) - max(settings.keep_versions, 1), 0)]:
        kept[version].unlink()
    _fsync(settings.versions_dir)


def publish(settings: Settings, publication: Publication) -> int:
    """Publish the build database's marts as a new serving file; returns its version."""
    with _exclusive(settings):
        kept = version_files(settings)
        version = max(kept, default=0) + 1
        staging = settings.serving_dir / f"{_TEMP_PREFIXES[0]}{version:04d}.duckdb"
        try:
            _build(settings, staging, version, publication)
        except MartsChanged:
            staging.unlink(missing_ok=True)
            raise
        os.link(staging, _version_path(settings, version))
        _fsync(settings.versions_dir)
        _swap_in(settings, staging)
        _prune(settings)
    return version


def served_version(settings: Settings) -> int | None:
    """The version the serving file holds (the newest entry of its own publication log)."""
    if not settings.serving_db.exists():
        return None
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        (version,) = con.execute("SELECT max(version) FROM publication_log").fetchone()
    return version


def rollback(settings: Settings, to_version: int | None = None) -> int:
    """Put a kept publication back as the serving file (default: the one before the current)."""
    with _exclusive(settings):
        kept = version_files(settings)
        if not kept:
            raise ValueError(
                f"nothing to roll back to: no publication kept in {settings.versions_dir}"
            )
        current = served_version(settings)
        if to_version is None:
            earlier = [v for v in kept if current is None or v < current]
            if not earlier:
                raise ValueError(
                    f"no kept publication older than version {current}; kept: {sorted(kept)}"
                )
            to_version = max(earlier)
        if to_version not in kept:
            raise ValueError(f"version {to_version} is not kept; kept versions: {sorted(kept)}")
        staging = settings.serving_dir / f"{_TEMP_PREFIXES[1]}{to_version:04d}.duckdb"
        os.link(kept[to_version], staging)
        _swap_in(settings, staging)
    return to_version
