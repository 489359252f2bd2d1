"""Per-file ingest summary for `empathy run`, and forgetting a file so it can be loaded again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.ingest.contract import Contract, load_contract
from orchestration.ingest.diagnose import unclaimed_files
from orchestration.ingest.tables import LEDGER, QUARANTINE, ensure_tables, pii_table, raw_table
from orchestration.settings import Settings
from orchestration.text.occurrences import forget_occurrences

_MESSAGE_CHARS = 400


def ingest_summary(settings: Settings, since: datetime | None = None) -> list[str]:
    """One line per file the ledger recorded since `since` (all when None), then the landing
    files no mapping claims. Read-only; empty when there is no build database yet."""
    lines: list[str] = []
    if settings.build_db.exists():
        con = duckdb.connect(str(settings.build_db), read_only=True)
        try:
            has_ledger = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ingest' "
                "AND table_name = 'ledger'"
            ).fetchone()[0]
            rows = (
                con.execute(
                    f"SELECT file_path, entity, status, rows_loaded, rows_quarantined, message "
                    f"FROM {LEDGER} WHERE ? IS NULL OR started_at >= ? ORDER BY seq",
                    [since, since],
                ).fetchall()
                if has_ledger
                else []
            )
        finally:
            con.close()
        for path, entity, status, loaded, quarantined, message in rows:
            text = (message or "").replace("\n", " ")
            if len(text) > _MESSAGE_CHARS:
                text = text[: _MESSAGE_CHARS - 3] + "..."
            mark = "REJECTED" if status == "rejected" else status
            if status == "loaded" and (quarantined and not loaded):
                mark = "loaded, ALL ROWS QUARANTINED"
            lines.append(f"  {path} [{entity}] {mark}: {text}")
    lines += [
        f"  {p}: claimed by no mapping, ignored (add it to `files:` in a mapping)"
        for p in unclaimed_files(settings, load_contract())
    ]
    return lines


@dataclass(frozen=True)
class Forgotten:
    """What `forget_file` removed."""

    ledger_rows: int
    raw_rows: int
    quarantined_rows: int


def forget_file(
    con: duckdb.DuckDBPyConnection, label: str, contract: Contract | None = None
) -> Forgotten:
    """Remove a landing file's rows, quarantine rows and ledger entries in one transaction.

    `label` is the path relative to the landing folder, as the ledger shows it. Rows are found
    by the content hashes the ledger loaded from that path.
    """
    contract = contract or load_contract()
    ensure_tables(con, contract)
    con.begin()
    try:
        hashes = [
            h
            for (h,) in con.execute(
                f"SELECT DISTINCT file_hash FROM {LEDGER} "
                "WHERE file_path = ? AND status = 'loaded'",
                [label],
            ).fetchall()
        ]
        raw = 0
        for spec in contract.entities.values():
            tables = [raw_table(spec.name)] + ([pii_table(spec.name)] if spec.pii_columns else [])
            for i, table in enumerate(tables):
                for file_hash in hashes:
                    (n,) = con.execute(
                        f"SELECT count(*) FROM {table} WHERE _file_hash = ?", [file_hash]
                    ).fetchone()
                    con.execute(f"DELETE FROM {table} WHERE _file_hash = ?", [file_hash])
                    raw += n if i == 0 else 0
        forget_occurrences(con, hashes)  # the texts of those rows, so the enrichment follows
        (quarantined,) = con.execute(
            f"SELECT count(*) FROM {QUARANTINE} WHERE file_path = ?", [label]
        ).fetchone()
        con.execute(f"DELETE FROM {QUARANTINE} WHERE file_path = ?", [label])
        (ledger,) = con.execute(
            f"SELECT count(*) FROM {LEDGER} WHERE file_path = ?", [label]
        ).fetchone()
        con.execute(f"DELETE FROM {LEDGER} WHERE file_path = ?", [label])
        con.commit()
    except Exception:
        con.rollback()
        raise
    return Forgotten(ledger, raw, quarantined)
