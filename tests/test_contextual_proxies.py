"""Tier 3 contextual proxies and the CSAT of proactive outreach: each proxy recomputed in plain
Python from the landing files, the planted effects (acknowledged follow-ups satisfy more,
distressed customers are answered sooner) recovered with intervals covering the ground truth,
and nothing significant in the unplanted demo."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections import defaultdict
from pathlib import Path

from effects_warehouse import Warehouse

SEED = Path(__file__).parents[1] / "dbt_project" / "seeds" / "acknowledgement_phrases.csv"
PROXIES = "SELECT * FROM marts.fct_contextual_proxies"


def _rows(warehouse: Warehouse) -> dict[tuple[str, str], dict]:
    return {(r["proxy"], r["measure"]): r for r in warehouse.records(PROXIES)}


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _follow_ups(landing: Path) -> list[dict]:
    """Agent-handled inbound tickets with follow-up, acknowledged, distressed flags and CSAT."""
    latest = {}
    for line in (landing / "crm" / "helpdesk_tickets.jsonl").read_text().splitlines():
        row = json.loads(line)
        latest[row["ticket_id"]] = row
    with SEED.open(newline="") as handle:
        phrases = [row["phrase"].lower() for row in csv.DictReader(handle)]
    top2: dict[str, int] = {}
    with (landing / "surveys" / "survey_responses.csv").open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            # A blank score or a CSAT outside 1-5 is quarantined by ingestion.
            if row["Survey"] == "CSAT" and row["Ticket Ref"] and 1 <= float(row["Score"] or 0) <= 5:
                value = int(float(row["Score"]) >= 4)
                top2[row["Ticket Ref"]] = max(top2.get(row["Ticket Ref"], 0), value)
    by_customer = defaultdict(list)
    for row in latest.values():
        if row["direction"] == "inbound":
            by_customer[row["requester_id"]].append(row)
    out = []
    for rows in by_customer.values():
        rows.sort(key=lambda r: (_at(r["created_at"]), r["ticket_id"]))
        for previous, row in zip([None, *rows[:-1]], rows, strict=True):
            if row["handled_by_bot"]:
                continue
            opened = _at(row["created_at"])
            follow_up = previous is not None and opened <= _at(
                previous["created_at"]
            ) + dt.timedelta(days=30)
            open_issue = previous is not None and (
                not previous.get("solved_at") or _at(previous["solved_at"]) > opened
            )
            text = (row.get("conversation") or "").lower()
            reply = row.get("first_reply_at")
            out.append(
                {
                    "follow_up": follow_up,
                    "acknowledged": follow_up and any(p in text for p in phrases),
                    "distressed": follow_up and open_issue,
                    "csat_top2": top2.get(row["ticket_id"]),
                    "seconds": max(1.0, (_at(reply) - opened).total_seconds()) if reply else None,
                }
            )
    return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_proxies_recomputed_from_the_landing_files(planted: Warehouse) -> None:
    contacts = _follow_ups(planted.landing_dir)
    rows = _rows(planted)
    follow_ups = [c for c in contacts if c["follow_up"]]
    relevance = rows[("contextual_relevance", "acknowledged_share")]
    assert relevance["n_a"] == len(follow_ups)
    assert relevance["successes"] == sum(c["acknowledged"] for c in follow_ups)
    assert relevance["ci_low"] <= relevance["estimate"] <= relevance["ci_high"]

    ack = [c["csat_top2"] for c in follow_ups if c["acknowledged"] and c["csat_top2"] is not None]
    other = [
        c["csat_top2"] for c in follow_ups if not c["acknowledged"] and c["csat_top2"] is not None
    ]
    csat = rows[("personalization_effectiveness", "csat_top2_share")]
    assert (csat["n_a"], csat["n_b"]) == (len(ack), len(other))
    assert math.isclose(csat["estimate"], _mean(ack) - _mean(other), abs_tol=1e-6)

    distressed = [math.log(c["seconds"]) for c in contacts if c["distressed"] and c["seconds"]]
    others = [math.log(c["seconds"]) for c in contacts if not c["distressed"] and c["seconds"]]
    speed = rows[("situational_awareness", "first_response_time")]
    assert (speed["n_a"], speed["n_b"]) == (len(distressed), len(others))
    assert math.isclose(
        speed["estimate"], math.exp(_mean(distressed) - _mean(others)), rel_tol=1e-4
    )


def test_planted_contextual_effects_are_recovered(planted: Warehouse) -> None:
    rows = _rows(planted)
    effects = planted.truth["effects"]
    ack = effects["acknowledged_follow_up_csat"]["observed"]
    relevance = rows[("contextual_relevance", "acknowledged_share")]
    assert relevance["ci_low"] <= ack["acknowledged_share"] <= relevance["ci_high"]
    csat = rows[("personalization_effectiveness", "csat_top2_share")]
    assert csat["ci_low"] <= ack["difference"] <= csat["ci_high"]
    assert csat["is_significant"] and csat["ci_low"] > 0 and csat["is_reportable"]
    speed = rows[("situational_awareness", "first_response_time")]
    truth = effects["distressed_priority"]["observed"]["first_response_ratio"]
    assert speed["ci_low"] <= truth <= speed["ci_high"]
    assert speed["is_significant"] and speed["ci_high"] < 1 and speed["is_reportable"]
    # Every row carries its groups' n and an ordered interval.
    for row in rows.values():
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
        assert row["n_a"] > 0


# The unplanted demo (seed 42) happens to show acknowledged follow-ups at +0.065 CSAT top-2
# [0.005, 0.125] (z = 2.1): chance, not an effect. Fifteen other unplanted seeds gave a mean
# z of -0.16 (DECISIONLOG.md). The test asserts what holds for any honest measure: the
# interval covers the unplanted ground truth and the estimate stays well below the planted
# size (+0.16 on the planted demo).
CHANCE_ON_SEED_42 = {("personalization_effectiveness", "csat_top2_share")}


def test_nothing_significant_in_the_unplanted_demo(unplanted: Warehouse) -> None:
    rows = _rows(unplanted)
    for key, row in rows.items():
        if key[0] != "contextual_relevance" and key not in CHANCE_ON_SEED_42:
            assert not row["is_significant"], (key, row)
    csat = rows[("personalization_effectiveness", "csat_top2_share")]
    truth = unplanted.truth["effects"]["acknowledged_follow_up_csat"]
    assert csat["ci_low"] <= truth["observed"]["difference"] <= csat["ci_high"]
    assert (
        csat["estimate"] < 0.12 and truth["parameters"]["planted_lift_of_dissatisfied_answers"] == 0
    )
    speed = rows[("situational_awareness", "first_response_time")]
    assert speed["ci_low"] <= 1 <= speed["ci_high"]
    # Agents still acknowledge (a behaviour, not an effect): the share is there.
    assert rows[("contextual_relevance", "acknowledged_share")]["estimate"] > 0.2
    (csat,) = unplanted.records(
        "SELECT * FROM marts.fct_proactive_outreach_csat WHERE stratum = 'stratified'"
    )
    assert not csat["is_significant"]


def test_outreach_csat_compares_the_same_strata_with_an_interval(planted: Warehouse) -> None:
    rows = {
        r["stratum"]: r for r in planted.records("SELECT * FROM marts.fct_proactive_outreach_csat")
    }
    strata = {
        r["stratum"] for r in planted.records("SELECT * FROM marts.fct_proactive_outreach_effect")
    }
    assert set(rows) == strata
    pooled = rows["stratified"]
    # The demo plants no CSAT effect of outreach (the check-in changes churn, not how inbound
    # contacts are rated): the interval covers 0, the truth.
    assert pooled["csat_top2_difference_ci_low"] <= 0 <= pooled["csat_top2_difference_ci_high"]
    assert pooled["n_reached"] == sum(
        r["n_reached"] for s, r in rows.items() if s not in ("crude", "stratified")
    )
    assert pooled["is_reportable"]


def test_contextual_relevance_feeds_the_kpis(planted: Warehouse) -> None:
    ((value, n),) = planted.query(
        "SELECT value, n FROM marts.fct_kpi_values "
        "WHERE kpi = 'contextual_relevance' AND period = 'overall'"
    )
    relevance = _rows(planted)[("contextual_relevance", "acknowledged_share")]
    assert n == relevance["n_a"] and math.isclose(value, relevance["estimate"], abs_tol=1e-6)
