"""quantile_summary (macros/metrics/ranked_quantiles.sql) equals numpy and fits in memory.

The macro is rendered with Jinja and run on DuckDB over random groups of 1 to 60 values
(ties, negatives, nulls): every figure must equal numpy.percentile (linear, "type 7") and
the order-statistic interval of the median computed in Python. It must also run under a
memory limit smaller than its input (DuckDB spills the window sort to disk), as the service
marts do at 200,000 customers under the pipeline's 1 GB bound.
"""

from __future__ import annotations

import math

import duckdb
import jinja2
import numpy as np
import pandas as pd
import pytest

from orchestration.settings import DBT_PROJECT_DIR

MACROS = ("metrics/constants.sql", "metrics/ranked_quantiles.sql")
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
    return {"summary": con.execute(_render("quantile_summary") + " order by g").df(), "input": v}


def test_it_equals_numpy_percentiles_and_the_order_statistic_interval(results) -> None:
    values = results["input"].dropna().groupby("g")["x"].apply(list)
    expected = pd.DataFrame(
        [_expected(values[g]) for g in values.index], index=values.index, columns=FIGURES
    )
    got = results["summary"].set_index("g")[FIGURES]
    assert len(got) > 390 and "only_null" not in got.index
    assert np.allclose(
        got.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12
    )


def test_it_runs_under_a_memory_limit_smaller_than_its_input(tmp_path) -> None:
    """6M values (48 MB of doubles, more with the sort's keys) in two groups under a 100 MB
    limit: the window sort spills to disk beside the database; an aggregate holding each
    group's values in memory (a sorted list) fails here."""
    con = duckdb.connect(str(tmp_path / "spill.duckdb"))
    con.execute(
        "create table v as select 'g' || (i % 2) as g, random() as x from range(6000000) t(i)"
    )
    con.execute("set memory_limit = '100MB'")
    con.execute("set threads = 2")
    rows = con.execute(_render("quantile_summary")).fetchall()
    assert len(rows) == 2
    assert all(0.49 < median < 0.51 for _, median, *_ in rows)
