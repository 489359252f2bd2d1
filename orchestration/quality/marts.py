"""Validate the published marts of the build database against their suites.

Marts are aggregates (one row per grain and value), so each is read whole into pandas; a
row-level mart whose suite checks only its schema is read without rows.
Suites may use two parameters: `data_horizon`, the newest `period_start` in any mart (a mart
far behind it comes from a stale source), and GX's built-in `now()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb

from orchestration.quality.runner import Outcome, validate_frame
from orchestration.quality.suites import Suite
from orchestration.settings import MARTS_SCHEMA


def mart_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables of the `marts` schema."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
        [MARTS_SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


def data_horizon(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The newest `period_start` across the marts (today when no mart has periods)."""
    tables = con.execute(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = ? AND column_name = 'period_start'",
        [MARTS_SCHEMA],
    ).fetchall()
    if not tables:
        return dt.date.today()
    union = " UNION ALL ".join(
        f'SELECT max(period_start)::DATE AS d FROM {MARTS_SCHEMA}."{name}"' for (name,) in tables
    )
    (latest,) = con.execute(f"SELECT max(d) FROM ({union})").fetchone()
    return latest or dt.date.today()


# Expectations about a table's columns, not its values: a suite of only these reads no rows,
# so a row-level mart (the journey fact, growing with every touchpoint) is never loaded whole.
SCHEMA_RULES = frozenset(
    {
        "expect_column_to_exist",
        "expect_table_columns_to_match_set",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_column_count_to_equal",
        "expect_table_column_count_to_be_between",
    }
)


def _frame_sql(table: str, suite: Suite) -> str:
    """The mart's rows, or none when every rule is about its schema."""
    limit = " LIMIT 0" if all(rule.type in SCHEMA_RULES for rule in suite.rules) else ""
    return f'SELECT * FROM {MARTS_SCHEMA}."{table}"{limit}'


def _missing_table(suite: Suite) -> list[Outcome]:
    error = f"table {MARTS_SCHEMA}.{suite.target} does not exist in the build database"
    return [
        Outcome(suite.name, rule.name, rule.severity, rule.type, False, None, None, error)
        for rule in suite.rules
    ]


def validate_marts(
    con: duckdb.DuckDBPyConnection, suites: Mapping[str, Suite]
) -> dict[str, list[Outcome]]:
    """Outcomes per mart table for every suite given; a missing table fails every rule."""
    present = mart_tables(con)
    parameters = {"data_horizon": data_horizon(con).isoformat()}
    outcomes = {}
    for table, suite in suites.items():
        if table not in present:
            outcomes[table] = _missing_table(suite)
            continue
        frame = con.execute(_frame_sql(table, suite)).df()
        outcomes[table] = validate_frame(suite, frame, parameters)
    return outcomes
