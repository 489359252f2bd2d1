"""Run a raw suite as one DuckDB query over a file's rows, with Great Expectations' semantics.

The suite files stay the single source of the rules (GX 1.x JSON); this module translates
each expectation type into SQL aggregates (`compile_suite`, at load: an unknown type or
keyword fails loudly) and evaluates a whole suite in one query per file, so no frame of the
file is built. Counts and verdicts equal `gx_validation.validate_frame`'s (proved against GX
in tests/test_quality_sql_validation.py): rows with a missing value are not considered by
value rules, `mostly` is judged on the considered rows with GX's float formula, private
suites report no counts, and only counts leave this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from orchestration.ingest.sql_text import quote_identifier, redact, sql_literal
from orchestration.quality.gx_validation import Outcome
from orchestration.quality.suites import Rule, Suite

_EMPTY = "not evaluated: no rows (the source sent nothing)"
_PRIVATE_ERROR = "the expectation could not be evaluated"
_NOW = re.compile(
    r"^\s*now\(\)\s*(?:(?P<sign>[+-])\s*timedelta\(\s*(?P<unit>days|hours|minutes)"
    r"\s*=\s*(?P<amount>\d+)\s*\)\s*)?$"
)


class UnsupportedExpectation(ValueError):
    """A suite rule the SQL engine cannot evaluate exactly: fails at load, never skipped."""


@dataclass(frozen=True)
class _Check:
    """One rule as SQL: counts it needs, and how GX turns them into a verdict."""

    rule: Rule
    # SQL expressions over the batch (aliased `_batch`): rows considered, rows unexpected.
    considered: str | None  # None: a table-level rule (row count)
    unexpected: str | None
    window: str | None = None  # an extra column computed over the batch (uniqueness)
    row_count: tuple[int | None, int | None] | None = None  # table rule: (min, max)
    mostly: float = 1.0
    parameterized: tuple[str, ...] = ()  # kwargs naming `$PARAMETER`s, in `unexpected`


@dataclass(frozen=True)
class CompiledSuite:
    """A suite translated to SQL; `evaluate` runs it on one relation."""

    suite: Suite
    checks: tuple[_Check, ...]


def _reject(suite: Suite, rule: Rule, problem: str) -> UnsupportedExpectation:
    return UnsupportedExpectation(
        f"{suite.name}: expectation {rule.name!r} ({rule.type}) {problem}. The raw suites are "
        "evaluated in DuckDB SQL (orchestration/quality/sql_validation.py): translate the "
        "type there (with a test against Great Expectations) or use a supported one."
    )


def _column(suite: Suite, rule: Rule, key: str = "column") -> str:
    value = rule.kwargs.get(key)
    if not isinstance(value, str) or not value:
        raise _reject(suite, rule, f"needs `{key}`")
    return quote_identifier(value)


def _mostly(suite: Suite, rule: Rule) -> float:
    mostly = rule.kwargs.get("mostly", 1.0)
    if not isinstance(mostly, int | float) or not 0 <= mostly <= 1:
        raise _reject(suite, rule, "has a `mostly` outside 0..1")
    return float(mostly)


def _bound(suite: Suite, rule: Rule, key: str) -> str | None:
    """A bound as SQL: a literal (DuckDB casts it to the column's type) or a `now()` marker."""
    value = rule.kwargs.get(key)
    if value is None:
        return None
    if isinstance(value, dict):
        expression = value.get("$PARAMETER")
        if not isinstance(expression, str) or not _NOW.match(expression) or len(value) != 1:
            raise _reject(suite, rule, f"has a `{key}` parameter other than now() +/- timedelta")
        return "{" + key + "}"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _reject(suite, rule, f"has a `{key}` that is not a number, text or parameter")
    return sql_literal(value) if isinstance(value, str) else repr(value)


def _between(suite: Suite, rule: Rule) -> _Check:
    column = _column(suite, rule)
    low, high = _bound(suite, rule, "min_value"), _bound(suite, rule, "max_value")
    if low is None and high is None:
        raise _reject(suite, rule, "needs `min_value` or `max_value`")
    inside = []
    if low is not None:
        inside.append(f"{column} {'>' if rule.kwargs.get('strict_min') else '>='} {low}")
    if high is not None:
        inside.append(f"{column} {'<' if rule.kwargs.get('strict_max') else '<='} {high}")
    parameterized = tuple(
        k for k in ("min_value", "max_value") if isinstance(rule.kwargs.get(k), dict)
    )
    return _Check(
        rule,
        considered=f"{column} IS NOT NULL",
        unexpected=f"{column} IS NOT NULL AND NOT ({' AND '.join(inside)})",
        mostly=_mostly(suite, rule),
        parameterized=parameterized,
    )


def _not_null(suite: Suite, rule: Rule) -> _Check:
    column = _column(suite, rule)
    return _Check(rule, "TRUE", f"{column} IS NULL", mostly=_mostly(suite, rule))


def _in_set(suite: Suite, rule: Rule) -> _Check:
    column = _column(suite, rule)
    values = rule.kwargs.get("value_set")
    if not isinstance(values, list) or not values:
        raise _reject(suite, rule, "needs a non-empty `value_set`")
    if not all(isinstance(v, str) for v in values):
        raise _reject(suite, rule, "has a `value_set` with values other than text")
    members = ", ".join(sql_literal(v) for v in values)
    return _Check(
        rule,
        considered=f"{column} IS NOT NULL",
        unexpected=f"{column} IS NOT NULL AND {column} NOT IN ({members})",
        mostly=_mostly(suite, rule),
    )


def _unique(suite: Suite, rule: Rule, index: int) -> _Check:
    column = _column(suite, rule)
    copies = f"_copies_{index}"
    return _Check(
        rule,
        considered=f"{column} IS NOT NULL",
        unexpected=f"{column} IS NOT NULL AND {copies} > 1",
        window=f"count({column}) OVER (PARTITION BY {column}) AS {copies}",
        mostly=_mostly(suite, rule),
    )


def _pair_greater(suite: Suite, rule: Rule) -> _Check:
    a, b = _column(suite, rule, "column_A"), _column(suite, rule, "column_B")
    if rule.kwargs.get("ignore_row_if") != "either_value_is_missing":
        # GX compares a present value with a missing one as unexpected; SQL would not.
        raise _reject(suite, rule, "needs `ignore_row_if: either_value_is_missing`")
    kept = f"{a} IS NOT NULL AND {b} IS NOT NULL"
    greater = ">=" if rule.kwargs.get("or_equal") else ">"
    return _Check(
        rule,
        considered=kept,
        unexpected=f"{kept} AND NOT ({a} {greater} {b})",
        mostly=_mostly(suite, rule),
    )


def _row_count(suite: Suite, rule: Rule) -> _Check:
    low, high = rule.kwargs.get("min_value"), rule.kwargs.get("max_value")
    if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (low, high)):
        raise _reject(suite, rule, "needs whole-number `min_value`/`max_value`")
    return _Check(rule, None, None, row_count=(low, high))


_KWARGS: dict[str, set[str]] = {
    "expect_table_row_count_to_be_between": {"min_value", "max_value"},
    "expect_column_values_to_be_between": {
        "column",
        "min_value",
        "max_value",
        "strict_min",
        "strict_max",
        "mostly",
    },
    "expect_column_values_to_not_be_null": {"column", "mostly"},
    "expect_column_values_to_be_in_set": {"column", "value_set", "mostly"},
    "expect_column_values_to_be_unique": {"column", "mostly"},
    "expect_column_pair_values_a_to_be_greater_than_b": {
        "column_A",
        "column_B",
        "or_equal",
        "ignore_row_if",
        "mostly",
    },
}
_TRANSLATORS: dict[str, Callable[[Suite, Rule, int], _Check]] = {
    "expect_table_row_count_to_be_between": lambda s, r, _: _row_count(s, r),
    "expect_column_values_to_be_between": lambda s, r, _: _between(s, r),
    "expect_column_values_to_not_be_null": lambda s, r, _: _not_null(s, r),
    "expect_column_values_to_be_in_set": lambda s, r, _: _in_set(s, r),
    "expect_column_values_to_be_unique": _unique,
    "expect_column_pair_values_a_to_be_greater_than_b": lambda s, r, _: _pair_greater(s, r),
}
SUPPORTED_TYPES = frozenset(_TRANSLATORS)


def compile_suite(suite: Suite) -> CompiledSuite:
    """Translate every rule of `suite`; raise UnsupportedExpectation for anything unknown."""
    checks = []
    for index, rule in enumerate(suite.rules):
        translate = _TRANSLATORS.get(rule.type)
        if translate is None:
            raise _reject(suite, rule, "has no SQL translation")
        unknown = set(rule.kwargs) - _KWARGS[rule.type]
        if unknown:
            raise _reject(
                suite, rule, f"uses keywords the SQL engine does not know: {sorted(unknown)}"
            )
        checks.append(translate(suite, rule, index))
    return CompiledSuite(suite, tuple(checks))


def _now_value(expression: str, now: dt.datetime) -> dt.datetime:
    match = _NOW.match(expression)
    assert match is not None  # checked by compile_suite
    if not match["sign"]:
        return now
    delta = dt.timedelta(**{match["unit"]: int(match["amount"])})
    return now + delta if match["sign"] == "+" else now - delta


def _timestamp_literal(value: dt.datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def _aggregates(checks: tuple[_Check, ...], now: dt.datetime) -> list[str]:
    selects = ["count(*)"]
    for check in checks:
        if check.considered is None:
            continue
        unexpected = check.unexpected or "FALSE"
        for key in check.parameterized:
            value = _now_value(check.rule.kwargs[key]["$PARAMETER"], now)
            unexpected = unexpected.replace("{" + key + "}", _timestamp_literal(value))
        selects += [f"count(*) FILTER ({check.considered})", f"count(*) FILTER ({unexpected})"]
        if check.rule.skip_if_empty and "column" in check.rule.kwargs:
            selects.append(f"count({quote_identifier(check.rule.kwargs['column'])})")
    return selects


def _query(checks: tuple[_Check, ...], relation: str, now: dt.datetime) -> str:
    windows = [c.window for c in checks if c.window]
    source = (
        f"(SELECT *, {', '.join(windows)} FROM {relation} AS _rows) AS _batch"
        if windows
        else f"{relation} AS _batch"
    )
    return f"SELECT {', '.join(_aggregates(checks, now))} FROM {source}"


def _mostly_success(considered: int, unexpected: int, mostly: float) -> bool:
    """GX 1.x's `_mostly_success`, float for float."""
    return (float(considered) - float(unexpected)) / float(considered) >= mostly


def _outcome(suite: Suite, check: _Check, total: int, counts: list[int]) -> Outcome:
    rule = check.rule
    column_empty = len(counts) > 2 and counts[2] == 0
    if rule.skip_if_empty and (total == 0 or column_empty):
        return Outcome(suite.name, rule.name, rule.severity, rule.type, True, 0, None, _EMPTY)
    if check.considered is None:
        low, high = check.row_count or (None, None)
        passed = (low is None or total >= low) and (high is None or total <= high)
        return Outcome(suite.name, rule.name, rule.severity, rule.type, passed, None, None)
    considered, unexpected = counts[0], counts[1]
    passed = total == 0 or considered == 0 or _mostly_success(considered, unexpected, check.mostly)
    if suite.private:
        return Outcome(suite.name, rule.name, rule.severity, rule.type, passed, None, None)
    return Outcome(suite.name, rule.name, rule.severity, rule.type, passed, total, unexpected)


def _width(check: _Check) -> int:
    if check.considered is None:
        return 0
    return 3 if check.rule.skip_if_empty and "column" in check.rule.kwargs else 2


def _failed(suite: Suite, check: _Check, error: duckdb.Error) -> Outcome:
    rule = check.rule
    note = _PRIVATE_ERROR if suite.private else redact(error)
    return Outcome(suite.name, rule.name, rule.severity, rule.type, False, None, None, note)


def _evaluate(
    compiled: CompiledSuite,
    checks: tuple[_Check, ...],
    con: duckdb.DuckDBPyConnection,
    relation: str,
    now: dt.datetime,
) -> tuple[int, list[Outcome]]:
    row = con.execute(_query(checks, relation, now)).fetchone()
    assert row is not None
    total, values, outcomes = int(row[0]), list(row[1:]), []
    for check in checks:
        width = _width(check)
        outcomes.append(_outcome(compiled.suite, check, total, values[:width]))
        values = values[width:]
    return total, outcomes


def evaluate(
    compiled: CompiledSuite,
    con: duckdb.DuckDBPyConnection,
    relation: str,
    now: dt.datetime | None = None,
) -> tuple[int, list[Outcome]]:
    """(rows, one outcome per rule in the suite's order) for the rows of `relation`.

    `relation` is what follows FROM: a table name or a parenthesized SELECT. One query for
    the whole suite; if it fails (a column the file lacks), each rule is run alone so the
    failing ones report the error as GX would (a fixed text for private suites).
    `now` stands for GX's `now()` (local time, as GX evaluates it); default: this moment.
    """
    now = now or dt.datetime.now()
    try:
        return _evaluate(compiled, compiled.checks, con, relation, now)
    except duckdb.Error:
        pass
    total_row = con.execute(f"SELECT count(*) FROM {relation} AS _batch").fetchone()
    total, outcomes = int(total_row[0]) if total_row else 0, []
    for check in compiled.checks:
        try:
            outcomes += _evaluate(compiled, (check,), con, relation, now)[1]
        except duckdb.Error as exc:
            outcomes.append(_failed(compiled.suite, check, exc))
    return total, outcomes
