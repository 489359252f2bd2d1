"""Run a suite on a pandas frame with Great Expectations 1.x, in an ephemeral context.

Results are matched to the suite's rules by the expectation id GX assigns when the suite is
added, never by position. Only counts leave this module: the result format keeps no
unexpected values (and none at all for private suites), and error messages of private
suites are replaced by a fixed text. On an empty frame (a source that sent nothing), rules
marked `skip_if_empty` (aggregates such as freshness) pass with a note instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from orchestration.quality.suites import Rule, Suite

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.data_context import AbstractDataContext

_SUMMARY = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
}
_BOOLEAN_ONLY = {"result_format": "BOOLEAN_ONLY"}
_EMPTY = "not evaluated: no rows (the source sent nothing)"


@dataclass(frozen=True)
class Outcome:
    """The result of one expectation on one frame: names and counts, never values."""

    suite: str
    name: str
    severity: str
    expectation_type: str
    passed: bool
    element_count: int | None
    unexpected_count: int | None
    note: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def unexpected_share(self) -> float | None:
        """Share of the frame's rows that failed (None when GX reports no row counts)."""
        if self.unexpected_count is None or not self.element_count:
            return None
        return self.unexpected_count / self.element_count

    def describe(self) -> str:
        """One line naming the expectation and how much of the data failed it."""
        if self.passed:
            return f"{self.name}: passed"
        if self.note:
            return f"{self.name} ({self.severity}): {self.note}"
        if self.unexpected_count is None:
            return f"{self.name} ({self.severity}) failed"
        return (
            f"{self.name} ({self.severity}): {self.unexpected_count} of "
            f"{self.element_count} rows fail {self.expectation_type}"
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON files and reports."""
        return {
            "suite": self.suite,
            "name": self.name,
            "severity": self.severity,
            "expectation_type": self.expectation_type,
            "passed": self.passed,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "unexpected_share": self.unexpected_share,
            "note": self.note,
        }


@functools.cache
def gx_context() -> tuple[AbstractDataContext, BatchDefinition]:
    """GX's ephemeral context and the batch definition every frame is validated through."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("frames").add_dataframe_asset("frame")
    return context, asset.add_batch_definition_whole_dataframe("whole_frame")


def _error(suite: Suite, exception_info: Mapping[str, Any] | None) -> str | None:
    """The evaluation error, if any; GX nests it by metric when a metric failed."""
    info = exception_info or {}
    entries = (
        [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    )
    messages = sorted(
        {str(e.get("exception_message")) for e in entries if e.get("raised_exception")}
    )
    if not messages:
        return None
    return "the expectation could not be evaluated" if suite.private else "; ".join(messages)


def _nothing_to_measure(rule: Rule, frame: pd.DataFrame) -> bool:
    """No rows, or (for a column rule) no value in its column: exports without dates give
    marts whose `period_start` is empty, and their freshness cannot be judged."""
    column = rule.kwargs.get("column")
    if frame.empty:
        return True
    return isinstance(column, str) and column in frame and not frame[column].notna().any()


def validate_frame(
    suite: Suite, frame: pd.DataFrame, parameters: Mapping[str, Any] | None = None
) -> list[Outcome]:
    """Validate `frame` against `suite`; one outcome per rule, in the suite's order.

    `parameters` fill `{"$PARAMETER": ...}` kwargs (e.g. `data_horizon`); `now()` is built in.
    """
    skipped = [r for r in suite.rules if r.skip_if_empty and _nothing_to_measure(r, frame)]
    outcomes = {
        r.name: Outcome(suite.name, r.name, r.severity, r.type, True, 0, None, _EMPTY)
        for r in skipped
    }
    active = [r for r in suite.rules if r not in skipped]
    if active:
        outcomes.update(_run_gx(suite, active, frame, parameters))
    return [outcomes[rule.name] for rule in suite.rules]


def _run_gx(
    suite: Suite,
    rules: list[Rule],
    frame: pd.DataFrame,
    parameters: Mapping[str, Any] | None,
) -> dict[str, Outcome]:
    from great_expectations import ExpectationSuite

    context, batch_definition = gx_context()
    gx_suite = context.suites.add_or_update(
        ExpectationSuite(name=suite.name, expectations=[r.as_gx_dict() for r in rules])
    )
    by_name = {rule.name: rule for rule in rules}
    rule_by_id = {exp.id: by_name[exp.meta["name"]] for exp in gx_suite.expectations}
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        gx_suite,
        result_format=_BOOLEAN_ONLY if suite.private else _SUMMARY,
        expectation_parameters=dict(parameters or {}),
    )
    outcomes = {}
    for item in result.results:
        rule = rule_by_id[item.expectation_config.id]
        counts = item.result or {}
        outcomes[rule.name] = Outcome(
            suite=suite.name,
            name=rule.name,
            severity=rule.severity,
            expectation_type=rule.type,
            passed=bool(item.success),
            element_count=counts.get("element_count"),
            unexpected_count=counts.get("unexpected_count"),
            note=_error(suite, item.exception_info),
        )
    return outcomes
