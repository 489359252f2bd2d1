"""Tier 3 proactive service: the outreach effect recovered (interval covering the ground
truth, nothing in the unplanted demo) and the seed's three rates with counts and intervals."""

from __future__ import annotations

from effects_warehouse import Warehouse

EFFECT = "SELECT * FROM marts.fct_proactive_outreach_effect WHERE stratum = 'stratified'"


def test_reached_customers_churn_less_interval_covers_the_ground_truth(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["proactive_outreach_retention"]["observed"]
    (row,) = planted.records(EFFECT)
    assert row["churn_difference_ci_low"] <= truth["difference"] <= row["churn_difference_ci_high"]
    assert row["is_significant"] and row["churn_difference_ci_high"] < 0
    groups = {g["reached"]: g["customers"] for g in truth["by_group"]}
    # Same design as the ground truth, the programme start read from the data (first call).
    assert 0.85 * groups[True] <= row["n_reached"] <= groups[True]
    assert 0.85 * groups[False] <= row["n_not_reached"] <= groups[False]
    (crude,) = planted.records(
        "SELECT * FROM marts.fct_proactive_outreach_effect WHERE stratum = 'crude'"
    )
    assert (crude["n_reached"], crude["n_not_reached"]) == (row["n_reached"], row["n_not_reached"])


def test_no_outreach_effect_in_the_unplanted_demo(unplanted: Warehouse) -> None:
    (row,) = unplanted.records(EFFECT)
    assert row["churn_difference_ci_low"] <= 0 <= row["churn_difference_ci_high"]
    assert not row["is_significant"]


def test_proactive_rates_carry_counts_intervals_and_match_the_episodes(planted: Warehouse) -> None:
    rows = {r["metric"]: r for r in planted.records("SELECT * FROM marts.fct_proactive_service")}
    assert set(rows) == {
        "proactive_contact_rate", "predicted_needs_met", "preemptive_issue_resolution_rate"
    }  # fmt: skip
    for r in rows.values():
        assert r["rate_ci_low"] <= r["rate"] <= r["rate_ci_high"]
        assert r["rate"] == round(r["numerator"] / r["denominator"], 6) and r["is_reportable"]
    episodes = planted.records(
        "SELECT is_reached, is_need_met_before_asking FROM intermediate.int_proactive_episodes "
        "WHERE is_30_days_observed"
    )
    reached = sum(e["is_reached"] for e in episodes)
    met = sum(e["is_need_met_before_asking"] for e in episodes)
    assert rows["proactive_contact_rate"]["numerator"] == reached
    assert rows["predicted_needs_met"]["numerator"] == met <= reached
    # The demo calls half of the complex buyers (REACH_SHARE = 0.5).
    low, high = (
        rows["proactive_contact_rate"]["rate_ci_low"],
        rows["proactive_contact_rate"]["rate_ci_high"],
    )
    assert low <= 0.5 <= high
