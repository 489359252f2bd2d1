"""quantile_summary's two implementations give the same values, equal to numpy's.

The DuckDB version (macros/duckdb_only/sorted_quantile_summary.sql) reads order statistics
from a sorted list; the portable one (macros/metrics/ranked_quantiles.sql, what Spark runs)
ranks rows with window functions. Both macros are rendered with Jinja and run on DuckDB
over random groups of 1 to 60 values (ties, negatives, nulls): every figure must be equal to
the last bit, and equal to numpy.percentile (linear, "type 7") and the order-statistic
interval of the median computed in Python.
"""

from __future__ import annotations

import math

import duckdb
import jinja2
import numpy as np
import pandas as pd
import pytest

from orchestration.settings import DBT_PROJECT_DIR

MACROS = (
    "metrics/constants.sql",
    "metrics/ranked_quantiles.sql",
    "duckdb_only/sorted_quantile_summary.sql",
)
Z_95 = 1.959963984540054
FIGURES = ["median_value", "median_value_ci_low", "median_value_ci_high", "p90_value"]


def _render(macro: str) -> str:
    """The select statement of `macro` over the table `v` grouped by `g`, value `x`."""
    macros = "\n".join((DBT_PROJECT_DIR / "macros" / m).read_text() for m in MACROS)
    template = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(
        macros + "{{ " + macro + "('v', ['g'], 'x') }}"
    )
    return template.render()


def _values(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for group in range(400):
        n = int(rng.integers(1, 61))
        if group % 3 == 0:  # many ties
            values = rng.integers(0, 6, n).astype(float)
        elif group % 3 == 1:  # minutes-like, skewed
            values = np.round(rng.lognormal(3, 1, n) * 60) / 60
        else:  # signed scores
            values = rng.uniform(-1, 1, n)
        values[rng.random(n) < 0.1] = np.nan
        rows += [(f"g{group}", None if np.isnan(v) else float(v)) for v in values]
    rows += [("only_null", None)]
    return pd.DataFrame(rows, columns=["g", "x"])


def _expected(values: list[float]) -> list[float]:
    s = sorted(values)
    n = len(s)
    low = max(1, math.floor(n / 2 - Z_95 * math.sqrt(n) / 2))
    high = min(n, math.ceil(n / 2 + 1 + Z_95 * math.sqrt(n) / 2))
    return [np.percentile(s, 50), s[low - 1], s[high - 1], np.percentile(s, 90)]


@pytest.fixture(scope="module")
def results() -> dict[str, pd.DataFrame]:
    con = duckdb.connect()
    v = _values()
    con.register("v_frame", v)
    con.execute("create table v as select * from v_frame")
    out = {}
    for macro in ("default__quantile_summary", "duckdb__quantile_summary"):
        out[macro] = con.execute(_render(macro) + " order by g").df()
    out["input"] = v
    return out


def test_the_sorted_list_version_equals_the_portable_one_to_the_last_bit(results) -> None:
    ranked, listed = results["default__quantile_summary"], results["duckdb__quantile_summary"]
    groups = sorted(results["input"].dropna()["g"].unique())
    assert list(ranked["g"]) == list(listed["g"]) == groups and len(groups) > 390
    for figure in FIGURES:
        assert (ranked[figure].to_numpy() == listed[figure].to_numpy()).all(), figure


def test_both_equal_numpy_percentiles_and_the_order_statistic_interval(results) -> None:
    values = results["input"].dropna().groupby("g")["x"].apply(list)
    expected = pd.DataFrame(
        [_expected(values[g]) for g in values.index], index=values.index, columns=FIGURES
    )
    for macro in ("default__quantile_summary", "duckdb__quantile_summary"):
        got = results[macro].set_index("g")[FIGURES]
        assert "only_null" not in got.index
        assert np.allclose(
            got.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12
        )
