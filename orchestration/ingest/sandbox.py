"""Mapping expressions run with the connection's file access limited to the pipeline's folders.

After :func:`restrict_file_access`, the connection can read and write only inside the given
folders (the landing folder, the build database's folder), and its configuration is locked:
no mapping expression can read `/etc/passwd` or `COPY ... TO` elsewhere, even if one got past
the single-expression check of `orchestration.ingest.expressions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.ingest.sql_text import sql_literal


def restrict_file_access(con: duckdb.DuckDBPyConnection, folders: Iterable[Path]) -> None:
    """Allow file access only under `folders`, disable all other access, lock the settings.

    Idempotent: a connection already locked is left as it is.
    """
    (locked,) = con.execute("SELECT current_setting('lock_configuration')").fetchone()
    if str(locked).lower() == "true":
        return
    allowed = []
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        allowed.append(sql_literal(str(folder.resolve()) + "/"))
    con.execute(f"SET allowed_directories = [{', '.join(allowed)}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
