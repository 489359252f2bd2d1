"""Fingerprints of the marts: what the gate checked must be exactly what is published.

A mart's fingerprint is its row count and the order-independent sum of its rows' hashes.
The dbt step records it for every mart it built, the GX suites record it with every check
result, and the publication compares the copies it is about to swap in with them: a mart
rebuilt by another run in between is refused, never published under this run's gate.
"""

from __future__ import annotations

import duckdb

from orchestration.ingest.sql_text import quote_identifier

METADATA_KEY = "mart_fingerprint"
LEDGER_KEY = "ledger_seq"  # newest ingest ledger entry the marts were built from


# Floating-point results of SQL aggregates can differ in their last bits from one build to
# the next (parallel summation order): content fingerprints and before/after comparisons
# read doubles to 10 significant digits (and below 1e-12 as 0).
STABLE_SIGNIFICANT_DIGITS = 10


def stable_value(column: str, data_type: str, qualifier: str = "") -> str:
    """SQL for a column's value as fingerprints compare it: doubles to 10 significant digits,
    every other type as it is. `qualifier`: the table alias to prefix, if any."""
    value = (f"{qualifier}." if qualifier else "") + quote_identifier(column)
    if data_type not in ("DOUBLE", "FLOAT", "REAL"):
        return value
    return (
        f"CASE WHEN NOT isfinite({value}) THEN {value} WHEN abs({value}) < 1e-12 THEN 0 "
        f"ELSE round({value}, {STABLE_SIGNIFICANT_DIGITS - 1} - "
        f"CAST(floor(log10(abs({value}))) AS INTEGER)) END"
    )


class MartsChanged(RuntimeError):
    """The marts differ from the ones this run's gate checked; nothing was published."""


def mart_fingerprints(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, tables: list[str] | None = None
) -> dict[str, str]:
    """`table -> fingerprint` for the tables of `catalog.schema` (or only `tables`)."""
    names = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "AND NOT regexp_matches(table_name, '__dbt_(tmp|backup)$') ORDER BY table_name",
            [catalog, schema],
        ).fetchall()
    ]
    wanted = names if tables is None else [n for n in names if n in set(tables)]
    digest = 'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {}.{}."{}" t'
    return {
        name: "{}:{}".format(*con.execute(digest.format(catalog, schema, name)).fetchone())
        for name in wanted
    }


def compare(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Marts whose fingerprint differs from (or is missing against) the expected one."""
    return sorted(t for t, fp in expected.items() if actual.get(t) != fp)


def newest_ledger_seq(con: duckdb.DuckDBPyConnection, catalog: str) -> int | None:
    """The newest ingest ledger entry of the database (None without a ledger)."""
    exists = con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'ingest' "
        "AND table_name = 'ledger'",
        [catalog],
    ).fetchall()
    if not exists:
        return None
    return con.execute(f"SELECT max(seq) FROM {catalog}.ingest.ledger").fetchone()[0]
