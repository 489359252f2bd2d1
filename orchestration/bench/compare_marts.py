"""Are two build databases' marts the same? `EXCEPT ALL` both ways on every mart table.

    python -m orchestration.bench.compare_marts BEFORE.duckdb AFTER.duckdb

Prints one line per table (rows, rows only in one side, only in the other) and exits 1 when a
table differs or exists on one side only. Used to prove that a performance change left the
marts exactly as they were (docs/benchmarks/before_after.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from orchestration.settings import MARTS_SCHEMA


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
        [catalog, MARTS_SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


def compare(before: Path, after: Path) -> dict[str, tuple[int, int, int] | None]:
    """`table -> (rows before, rows only before, rows only after)`; None: on one side only."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS b (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS a (READ_ONLY)")
    left, right = _tables(con, "b"), _tables(con, "a")
    found: dict[str, tuple[int, int, int] | None] = {t: None for t in left ^ right}
    for table in sorted(left & right):
        b, a = f"b.{MARTS_SCHEMA}.{table}", f"a.{MARTS_SCHEMA}.{table}"
        rows = con.execute(f"SELECT count(*) FROM {b}").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM (FROM {b} EXCEPT ALL FROM {a})").fetchone()[0]
        only_a = con.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})").fetchone()[0]
        found[table] = (rows, only_b, only_a)
    con.close()
    return found


def main(argv: list[str]) -> int:
    before, after = (Path(p) for p in argv)
    results = compare(before, after)
    differing = 0
    for table, result in sorted(results.items()):
        if result is None:
            print(f"{table}: on one side only")
            differing += 1
            continue
        rows, only_before, only_after = result
        differing += bool(only_before or only_after)
        print(f"{table}: {rows} rows, {only_before} only before, {only_after} only after")
    print(f"{len(results)} mart tables, {differing} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
