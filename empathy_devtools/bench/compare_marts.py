"""Are two build databases' marts the same? `EXCEPT ALL` both ways on every mart table.

    python -m empathy_devtools.bench.compare_marts BEFORE.duckdb AFTER.duckdb

Prints one line per table (rows, rows only in one side, only in the other) and exits 1 when a
table differs or exists on one side only. Used to prove that a performance change left the
marts exactly as they were (docs/benchmarks/before_after.md).

Two things differ between any two builds of the same data and are left out: the times a
run stamps (`RUN_TIME_COLUMNS`: when a model was fitted or trained, when a text was scored),
and the last bits of floating-point sums, whose order DuckDB's parallel aggregation does not
fix (DOUBLE and FLOAT columns are compared to 10 significant digits, as the publication's
content fingerprint reads them: `stable_value`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from orchestration.publish.fingerprints import stable_value
from orchestration.settings import MARTS_SCHEMA

RUN_TIME_COLUMNS = frozenset({"fitted_at", "trained_at", "text_scored_at"})


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
        [catalog, MARTS_SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


def _select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The table's columns as compared: run times left out, doubles to 10 significant digits."""
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'b' "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [MARTS_SCHEMA, table],
    ).fetchall()
    kept = [(name, kind) for name, kind in columns if name not in RUN_TIME_COLUMNS]
    return ", ".join(stable_value(name, kind) for name, kind in kept)


def compare(before: Path, after: Path) -> dict[str, tuple[int, int, int] | None]:
    """`table -> (rows before, rows only before, rows only after)`; None: on one side only."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS b (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS a (READ_ONLY)")
    left, right = _tables(con, "b"), _tables(con, "a")
    found: dict[str, tuple[int, int, int] | None] = {t: None for t in left ^ right}
    for table in sorted(left & right):
        b, a = f"b.{MARTS_SCHEMA}.{table}", f"a.{MARTS_SCHEMA}.{table}"
        cols = _select(con, table)
        rows = con.execute(f"SELECT count(*) FROM {b}").fetchone()[0]
        only_b, only_a = (
            con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {x} EXCEPT ALL SELECT {cols} FROM {y})"
            ).fetchone()[0]
            for x, y in ((b, a), (a, b))
        )
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
