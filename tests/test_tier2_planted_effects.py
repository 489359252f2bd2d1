"""Tier 2 must-show 1: the relationship marts recover the planted effects of the ground-truth
file with 95% intervals covering the observed truth (customers who felt understood are worth
more; churn is higher after unresolved technical contacts), and the business with no planted
effect shows no significant difference.

The CLTV comparison of the marts takes the "felt understood" segment as of `as_of` (180 days
before the end of the exports) while the ground truth uses every answer: the populations
overlap but differ, so the test asks for the interval to cover the truth, not for equality.
The churn-after-contact figures follow the ground truth's definition exactly.
"""

import pytest
from effects_warehouse import Warehouse

pytestmark = pytest.mark.slow

UNDERSTOOD = (
    "SELECT ratio, ratio_ci_low, ratio_ci_high, difference, difference_ci_low, "
    "difference_ci_high, n_customers, reference_n_customers FROM marts.fct_cltv_by_segment "
    "WHERE value_measure = 'historical_cltv' AND segmentation = 'felt_understood' "
    "AND segment = 'understood' AND reference_segment = 'not_understood'"
)
UNRESOLVED_TECHNICAL = (
    "SELECT n_contacts, churn_rate, other_churn_rate, rate_ratio, rate_ratio_ci_low, "
    "rate_ratio_ci_high, churn_rate_ci_low, churn_rate_ci_high, is_significant "
    "FROM marts.fct_churn_after_contact "
    "WHERE grain = 'interaction_type_resolution' AND grain_value = 'technical, unresolved'"
)


def test_customers_who_felt_understood_have_a_higher_cltv(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["understood_higher_cltv"]["observed"]
    segment = {row["felt_understood"]: row for row in truth["by_segment"]}
    true_difference = segment[True]["mean_historical_cltv"] - segment[False]["mean_historical_cltv"]
    (row,) = planted.records(UNDERSTOOD)

    assert row["ratio_ci_low"] <= truth["cltv_ratio"] <= row["ratio_ci_high"]
    assert row["difference_ci_low"] <= true_difference <= row["difference_ci_high"]
    assert row["ratio_ci_low"] > 1 and row["difference_ci_low"] > 0  # significant
    assert min(row["n_customers"], row["reference_n_customers"]) >= 30


def test_churn_is_higher_after_unresolved_technical_contacts(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["churn_after_unresolved_technical"]["observed"]
    exposed = next(r for r in truth["by_exposure"] if r["unresolved_technical"])
    (row,) = planted.records(UNRESOLVED_TECHNICAL)

    # Same definition as the ground truth: the same contacts and the same rates.
    assert row["n_contacts"] == exposed["interactions"]
    assert round(row["churn_rate"], 4) == truth["exposed_rate"]
    assert round(row["other_churn_rate"], 4) == truth["other_rate"]
    assert row["churn_rate_ci_low"] <= truth["exposed_rate"] <= row["churn_rate_ci_high"]
    assert row["rate_ratio_ci_low"] <= truth["rate_ratio"] <= row["rate_ratio_ci_high"]
    assert row["rate_ratio_ci_low"] > 1 and row["is_significant"]


def test_churn_by_segment_and_kpis_carry_intervals(planted: Warehouse) -> None:
    rows = planted.records(
        "SELECT grain, grain_value, n_customers, n_churned, churn_rate, churn_rate_ci_low, "
        "churn_rate_ci_high FROM marts.fct_churn_rates"
    )
    grains = {r["grain"] for r in rows}
    assert grains == {
        "overall", "customer_segment", "tenure_band", "empathy_segment", "felt_understood", "month"
    }  # fmt: skip
    for r in rows:
        assert r["churn_rate_ci_low"] <= r["churn_rate"] <= r["churn_rate_ci_high"]
    (overall,) = [r for r in rows if r["grain"] == "overall"]
    assert overall["n_customers"] == planted.truth["entities"]["customers"]["rows_loaded"]
    assert overall["n_churned"] == planted.truth["entities"]["cancellations"]["rows_loaded"]
    kpis = dict(
        planted.query(
            "SELECT kpi, value FROM marts.fct_kpi_values WHERE period = 'overall' "
            "AND kpi IN ('monthly_churn_rate', 'cltv_high_low_ratio')"
        )
    )
    assert set(kpis) == {"monthly_churn_rate", "cltv_high_low_ratio"}


def test_without_planted_effects_no_significant_difference(unplanted: Warehouse) -> None:
    (cltv,) = unplanted.records(UNDERSTOOD)
    (churn,) = unplanted.records(UNRESOLVED_TECHNICAL)

    assert cltv["ratio_ci_low"] <= 1 <= cltv["ratio_ci_high"]
    assert cltv["difference_ci_low"] <= 0 <= cltv["difference_ci_high"]
    assert churn["rate_ratio_ci_low"] <= 1 <= churn["rate_ratio_ci_high"]
    significant = "SELECT count(*) FROM marts.fct_churn_after_contact WHERE is_significant"
    assert unplanted.query(significant) == [(0,)]
