"""quantile_summary (macros/metrics/ranked_quantiles.sql) equals numpy and fits in memory.

The macro is rendered with Jinja and run on DuckDB over random groups of 1 to 60 values
(ties, negatives, nulls): every figure must equal numpy.percentile (linear, "type 7") and
the order-statistic interval of the median computed in Python. The macro reads the values at
the wanted ranks from value buckets (two levels); on edge cases (groups of 1 and 2 values,
ties, -0.0, negatives, a null group, every value in one bucket, groups spanning hundreds of
buckets) it must give bit for bit what ranking every row with window functions gives (the
macro before the two levels). It must also run under a memory limit smaller than its input
(DuckDB spills to disk), as the service marts may at 200,000 customers and more under dbt's
memory bound, also when every value falls in one bucket (all rows are then ranked).
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


# Every row ranked with window functions: what quantile_summary computed before its two levels.
WINDOW_REFERENCE = """
select
    g,
    {{ ranked_quantile('x', 'value_rank', 'n_values', 0.5) }} as median_value,
    {{ ranked_median_bound('x', 'value_rank', 'n_values', 'low') }} as median_value_ci_low,
    {{ ranked_median_bound('x', 'value_rank', 'n_values', 'high') }} as median_value_ci_high,
    {{ ranked_quantile('x', 'value_rank', 'n_values', 0.9) }} as p90_value
from (
    select
        g,
        x,
        row_number() over (partition by g order by x) as value_rank,
        count(*) over (partition by g) as n_values
    from v
    where x is not null
) as ranked
group by g
"""


def _render_reference() -> str:
    macros = "\n".join((DBT_PROJECT_DIR / "macros" / m).read_text() for m in MACROS)
    return jinja2.Environment().from_string(macros + WINDOW_REFERENCE).render()


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


def _edge_cases() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    groups: dict[str | None, list[float | None]] = {
        "one": [3.5],
        "one_and_nulls": [None, -2.0, None],
        "two": [7.0, -1.0],
        "two_equal": [4.0, 4.0],
        "all_ties": [2.0] * 37,
        "zeros_signed": [0.0, -0.0, 0.0, -0.0, 1e-300, -1e-300],
        "negatives": list(-rng.lognormal(2, 2, 101)),
        "one_bucket": list(100 + rng.random(500) * 0.4),  # ln(1 + x) within 0.004: 1 bucket
        "one_bucket_ties": list(np.round(rng.random(300) * 0.005, 3)),
        "many_buckets": list(rng.lognormal(0, 4, 2000) * rng.choice([-1, 1], 2000)),
        "bucket_edges": [math.expm1(k / 100) for k in range(300)] * 2,
        "huge_and_tiny": [1e300, -1e300, 1e-12, 5.0, 1e12],
        None: [1.0, 2.0, 3.0, None],
    }
    rows = [(g, x) for g, values in groups.items() for x in values]
    return pd.DataFrame(rows, columns=["g", "x"])


def test_edge_cases_equal_every_row_ranked_bit_for_bit() -> None:
    con = duckdb.connect()
    con.register("v_frame", _edge_cases())
    con.execute("create table v as select g, cast(x as double) as x from v_frame")
    got = con.execute(_render("quantile_summary") + " order by g nulls last").fetchall()
    want = con.execute(_render_reference() + " order by g nulls last").fetchall()
    assert len(got) == 13 and got[-1][0] is None
    assert [tuple(r) for r in got] == [tuple(r) for r in want]
    values = _edge_cases().dropna().groupby("g")["x"].apply(list)
    for g, *figures in got[:-1]:
        assert np.allclose(figures, _expected(values[g]), rtol=1e-12, atol=0), g


@pytest.mark.parametrize(
    "values",
    [
        pytest.param("random()", id="spread_over_70_buckets"),
        pytest.param("random() * 0.001", id="all_in_one_bucket"),
    ],
)
def test_it_runs_under_a_memory_limit_smaller_than_its_input(tmp_path, values: str) -> None:
    """6M values (48 MB of doubles, more with the sort's keys) in two groups under a 100 MB
    limit: bucket counts and the rank sort spill to disk beside the database; an aggregate
    holding each group's values in memory (a sorted list) fails here. With every value in one
    bucket, every row is ranked (the window sort of the whole input)."""
    con = duckdb.connect(str(tmp_path / "spill.duckdb"))
    con.execute(
        f"create table v as select 'g' || (i % 2) as g, {values} as x from range(6000000) t(i)"
    )
    scale = con.execute("select max(x) from v").fetchone()[0]
    con.execute("set memory_limit = '100MB'")
    con.execute("set threads = 2")
    rows = con.execute(_render("quantile_summary")).fetchall()
    assert len(rows) == 2
    assert all(0.49 < median / scale < 0.51 for _, median, *_ in rows)
