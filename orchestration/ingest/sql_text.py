"""Small helpers for writing SQL text safely, and for reporting database errors without values."""

from __future__ import annotations

import re


def sql_literal(value: str) -> str:
    """`value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    """`name` as a quoted SQL identifier (any header name is a valid column name)."""
    return '"' + name.replace('"', '""') + '"'


def column_list(names: tuple[str, ...] | list[str]) -> str:
    """Comma-separated quoted identifiers."""
    return ", ".join(quote_identifier(n) for n in names)


def redact(error: Exception) -> str:
    """First line of a database error with quoted literals removed (they may hold values)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return re.sub(r"'[^']*'", "'…'", first)
