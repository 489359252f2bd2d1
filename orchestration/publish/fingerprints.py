"""Fingerprints of the marts: what the gate checked must be exactly what is published.

A mart's fingerprint is its row count and the order-independent sum of its rows' hashes.
The dbt step records it for every mart it built, the GX suites record it with every check
result, and the publication compares the copies it is about to swap in with them: a mart
rebuilt by another run in between is refused, never published under this run's gate.
"""

from __future__ import annotations

import duckdb

METADATA_KEY = "mart_fingerprint"


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
