"""Validate the published marts of the build database against their suites.

Marts are aggregates (one row per grain and value), so each is read whole into pandas; a
row-level mart whose suite checks only its schema is read without rows.
Suites may use two parameters: `data_horizon` and GX's built-in `now()`. A mart's
`data_horizon` is the newest `period_start` among the marts built from the same export
sources (its source family, from the dbt manifest's lineage down to `raw.*`): each source is
judged against its own newest data, so a review dated yesterday says nothing about surveys
that arrive monthly, while a survey mart far behind the other survey marts is still stale.
Without a manifest every mart is one family (the newest data in any mart).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import duckdb
import pandas as pd

from orchestration.quality.gx_validation import Outcome, validate_frame
from orchestration.quality.suites import Suite
from orchestration.settings import DBT_PROJECT_DIR, MARTS_SCHEMA, RAW_SCHEMA

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def mart_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables of the `marts` schema."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
        [MARTS_SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


@cache
def _source_families(manifest_mtime: float) -> dict[str, frozenset[str]]:
    """`mart name -> export sources upstream of it` from the dbt manifest."""
    from orchestration.ingest.contract import load_contract

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entities = load_contract().entities
    nodes = manifest.get("nodes", {})
    found: dict[str, frozenset[str]] = {}

    def sources_of(unique_id: str, seen: set[str]) -> set[str]:
        if unique_id in seen:
            return set()
        seen.add(unique_id)
        if unique_id.startswith("source."):
            parts = unique_id.split(".")
            if parts[-2] == RAW_SCHEMA and parts[-1] in entities:
                return {entities[parts[-1]].source}
            return set()
        node = nodes.get(unique_id, {})
        out: set[str] = set()
        for parent in node.get("depends_on", {}).get("nodes", []):
            out |= sources_of(parent, seen)
        return out

    for unique_id, node in nodes.items():
        if node.get("resource_type") == "model" and node.get("schema", "").endswith(MARTS_SCHEMA):
            found[node["name"]] = frozenset(sources_of(unique_id, set()))
    return found


def source_families() -> dict[str, frozenset[str]]:
    """`mart -> its export sources`; empty when the dbt manifest is not there."""
    if not MANIFEST.exists():
        return {}
    return _source_families(MANIFEST.stat().st_mtime)


def _period_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = ? AND column_name = 'period_start'",
            [MARTS_SCHEMA],
        ).fetchall()
    ]


def _newest_periods(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date | None]:
    """The newest `period_start` of every mart that has one, in one query."""
    tables = _period_tables(con)
    if not tables:
        return {}
    union = " UNION ALL ".join(
        f"SELECT '{name}' AS mart, max(period_start)::DATE AS newest FROM {MARTS_SCHEMA}.\"{name}\""
        for name in tables
    )
    return dict(con.execute(union).fetchall())


def family_of(table: str, candidates: Iterable[str]) -> list[str]:
    """The marts among `candidates` built from exactly the same export sources as `table`."""
    families = source_families()
    if table not in families:
        return list(candidates)
    return [t for t in candidates if families.get(t) == families[table]]


def _horizon(newest: Mapping[str, dt.date | None], tables: Iterable[str]) -> dt.date:
    dates = [newest[name] for name in tables if newest.get(name) is not None]
    return max(dates) if dates else dt.date.today()


def data_horizon(con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None) -> dt.date:
    """The newest `period_start` across the marts (or `tables`); today when none has periods."""
    newest = _newest_periods(con)
    return _horizon(newest, newest if tables is None else tables)


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


@dataclass(frozen=True)
class MartBatch:
    """One mart as its suite reads it: the frame (None when the table is missing) and the
    suite's parameters."""

    suite: Suite
    frame: pd.DataFrame | None
    parameters: Mapping[str, str]

    def cost(self) -> float:
        """GX's time for it, in rules: each rule costs about the same plus its rows' share
        (about 15 ms a rule, and a 200,000-row frame adds about 250 ms to each)."""
        rows = 0 if self.frame is None else len(self.frame)
        return len(self.suite.rules) * (1 + rows / 12_000)


def _missing_table(suite: Suite) -> list[Outcome]:
    error = f"table {MARTS_SCHEMA}.{suite.target} does not exist in the build database"
    return [
        Outcome(suite.name, rule.name, rule.severity, rule.type, False, None, None, error)
        for rule in suite.rules
    ]


def read_marts(con: duckdb.DuckDBPyConnection, suites: Mapping[str, Suite]) -> dict[str, MartBatch]:
    """What each suite validates, read from the database (in the suites' order)."""
    present = mart_tables(con)
    newest = _newest_periods(con)
    batches = {}
    for table, suite in suites.items():
        if table not in present:
            batches[table] = MartBatch(suite, None, {})
            continue
        horizon = _horizon(newest, family_of(table, newest))
        frame = con.execute(_frame_sql(table, suite)).df()
        batches[table] = MartBatch(suite, frame, {"data_horizon": horizon.isoformat()})
    return batches


def validate_batch(batch: MartBatch) -> list[Outcome]:
    """The suite's outcomes on its mart; a missing table fails every rule."""
    if batch.frame is None:
        return _missing_table(batch.suite)
    return validate_frame(batch.suite, batch.frame, batch.parameters)


def validate_marts(
    con: duckdb.DuckDBPyConnection, suites: Mapping[str, Suite]
) -> dict[str, list[Outcome]]:
    """Outcomes per mart table for every suite given; a missing table fails every rule."""
    return {table: validate_batch(batch) for table, batch in read_marts(con, suites).items()}
