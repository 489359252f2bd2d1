"""Read-only access to the published serving file, the scorecard's only data source."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

# Publication may copy the marts into the serving file's default schema or keep `marts`.
_SCHEMAS = ("main", "marts")


class ServingFile:
    """A read-only connection to the serving file; tables are found in `main` or `marts`.

    Use as a context manager and read what the page needs at once: the connection is a
    snapshot, and closing it promptly never holds up the next publication.
    """

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"no published serving file at {path}; run the pipeline first")
        self._con = duckdb.connect(str(path), read_only=True)
        rows = self._con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = current_database()"
        ).fetchall()
        self._tables: dict[str, str] = {}
        for schema in reversed(_SCHEMAS):
            for table_schema, table_name in rows:
                if table_schema == schema:
                    self._tables[table_name] = f'"{schema}"."{table_name}"'

    def __enter__(self) -> ServingFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._con.close()

    def has(self, table: str) -> bool:
        """Whether the publication carries this table."""
        return table in self._tables

    def missing(self, *tables: str) -> str | None:
        """Why a section needing these tables cannot be shown, or None when all are there."""
        absent = [t for t in tables if not self.has(t)]
        return f"not in this publication: {', '.join(absent)}" if absent else None

    def query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        """Run SQL in which `{table_name}` placeholders name published tables.

        Raises KeyError when a named table is not published; use :meth:`has` first for
        optional tables.
        """
        return self._con.execute(sql.format_map(self._tables), params or []).df()
