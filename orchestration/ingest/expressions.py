"""A mapping's `sql:` value must be one scalar SQL expression over the export's columns.

It is parsed by DuckDB's own parser (`json_serialize_sql`) before any export is read: a
second statement, a subquery (the only way to reach a table or a table function such as
`read_text`), a `*`, a query parameter (the pseudonym key's pads are passed as parameters)
or anything but a bare expression is a mapping error naming the column. Evaluation then runs
on a connection whose file access is limited (`orchestration.ingest.sandbox`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import duckdb

_FORBIDDEN_CLASSES = {"SUBQUERY": "a subquery", "STAR": "a `*`", "PARAMETER": "a parameter"}
_EMPTY_CLAUSES = ("where_clause", "having", "qualify", "sample")


def _nodes(tree: Any) -> Iterator[dict]:
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value)


def expression_problem(sql: str) -> str | None:
    """Why `sql` is not a single scalar expression, or None when it is."""
    with duckdb.connect() as con:
        (serialized,) = con.execute("SELECT json_serialize_sql(?)", ["SELECT " + sql]).fetchone()
    parsed = json.loads(serialized)
    if parsed.get("error") and "Only SELECT" in parsed.get("error_message", ""):
        return "it holds a statement (such as COPY) besides the expression; write one expression"
    if parsed.get("error"):
        return f"it is not a valid SQL expression ({parsed.get('error_message', 'parse error')})"
    statements = parsed.get("statements", [])
    if len(statements) != 1:
        return "it holds more than one statement; write one expression"
    node = statements[0]["node"]
    if node.get("type") != "SELECT_NODE" or len(node.get("select_list", [])) != 1:
        return "it must be exactly one expression (no list of values)"
    from_table = node.get("from_table") or {}
    if (
        from_table.get("type") != "EMPTY"
        or any(node.get(k) for k in _EMPTY_CLAUSES)
        or (
            node.get("group_expressions")
            or node.get("modifiers")
            or (node.get("cte_map") or {}).get("map")
        )
    ):
        return "it must be an expression only (no FROM, WHERE, GROUP BY, ORDER BY, LIMIT or WITH)"
    for found in _nodes(node["select_list"]):
        what = _FORBIDDEN_CLASSES.get(found.get("class", ""))
        if what:
            return f"it contains {what}; only the export's columns, constants and functions"
    return None
