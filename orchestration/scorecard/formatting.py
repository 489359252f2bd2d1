"""How numbers read on the scorecard: one formatter per KPI unit, used by every section.

Units are those of `dim_kpis.unit` (dbt seed `kpi_targets.csv`).
"""

from __future__ import annotations

import math

import pandas as pd

STATUS_TEXT = {
    "green": "On target",
    "amber": "Near target",
    "red": "Off target",
    "insufficient_data": "Too few answers",
    "no_data": "Not available",
}


def is_missing(value: object) -> bool:
    """None, NaN, NaT and pandas' NA all mean 'no value'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def number(value: object, unit: str) -> str:
    """A KPI value in its unit: shares as percentages, points signed, scales with 2 decimals."""
    if is_missing(value):
        return "–"
    x = float(value)  # type: ignore[arg-type]
    if unit == "share":
        return f"{x * 100:.1f}%"
    if unit == "share_difference":
        return f"{x * 100:+.0f}%"
    if unit == "points":
        return f"{x:+.0f}"
    if unit.startswith("index"):
        return f"{x:.0f}"
    return f"{x:.2f}"


def change(difference: object, unit: str) -> str:
    """A difference between two values of a unit: percentage points for shares."""
    if is_missing(difference):
        return "–"
    x = float(difference)  # type: ignore[arg-type]
    if unit.startswith("share"):
        return f"{x * 100:+.1f} pts"
    if unit == "points" or unit.startswith("index"):
        return f"{x:+.0f} pts"
    return f"{x:+.2f}"


def interval(low: object, high: object, unit: str) -> str | None:
    """A 95% interval as 'low to high', or None when there is none."""
    if is_missing(low) or is_missing(high):
        return None
    return f"{number(low, unit)} to {number(high, unit)}"


def count(value: object) -> str:
    """A count with thousands separators."""
    return "–" if is_missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def day(value: object) -> str:
    """A date as '3 Mar 2025'."""
    if is_missing(value):
        return "–"
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return f"{stamp.day} {stamp:%b %Y}"


def month(value: object) -> str:
    """A month as 'Mar 2025'; a period that is not a date (e.g. 'overall') as 'all periods'."""
    if is_missing(value) or value == "overall":
        return "all periods"
    return f"{pd.Timestamp(value):%b %Y}"  # type: ignore[arg-type]


def period(grain: str, value: str) -> str:
    """A grain value in words: 'Mar 2025', 'Q1 2025', 'Tuesday' (from '2-Tuesday')."""
    if grain == "weekday":
        return value.split("-", 1)[-1]
    if grain == "quarter":
        stamp = pd.Timestamp(value)
        return f"Q{stamp.quarter} {stamp.year}"
    if grain in ("month", "overall"):
        return month(value)
    return value


def label(value: str) -> str:
    """An identifier ('customer_feeling') as words ('Customer feeling')."""
    return value.replace("_", " ").capitalize()
