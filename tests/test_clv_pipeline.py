"""A full `empathy run` fits the CLV models, gates them and publishes both marts."""

from __future__ import annotations

import duckdb


def test_serving_file_holds_the_clv_marts_after_their_gates(demo_pipeline) -> None:
    with duckdb.connect(str(demo_pipeline.settings.serving_db), read_only=True) as con:
        (customers,) = con.execute("SELECT count(*) FROM marts.fct_clv_predictions").fetchone()
        (ordering,) = con.execute(
            "SELECT count(*) FROM marts.fct_clv_predictions "
            "WHERE expected_value_12m >= 0 AND probability_alive BETWEEN 0 AND 1"
        ).fetchone()
        (holdout_ratio,) = con.execute(
            "SELECT predicted_to_actual FROM marts.fct_clv_model_fit "
            "WHERE fit_stage = 'calibration' AND frequency_bucket = 'all'"
        ).fetchone()
        stages = con.execute(
            "SELECT fit_stage, status FROM marts.fct_clv_model_fit "
            "WHERE frequency_bucket = 'all' ORDER BY fit_stage"
        ).fetchall()
        tables, checks = con.execute(
            "SELECT tables, checks_passed FROM publication_log ORDER BY version DESC LIMIT 1"
        ).fetchone()
    assert customers > 0 and ordering == customers
    assert ("full_history", "fitted") in stages
    # The demo's orders follow the model's story: the holdout check is close in total.
    assert 0.8 < holdout_ratio < 1.25
    assert {"fct_clv_predictions", "fct_clv_model_fit"} <= set(tables)
    # The publication waited for the GX suites of both marts and they passed in its run.
    for table in ("fct_clv_predictions", "fct_clv_model_fit"):
        assert any(check.startswith(f"marts/{table}:gx_") for check in checks), table
