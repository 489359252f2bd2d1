"""The build database's source schemas as Parquet files, the way a Spark cluster would read them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.portability.spark_paths import SOURCE_SCHEMAS


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_sources(
    build_db: Path, out_dir: Path, schemas: tuple[str, ...] = SOURCE_SCHEMAS
) -> dict[str, Path]:
    """Every table of `schemas` in `build_db` as `<out_dir>/<schema>/<table>/data.parquet`.

    One folder per table (Spark's table location). Returns the folders by qualified name
    (`schema.table`). Uses DuckDB's COPY ... TO (FORMAT
    PARQUET); timestamps are written as microseconds, which Spark reads without a time zone
    shift (its session time zone is UTC).
    """
    files: dict[str, Path] = {}
    with duckdb.connect(str(build_db), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in (select unnest(?)) "
            "order by 1, 2",
            [list(schemas)],
        ).fetchall()
        for schema, table in tables:
            folder = out_dir / schema / table
            path = folder / "data.parquet"
            folder.mkdir(parents=True, exist_ok=True)
            con.execute(
                f'copy "{schema}"."{table}" to {_quoted(path)} (format parquet, compression zstd)'
            )
            files[f"{schema}.{table}"] = folder
    return files
