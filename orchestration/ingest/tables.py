"""Tables the ingestion writes: `raw.<entity>`, `restricted.*` and `ingest.ledger`.

Every raw table exists even when its source never sent a file, so dbt always builds.
"""

from __future__ import annotations

import duckdb

from orchestration.ingest.contract import Contract, EntitySpec, load_contract
from orchestration.ingest.sql_text import quote_identifier
from orchestration.settings import INGEST_SCHEMA, RAW_SCHEMA, RESTRICTED_SCHEMA

LINEAGE_COLUMNS = (
    ("_file_hash", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_ingest_seq", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)
LEDGER = f"{INGEST_SCHEMA}.ledger"
LEDGER_SEQUENCE = f"{INGEST_SCHEMA}.ledger_seq"
QUARANTINE = f"{RESTRICTED_SCHEMA}.quarantined_rows"

_LEDGER_DDL = f"""
CREATE TABLE IF NOT EXISTS {LEDGER} (
    seq BIGINT PRIMARY KEY,            -- higher is a later export (raw tables' _ingest_seq)
    file_hash VARCHAR NOT NULL,        -- SHA-256 of the file's bytes
    file_path VARCHAR NOT NULL,        -- relative to the landing folder
    source VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    mapping_hash VARCHAR NOT NULL,     -- a rejected file is retried when its mapping changes
    status VARCHAR NOT NULL CHECK (status IN ('loaded', 'rejected', 'skipped')),
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    message VARCHAR,
    ignored_columns VARCHAR[],         -- export columns no mapping uses
    validation VARCHAR,                -- batch validation: passed, warning, failed or NULL
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    CHECK (rows_read = rows_loaded + rows_quarantined)
)"""

_QUARANTINE_DDL = f"""
CREATE TABLE IF NOT EXISTS {QUARANTINE} (
    ingest_seq BIGINT NOT NULL,
    file_hash VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,        -- 1-based data row in the file
    reasons VARCHAR[] NOT NULL,
    original_values JSON,              -- mapped values as read; pseudonymized columns replaced
    quarantined_at TIMESTAMP NOT NULL
)"""


def raw_table(entity: str) -> str:
    """Qualified name of an entity's raw table."""
    return f"{RAW_SCHEMA}.{entity}"


def pii_table(entity: str) -> str:
    """Qualified name of an entity's restricted personal-data table."""
    return f"{RESTRICTED_SCHEMA}.{entity}_pii"


def pii_table_columns(spec: EntitySpec) -> tuple[str, ...]:
    """Canonical columns of `restricted.<entity>_pii`: the business key, then personal data."""
    return spec.business_key + tuple(c.name for c in spec.pii_columns)


def _ensure_table(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]], existing: set[str]
) -> None:
    """Create `table`, or add the columns it lacks (a column added to the contract later)."""
    if not existing:
        body = ", ".join(f"{quote_identifier(col)} {typ}" for col, typ in columns)
        con.execute(f"CREATE TABLE {table} ({body})")
        return
    for col, typ in columns:
        if col not in existing:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {quote_identifier(col)} {typ}")


def ensure_tables(con: duckdb.DuckDBPyConnection, contract: Contract | None = None) -> None:
    """Create every raw, restricted and ledger table that does not exist yet (idempotent)."""
    contract = contract or load_contract()
    for schema in (RAW_SCHEMA, RESTRICTED_SCHEMA, INGEST_SCHEMA):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"CREATE SEQUENCE IF NOT EXISTS {LEDGER_SEQUENCE} START 1")
    con.execute(_LEDGER_DDL)
    con.execute(_QUARANTINE_DDL)
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns "
        "WHERE table_schema IN (?, ?)",
        [RAW_SCHEMA, RESTRICTED_SCHEMA],
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    for spec in contract.entities.values():
        raw_cols = [(c.name, c.type) for c in spec.raw_columns]
        table = raw_table(spec.name)
        _ensure_table(con, table, raw_cols + list(LINEAGE_COLUMNS), existing.get(table, set()))
        if spec.pii_columns:
            pii_cols = [(name, spec.column(name).type) for name in pii_table_columns(spec)]
            table = pii_table(spec.name)
            _ensure_table(con, table, pii_cols + list(LINEAGE_COLUMNS), existing.get(table, set()))
