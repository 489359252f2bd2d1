"""Tier 3 proactive service and contextual intelligence: the outreach effect recovered (interval
covering the ground truth, nothing in the unplanted demo), the seed's three rates with counts
and intervals, and the rates recomputed in plain Python from the landing files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict

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


def _tickets(warehouse: Warehouse) -> list[dict]:
    lines = (warehouse.landing_dir / "crm" / "helpdesk_tickets.jsonl").read_text().splitlines()
    latest = {}
    for line in lines:
        row = json.loads(line)
        latest[row["ticket_id"]] = row
    return list(latest.values())


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _as_of(warehouse: Warehouse) -> dt.date:
    ((as_of,),) = warehouse.query("SELECT as_of_date FROM intermediate.int_reporting_period")
    return as_of


def test_proactive_contact_rate_recomputed_from_the_landing_files(planted: Warehouse) -> None:
    as_of = _as_of(planted)
    calls = defaultdict(list)
    for row in _tickets(planted):
        if row["direction"] != "inbound":
            calls[row["requester_id"]].append(_at(row["created_at"]))
    start = min(min(times) for times in calls.values()).date()
    first: dict[str, dt.datetime] = {}
    with (planted.landing_dir / "crm" / "orders.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Needs Setup"] == "Yes":
                try:
                    at = dt.datetime.strptime(row["Order Date"], "%m/%d/%Y %I:%M %p")
                except ValueError:  # a planted day-first date: ingestion quarantines it
                    continue
                first[row["Customer ID"]] = min(first.get(row["Customer ID"], at), at)
    needs = [(c, b) for c, b in first.items() if start <= b.date() <= as_of - dt.timedelta(days=30)]
    reached = sum(any(b <= t <= b + dt.timedelta(days=30) for t in calls[c]) for c, b in needs)
    (row,) = planted.records(
        "SELECT * FROM marts.fct_proactive_service WHERE metric = 'proactive_contact_rate'"
    )
    assert (row["numerator"], row["denominator"]) == (reached, len(needs))


def test_repeat_contact_after_resolved_recomputed_from_the_landing_files(
    planted: Warehouse,
) -> None:
    as_of = _as_of(planted)
    inbound = [r for r in _tickets(planted) if r["direction"] == "inbound"]
    opened = defaultdict(list)
    for row in inbound:
        opened[row["requester_id"]].append(_at(row["created_at"]))
    n = repeats = 0
    for row in inbound:
        if not row.get("solved_at"):
            continue
        solved = _at(row["solved_at"])
        if solved.date() > as_of - dt.timedelta(days=7):
            continue
        n += 1
        week = solved + dt.timedelta(days=7)
        repeats += any(solved < t <= week for t in opened[row["requester_id"]])
    rows = planted.records(
        "SELECT * FROM marts.fct_contextual_intelligence "
        "WHERE metric = 'repeat_contact_within_7d_of_resolved'"
    )
    (row,) = [r for r in rows if r["grain"] == "overall"]
    assert (row["numerator"], row["denominator"]) == (repeats, n)
    months = [r for r in rows if r["grain"] == "month"]  # by month of the resolution
    assert sum(r["numerator"] for r in months) == repeats
    assert sum(r["denominator"] for r in months) == n
    assert row["rate_ci_low"] <= repeats / n <= row["rate_ci_high"] and row["is_reportable"]
    kpis = dict(
        planted.query(
            "SELECT kpi, value FROM marts.fct_kpi_values WHERE period = 'overall' AND kpi IN "
            "('proactive_contact_rate', 'repeat_contact_within_7d_of_resolved')"
        )
    )
    assert kpis["repeat_contact_within_7d_of_resolved"] == row["rate"]
    assert 0 < kpis["proactive_contact_rate"] < 1
