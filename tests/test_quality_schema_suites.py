"""A mart suite of only schema rules reads no rows: the journey fact grows with every
touchpoint, and its values are checked on its bounded daily summary instead."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.quality.marts import _frame_sql, validate_marts
from orchestration.quality.suites import Rule, Suite


def _suite(*rules: Rule) -> Suite:
    return Suite(kind="marts", target="t", private=False, rules=rules)


def test_a_schema_only_suite_reads_no_rows(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.t AS SELECT -1 AS n, 'a' AS k FROM range(3)")
        columns = Rule(
            "columns", "blocking", "expect_table_columns_to_match_set",
            {"column_set": ["n", "k"], "exact_match": True}, "test",
        )  # fmt: skip
        values = Rule(
            "n_positive", "blocking", "expect_column_values_to_be_between",
            {"column": "n", "min_value": 0}, "test",
        )  # fmt: skip
        schema_only = validate_marts(con, {"t": _suite(columns)})["t"]
        with_values = validate_marts(con, {"t": _suite(columns, values)})["t"]
    assert [(o.name, o.passed) for o in schema_only] == [("columns", True)]
    assert _frame_sql("t", _suite(columns)).endswith("LIMIT 0")
    assert [(o.name, o.passed, o.unexpected_count) for o in with_values] == [
        ("columns", True, None),
        ("n_positive", False, 3),
    ]
