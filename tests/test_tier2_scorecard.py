"""The scorecard's tier 2 "Customer value" section: numbers with their intervals when the
marts have them, "Not available" with the reason when they are empty."""

from __future__ import annotations

import duckdb
import scorecard_kit as kit

from orchestration.publish.serving import Publication, publish
from orchestration.scorecard import render_scorecard
from orchestration.scorecard.customer_value import NO_CHURN, NO_EXITS, NO_VALUE
from orchestration.settings import MARTS_SCHEMA, Settings

_TIER2_SQL = f"""
INSERT INTO {MARTS_SCHEMA}.fct_cltv_by_segment BY NAME
SELECT 'historical_cltv' AS value_measure, 'empathy_segment' AS segmentation, segment,
    DATE '2025-01-01' AS as_of, n AS n_customers, mean AS mean_value, median AS median_value,
    'low' AS reference_segment, ratio, lo AS ratio_ci_low, hi AS ratio_ci_high,
    n >= 30 AS is_reportable
FROM (VALUES ('high', 432, 872.8, 540.0, 1.23, 0.94, 1.60),
             ('low', 177, 710.7, 299.0, NULL, NULL, NULL))
    AS t(segment, n, mean, median, ratio, lo, hi);
INSERT INTO {MARTS_SCHEMA}.fct_churn_rates BY NAME
SELECT grain, grain_value, n AS n_customers, k AS n_churned, k / n AS churn_rate,
    'contractual' AS churn_definition, 0.08 AS churn_rate_ci_low, 0.15 AS churn_rate_ci_high
FROM (VALUES ('overall', 'overall', 2000, 461), ('empathy_segment', 'high', 368, 41))
    AS t(grain, grain_value, n, k);
INSERT INTO {MARTS_SCHEMA}.fct_churn_after_contact BY NAME
SELECT 'interaction_type_resolution' AS grain, 'technical, unresolved' AS grain_value,
    90 AS window_days, 236 AS n_contacts, 56 AS n_churned, 0.2373 AS churn_rate,
    0.1875 AS churn_rate_ci_low, 0.2955 AS churn_rate_ci_high, 3.01 AS rate_ratio,
    2.35 AS rate_ratio_ci_low, true AS is_reportable, true AS is_significant;
INSERT INTO {MARTS_SCHEMA}.fct_exit_reasons BY NAME
SELECT 'exit_survey' AS source, 'reason' AS grain, 'product' AS grain_value, 76 AS n_responses,
    184 AS n_source_responses, 0.413 AS share_of_source, 0.5 AS felt_understood_share,
    0.24 AS last_contact_unresolved_share;
"""


def test_the_section_shows_value_churn_and_exit_reasons(isolated_settings: Settings) -> None:
    kit.build_marts(isolated_settings.build_db)
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        con.execute(_TIER2_SQL)
    publish(isolated_settings, Publication("test-run", kit.CHECKS_PASSED, ()))
    section = kit.section_text(
        render_scorecard(isolated_settings).read_text(encoding="utf-8"), "customer-value"
    )

    assert "segments as of 1 Jan 2025" in section
    assert "High 432 873 540 1.23x 0.94 to 1.60 11.1% 8.0% to 15.0%" in section
    assert "23.1% 461 of 2,000 customers, Contractual churn" in section
    assert "technical, unresolved (within 90 days) 23.7% 18.8% to 29.5% 3.0x 236" in section
    assert "product 41.3% 76 50.0% 24.0%" in section
    assert "Not available" not in section


def test_empty_marts_say_what_is_not_available_and_why(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    section = kit.section_text(
        render_scorecard(isolated_settings).read_text(encoding="utf-8"), "customer-value"
    )
    for reason in (NO_VALUE, NO_CHURN, NO_EXITS):
        assert f"Not available: {reason}" in section
