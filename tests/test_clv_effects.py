"""Planted effect: customers who felt understood have a higher predicted 12-month value.

The segment is the ground truth's (empathy_devtools/demo/effect_measures.py `understood_value`):
customers with a felt_understood answer, understood = their mean answer >= 4. The value is
the CLV models' discounted 12-month value of customers with at least one order, fitted on the
demo warehouse's staged orders as the `clv_predictions` asset does. Welch's 95% interval of
the difference in means must exclude 0 where the effect is planted and include it where not.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from effects_warehouse import Warehouse
from scipy import stats

from orchestration.clv.clv_run import orders_source, run_clv
from orchestration.clv.config import ClvConfig

SEGMENT_SQL = """
    SELECT customer_id, avg(felt_understood) >= 4 AS understood
    FROM staging.stg_surveys__survey_responses
    WHERE felt_understood IS NOT NULL GROUP BY customer_id
"""


def _difference(warehouse: Warehouse) -> dict[str, float]:
    with duckdb.connect(str(warehouse.build_db), read_only=True) as con:
        orders_sql, reason = orders_source(con)
        assert orders_sql is not None, reason
        result = run_clv(con, orders_sql, ClvConfig(), dt.datetime(2026, 1, 1))
        segments = con.execute(SEGMENT_SQL).df()
    assert result.status == "fitted", result.reason
    frame = pd.merge(result.predictions, segments, on="customer_id")
    yes = frame.loc[frame.understood, "expected_value_12m"]
    no = frame.loc[~frame.understood, "expected_value_12m"]
    test = stats.ttest_ind(yes, no, equal_var=False)
    interval = test.confidence_interval(0.95)
    return {
        "n_understood": len(yes),
        "n_not": len(no),
        "difference": yes.mean() - no.mean(),
        "low": interval.low,
        "high": interval.high,
        "ratio": yes.mean() / no.mean(),
    }


def test_felt_understood_customers_have_higher_predicted_value(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["understood_higher_cltv"]
    assert truth["planted"]
    found = _difference(planted)
    assert found["n_understood"] >= 100 and found["n_not"] >= 100
    assert found["low"] > 0, found
    # Same direction as the planted truth (historical value ratio of the landing files).
    assert truth["observed"]["cltv_ratio"] > 1 and found["ratio"] > 1


def test_no_planted_effect_no_significant_value_difference(unplanted: Warehouse) -> None:
    assert not unplanted.truth["effects"]["understood_higher_cltv"]["planted"]
    found = _difference(unplanted)
    assert found["low"] <= 0 <= found["high"], found
