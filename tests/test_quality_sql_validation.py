"""The raw suites in DuckDB SQL give Great Expectations' outcomes, batch for batch.

Each batch is a DuckDB table with the contract's raw columns and types; the SQL path reads
the table, the reference (GX 1.x, tests only) reads the frame the loader used to build from
it (`.df()`). For every rule of every raw suite, batches with 0..all rows failing it, with
missing values mixed in, and empty batches must give identical outcomes (passed, element and
unexpected counts, note), both as the suite is (private suites: no counts) and made public.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from orchestration.ingest import load_contract
from orchestration.ingest.contract import EntitySpec
from orchestration.ingest.sql_text import column_list, quote_identifier
from orchestration.quality.batch import raw_suites, validate_batch
from orchestration.quality.gx_validation import Outcome, validate_frame
from orchestration.quality.sql_validation import UnsupportedExpectation, compile_suite, evaluate
from orchestration.quality.suites import Rule, Suite, load_suites

ROWS = 10
FAILING = (
    0,
    1,
    2,
    4,
    5,
    6,
    9,
    10,
)  # rows of ROWS failing the rule (and mostly thresholds hit exactly)
_START = dt.datetime(2024, 1, 1, 9, 30)


def _good(entity: EntitySpec, suite: Suite, column: str, typ: str, i: int) -> object:
    """A value every rule of the suite accepts."""
    for rule in suite.rules:
        if rule.kwargs.get("column") == column and "value_set" in rule.kwargs:
            values = rule.kwargs["value_set"]
            return values[i % len(values)]
    if typ in ("DATE", "TIMESTAMP"):
        value = _START + dt.timedelta(days=i)
        return value.date() if typ == "DATE" else value
    return {"INTEGER": i, "DOUBLE": i + 0.5, "BOOLEAN": i % 2 == 0}.get(typ, f"{column}_{i}")


def _bad(rule: Rule, typ: str, row: dict[str, object], i: int) -> None:
    """Make `row` fail `rule` (the 1st, 3rd... also with a missing value in another spot)."""
    kwargs = rule.kwargs
    column = kwargs.get("column")
    if rule.type == "expect_column_values_to_be_between":
        when = dt.datetime(2091, 12, 3) if "max_value" in kwargs else dt.datetime(1900, 1, 1)
        row[column] = when.date() if typ == "DATE" else when
    elif rule.type == "expect_column_values_to_not_be_null":
        row[column] = None
    elif rule.type == "expect_column_values_to_be_in_set":
        row[column] = "unknown"
    elif rule.type == "expect_column_values_to_be_unique":
        row[column] = "same" if i % 3 else None
    elif rule.type == "expect_column_pair_values_a_to_be_greater_than_b":
        start = row[kwargs["column_B"]]
        row[kwargs["column_A"]] = start - dt.timedelta(days=30) if i % 4 else start
        if i == 5:
            row[kwargs["column_A"]] = None


def _rows(entity: EntitySpec, suite: Suite, rule: Rule, failing: int) -> list[dict]:
    types = {c.name: c.type for c in entity.raw_columns}
    rows = []
    for i in range(ROWS):
        row = {c: _good(entity, suite, c, t, i) for c, t in types.items()}
        column = rule.kwargs.get("column")
        if column and i == ROWS - 1 and failing < ROWS:
            row[column] = None  # a missing value among the good rows
        if i < failing:
            _bad(rule, types.get(rule.kwargs.get("column") or rule.kwargs.get("column_A")), row, i)
        rows.append(row)
    if rule.type == "expect_column_values_to_be_unique" and failing == 0:
        rows[0][rule.kwargs["column"]] = rows[1][rule.kwargs["column"]] = None
    return rows


def _table(con: duckdb.DuckDBPyConnection, entity: EntitySpec, rows: list[dict]) -> str:
    columns = entity.raw_columns
    defs = ", ".join(f"{quote_identifier(c.name)} {c.type}" for c in columns)
    con.execute(f"CREATE OR REPLACE TABLE batch ({defs})")
    if rows:
        marks = ", ".join("?" for _ in columns)
        con.executemany(
            f"INSERT INTO batch VALUES ({marks})", [[r[c.name] for c in columns] for r in rows]
        )
    return "batch"


def _cases() -> Iterator[tuple[str, str, int]]:
    for entity, suite in load_suites("raw").items():
        for rule in suite.rules:
            counts = (0,) if rule.type == "expect_table_row_count_to_be_between" else FAILING
            for failing in counts:
                yield entity, rule.name, failing


def _key(outcomes: list[Outcome]) -> list[tuple]:
    return [
        (o.name, o.passed, o.element_count, o.unexpected_count, o.note, o.severity)
        for o in outcomes
    ]


def _both(con: duckdb.DuckDBPyConnection, entity: EntitySpec, suite: Suite) -> None:
    frame = con.execute(
        f"SELECT {column_list([c.name for c in entity.raw_columns])} FROM batch"
    ).df()
    for variant in (suite, dataclasses.replace(suite, private=not suite.private)):
        rows, sql = evaluate(compile_suite(variant), con, "batch")
        assert rows == len(frame)
        assert _key(sql) == _key(validate_frame(variant, frame)), variant.name


@pytest.mark.parametrize(("entity", "rule_name", "failing"), list(_cases()))
def test_sql_outcomes_equal_great_expectations(entity: str, rule_name: str, failing: int) -> None:
    spec = load_contract().entities[entity]
    suite = load_suites("raw")[entity]
    rule = next(r for r in suite.rules if r.name == rule_name)
    with duckdb.connect() as con:
        _table(con, spec, _rows(spec, suite, rule, failing))
        _both(con, spec, suite)


@pytest.mark.parametrize("entity", sorted(load_suites("raw")))
def test_empty_batches_and_empty_columns_equal_great_expectations(entity: str) -> None:
    spec = load_contract().entities[entity]
    suite = load_suites("raw")[entity]
    with duckdb.connect() as con:
        _table(con, spec, [])
        _both(con, spec, suite)
        rows = _rows(spec, suite, suite.rules[0], 0)
        for row in rows:  # every value missing, except what keeps rows apart
            row.update({c.name: None for c in spec.raw_columns if c.name not in spec.business_key})
        _table(con, spec, rows)
        _both(con, spec, suite)


def test_skip_if_empty_rules_equal_great_expectations() -> None:
    rules = (
        Rule(
            "rows",
            "warning",
            "expect_table_row_count_to_be_between",
            {"min_value": 1},
            "t",
            skip_if_empty=True,
        ),
        Rule(
            "fresh",
            "blocking",
            "expect_column_values_to_be_between",
            {"column": "seen_at", "min_value": "2024-01-01T00:00:00"},
            "t",
            skip_if_empty=True,
        ),
    )
    suite = Suite(kind="raw", target="t", private=False, rules=rules)
    with duckdb.connect() as con:
        for values in ([], [None, None], [None, _START], [_START - dt.timedelta(days=400)]):
            con.execute("CREATE OR REPLACE TABLE batch (seen_at TIMESTAMP)")
            for value in values:
                con.execute("INSERT INTO batch VALUES (?)", [value])
            frame = con.execute("SELECT seen_at FROM batch").df()
            assert _key(evaluate(compile_suite(suite), con, "batch")[1]) == _key(
                validate_frame(suite, frame)
            )


def test_one_query_per_file_for_a_whole_suite() -> None:
    spec = load_contract().entities["survey_responses"]
    suite = raw_suites()["survey_responses"]
    with duckdb.connect() as con:
        _table(con, spec, _rows(spec, suite.suite, suite.suite.rules[1], 2))
        queries = []
        real = con.execute

        class Spy:
            def execute(self, query: str, *args: object) -> object:
                queries.append(query)
                return real(query, *args)

        evaluate(suite, Spy(), "batch")  # type: ignore[arg-type]
        assert len(queries) == 1


def test_every_raw_suite_compiles_and_an_unknown_expectation_fails_at_load() -> None:
    assert set(raw_suites()) == set(load_contract().entities)
    regex = Rule(
        "code_format",
        "warning",
        "expect_column_values_to_match_regex",
        {"column": "code", "regex": "^A"},
        "t",
    )
    with pytest.raises(UnsupportedExpectation, match=r"code_format.*no SQL translation"):
        compile_suite(Suite(kind="raw", target="t", private=False, rules=(regex,)))
    odd = Rule(
        "x",
        "warning",
        "expect_column_values_to_not_be_null",
        {"column": "code", "row_condition": "code > 1"},
        "t",
    )
    with pytest.raises(UnsupportedExpectation, match="row_condition"):
        compile_suite(Suite(kind="raw", target="t", private=False, rules=(odd,)))
    params = Rule(
        "x",
        "warning",
        "expect_column_values_to_be_between",
        {"column": "at", "max_value": {"$PARAMETER": "data_horizon"}},
        "t",
    )
    with pytest.raises(UnsupportedExpectation, match="parameter"):
        compile_suite(Suite(kind="raw", target="t", private=False, rules=(params,)))


def test_a_rule_on_a_missing_column_fails_alone_without_values() -> None:
    rules = (
        Rule("rows", "warning", "expect_table_row_count_to_be_between", {"min_value": 1}, "t"),
        Rule("gone", "blocking", "expect_column_values_to_not_be_null", {"column": "nope"}, "t"),
    )
    with duckdb.connect() as con:
        con.execute("CREATE TABLE batch AS SELECT 'jane@example.com' AS email")
        for private in (False, True):
            suite = Suite(kind="raw", target="t", private=private, rules=rules)
            rows, (ok, gone) = evaluate(compile_suite(suite), con, "batch")
            assert rows == 1 and ok.passed and not gone.passed and gone.note
            assert "jane" not in gone.note
            assert (gone.note == "the expectation could not be evaluated") is private


def test_the_hook_reads_the_rows_through_sql() -> None:
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE t AS SELECT * FROM (VALUES ('i1', 'chat', NULL, 'billing', "
            "TIMESTAMP '2024-03-01'), ('i2', 'chat', 'agent', NULL, TIMESTAMP '2091-01-01')) "
            "AS v(interaction_id, channel, handled_by, interaction_type, opened_at)"
        )
        verdict = validate_batch("interactions", con, "(SELECT * FROM t)")
    assert verdict.blocking and "opened_at_not_in_future (blocking): 1 of 2 rows" in verdict.message
