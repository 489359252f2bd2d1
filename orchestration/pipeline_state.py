"""What the last complete pipeline run was built from, so a run with nothing new skips the rest.

A run that ingested no file and scored no text would rebuild the same marts, pass the same
checks and publish nothing (the serving file keeps its version). The dbt step asks
:func:`nothing_new` first: when the warehouse's inputs (row counts and newest entries of the
`raw`, `ingest` and `enrichment` schemas), the code and configuration that turn them into
marts (dbt project, suites, contracts, the Python package) and the served version are the
ones the last complete run recorded, it builds nothing, and Dagster skips the checks, the
publication and the scorecard after it. `empathy run --full-refresh` runs everything.

The state is recorded in two steps: the dbt step writes it as *pending* for its run
(:func:`record_pending`), the scorecard step, the last of a complete run, confirms it
(:func:`confirm`). A run that failed anywhere after dbt therefore confirms nothing, and the
next run rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb

from orchestration.settings import (
    CONTRACTS_DIR,
    DBT_PROJECT_DIR,
    ENRICHMENT_SCHEMA,
    EXPECTATIONS_DIR,
    INGEST_SCHEMA,
    PROJECT_ROOT,
    RAW_SCHEMA,
    Settings,
)

STATE_FILE = "pipeline_state.json"
PENDING_FILE = "pipeline_state.pending.json"
# Run tag: rebuild everything even when nothing is new (`empathy run --full-refresh`).
FULL_REFRESH_TAG = "empathy/full_refresh"
DBT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".json", ".j2"}


def _code_files() -> list[Path]:
    roots = [DBT_PROJECT_DIR / name for name in DBT_SOURCES]
    roots += [EXPECTATIONS_DIR, CONTRACTS_DIR, PROJECT_ROOT / "orchestration"]
    files = [p for p in roots if p.is_file()]
    files += [
        f
        for root in roots
        if root.is_dir()
        for f in root.rglob("*")
        if f.is_file() and f.suffix in CODE_SUFFIXES and "__pycache__" not in f.parts
    ]
    return sorted(files)


def code_fingerprint() -> str:
    """SHA-256 of every file that turns the warehouse's inputs into marts, checks and reports."""
    digest = hashlib.sha256()
    for path in _code_files():
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def data_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Row count of every table of the input schemas, newest ledger entry, newest score."""
    (catalog,) = con.execute("SELECT current_database()").fetchone()
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name IN (?, ?, ?) ORDER BY 1, 2",
        [catalog, RAW_SCHEMA, INGEST_SCHEMA, ENRICHMENT_SCHEMA],
    ).fetchall()
    count = 'SELECT count(*) FROM "{}"."{}"'
    parts = [f"{s}.{t}={con.execute(count.format(s, t)).fetchone()[0]}" for s, t in tables]
    newest = {
        (INGEST_SCHEMA, "ledger"): "max(seq)",
        (ENRICHMENT_SCHEMA, "text_scores"): "max(scored_at)",
        (ENRICHMENT_SCHEMA, "text_occurrences"): "max(recorded_at)",
    }
    for (schema, table), expression in newest.items():
        if (schema, table) in tables:
            value = con.execute(f"SELECT {expression} FROM {schema}.{table}").fetchone()[0]
            parts.append(f"{schema}.{table}:{expression}={value}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def current_state(settings: Settings) -> str:
    """The fingerprint of the warehouse's inputs and of the code, as one hash."""
    if not settings.build_db.exists():
        return "no build database"
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        data = data_fingerprint(con)
    return hashlib.sha256(f"{data}\n{code_fingerprint()}".encode()).hexdigest()


def _served_version(settings: Settings) -> int | None:
    from orchestration.publish.serving import served_version

    return served_version(settings)


def _state_dir(settings: Settings) -> Path:
    return settings.build_db.parent


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, content: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(content), "utf-8")
    os.replace(tmp, path)


def nothing_new(settings: Settings, state: str) -> str | None:
    """Why this run may skip everything after ingestion and text scoring, or None if it may not.

    It may when the last complete run recorded the same `state` and the serving file still
    holds the version it left (after a rollback, the run publishes again as it always did).
    """
    last = _read(_state_dir(settings) / STATE_FILE)
    if not last or last.get("state") != state:
        return None
    served = _served_version(settings)
    if served is None or served != last.get("served_version"):
        return None
    return (
        f"nothing new since run {last.get('run_id')} (no file loaded, no text scored, same "
        f"code): no dbt model, check or publication in this run; version {served} stays served"
    )


def record_pending(settings: Settings, run_id: str, state: str) -> None:
    """The state this run's dbt step builds from; confirmed when the run completes."""
    _state_dir(settings).mkdir(parents=True, exist_ok=True)
    (_state_dir(settings) / STATE_FILE).unlink(missing_ok=True)
    _write(_state_dir(settings) / PENDING_FILE, {"run_id": run_id, "state": state})


def confirm(settings: Settings, run_id: str) -> bool:
    """Record the run's pending state as the last complete one (False: nothing pending)."""
    pending_path = _state_dir(settings) / PENDING_FILE
    pending = _read(pending_path)
    if not pending or pending.get("run_id") != run_id:
        return False
    pending["served_version"] = _served_version(settings)
    _write(_state_dir(settings) / STATE_FILE, pending)
    pending_path.unlink(missing_ok=True)
    return True
