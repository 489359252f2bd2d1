"""One job per quality tool (DECISIONLOG "Quality gates: one job per tool"): a Great
Expectations rule on a mart never repeats a dbt test that already holds the same column."""

import json
import re
from collections import defaultdict
from pathlib import Path

from orchestration.defs.dbt_models import dbt_project
from orchestration.quality.suites import load_suites

# GX expectation type -> the dbt generic test that holds the same property.
TWINS = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_unique": "unique",
    "expect_column_values_to_be_in_set": "accepted_values",
    "expect_compound_columns_to_be_unique": "unique_combination_of_columns",
}


# The check constraints of the marts, in the four forms their YAML writes, and the dbt test
# each replaced (DECISIONLOG.md, "Constraints instead of row-by-row tests").
_ACCEPTED = re.compile(r"^(\w+) in \(.+\)$")
_INTERVAL = re.compile(r"^(\w+) is null or (\w+) is null or (\w+) is null or \(.+\)$")
_BOUND = re.compile(r"^(\w+) ([<>]=) (\S+)$")
_RECOMPUTED = re.compile(r"^case when coalesce\(.+, 0\) = 0 then (\w+) is null else .+ end$")


def _held_by_check(expression: str) -> tuple[str, object]:
    """(the dbt test a check constraint replaced, what it holds, as the test would)."""
    if match := _ACCEPTED.match(expression):
        return "accepted_values", match[1]
    if match := _INTERVAL.match(expression):
        return "interval_contains", frozenset(match.groups())
    if match := _RECOMPUTED.match(expression):
        return "recomputed_from_counts", match[1]
    bounds = [_BOUND.match(part) for part in expression.split(" and ")]
    assert all(bounds) and len({b[1] for b in bounds}) == 1, f"unknown check: {expression}"
    low = next((b[3] for b in bounds if b[2] == ">="), None)
    high = next((b[3] for b in bounds if b[2] == "<="), None)
    return "value_between", (bounds[0][1], low, high)


def _blocking_dbt_tests() -> dict[tuple[str, str], set]:
    """(model, test name) -> the columns (or column sets) an error-severity dbt test holds."""
    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    held: dict[tuple[str, str], set] = defaultdict(set)
    for node in manifest["nodes"].values():
        config = node.get("config", {})
        if node["resource_type"] == "model":
            for column, spec in node.get("columns", {}).items():
                for constraint in spec.get("constraints", []):
                    if constraint.get("type") == "not_null":
                        held[(node["name"], "not_null")].add(column)
                    elif constraint.get("type") == "check":
                        test, value = _held_by_check(constraint["expression"])
                        held[(node["name"], test)].add(value)
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        if str(config.get("severity", "error")).lower() != "error" or config.get("where"):
            continue
        model = (node.get("attached_node") or "").split(".")[-1]
        meta = node["test_metadata"]
        kwargs = meta.get("kwargs", {})
        if meta["name"] == "unique_combination_of_columns":
            held[(model, meta["name"])].add(frozenset(kwargs["combination_of_columns"]))
        elif meta["name"] == "interval_contains":
            held[(model, meta["name"])].add(
                frozenset({kwargs["column_name"], kwargs["low"], kwargs["high"]})
            )
        elif meta["name"] == "value_between":
            held[(model, meta["name"])].add(
                (kwargs["column_name"], kwargs.get("min_value"), kwargs.get("max_value"))
            )
        else:
            held[(model, meta["name"])].add(kwargs.get("column_name") or node.get("column_name"))
    return held


def _as_float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _range_held(held: set, column: str, low: object, high: object) -> bool:
    """A dbt `value_between` on the column at least as tight as the GX range."""
    low, high = _as_float(low), _as_float(high)
    for held_column, held_low, held_high in held:
        held_low, held_high = _as_float(held_low), _as_float(held_high)
        if held_column != column:
            continue
        if (low is None or (held_low is not None and held_low >= low)) and (
            high is None or (held_high is not None and held_high <= high)
        ):
            return True
    return False


def repeated_rules() -> list[str]:
    held = _blocking_dbt_tests()
    repeated = []
    for model, suite in load_suites("marts").items():
        for rule in suite.rules:
            kwargs, kind = rule.kwargs, rule.type
            column = kwargs.get("column")
            if kind in TWINS and kind != "expect_compound_columns_to_be_unique":
                if column in held[(model, TWINS[kind])]:
                    repeated.append(f"{model}.{rule.name} repeats dbt {TWINS[kind]}")
            elif kind == "expect_compound_columns_to_be_unique":
                if frozenset(kwargs["column_list"]) in held[(model, TWINS[kind])]:
                    repeated.append(f"{model}.{rule.name} repeats dbt {TWINS[kind]}")
            elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
                pair = {kwargs["column_A"], kwargs["column_B"]}
                if any(pair <= interval for interval in held[(model, "interval_contains")]):
                    repeated.append(f"{model}.{rule.name} repeats dbt interval_contains")
            elif (
                kind == "expect_column_values_to_be_between"
                and "$PARAMETER" not in json.dumps(kwargs)
                and _range_held(
                    held[(model, "value_between")],
                    column,
                    kwargs.get("min_value"),
                    kwargs.get("max_value"),
                )
            ):
                repeated.append(f"{model}.{rule.name} repeats dbt value_between")
    return repeated


def test_no_mart_expectation_repeats_a_dbt_test() -> None:
    assert repeated_rules() == []


def test_the_comparison_finds_a_repeat() -> None:
    """It would pass on anything if it could not see one: dbt holds fct_csat's keys."""
    held = _blocking_dbt_tests()
    assert (
        frozenset({"grain", "grain_value"}) in held[("fct_csat", "unique_combination_of_columns")]
    )
    assert "grain" in held[("fct_csat", "accepted_values")]  # check constraints count too
    assert _range_held(held[("fct_csat", "value_between")], "csat_top2_share", 0, 1)
    assert (
        frozenset({"csat_mean", "csat_mean_ci_low", "csat_mean_ci_high"})
        in held[("fct_csat", "interval_contains")]
    )
    assert _range_held({("share", 0, 1)}, "share", 0, 1)
    assert not _range_held({("share", 0, 2)}, "share", 0, 1)
