"""Customer journey (issue 19), on the shared default-size demo warehouses.

Must-show 1: planted effects appear as friction points whose intervals cover the ground truth,
and with no effect planted no friction point is significant (Holm over every comparison).
Must-show 2: a plain-Python recomputation from the landing files (tests/journey_reference.py)
equals the journey fact's rows per customer and the path counts.
Must-show 3: a customer with touchpoints in every source appears once per touchpoint, in
order; a customer present in only one source still has a journey.
"""

from __future__ import annotations

from collections import Counter

import pytest
from effects_warehouse import Warehouse
from journey_reference import bot_repeat_contact_truth, episode_groups, journeys, path_counts

from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

SOURCES = {"orders", "interactions", "survey_responses", "exit_surveys", "cancellations"}


@pytest.fixture(scope="module")
def reference(planted: Warehouse) -> dict:
    return journeys(planted.landing_dir, PROJECT_ROOT / "mappings")


def _friction(warehouse: Warehouse, where: str) -> dict:
    rows = warehouse.records(f"SELECT * FROM marts.fct_journey_friction_points WHERE {where}")
    assert len(rows) == 1, rows
    return rows[0]


def test_unresolved_technical_contacts_are_a_churn_friction_point(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["churn_after_unresolved_technical"]["observed"]
    row = _friction(
        planted,
        "grain = 'kind_resolution' AND touchpoint_kind = 'contact_technical' "
        "AND resolution = 'unresolved' AND outcome = 'churn'",
    )
    assert row["rate_ci_low"] <= truth["exposed_rate"] <= row["rate_ci_high"]
    exposed = next(r for r in truth["by_exposure"] if r["unresolved_technical"])
    assert (row["n"], round(row["rate"], 4)) == (exposed["interactions"], truth["exposed_rate"])
    assert row["baseline_rate_ci_low"] <= truth["other_rate"] <= row["baseline_rate_ci_high"]
    assert row["is_friction_point"] and row["p_value_adjusted"] <= 0.05
    assert row["n_comparisons"] >= 100  # Holm over every tested group and outcome


def test_bot_repeat_contacts_match_the_landing_files(planted: Warehouse, reference) -> None:
    truth = bot_repeat_contact_truth(reference)
    row = _friction(
        planted, "grain = 'handled_by' AND handled_by = 'bot' AND outcome = 'repeat_contact'"
    )
    assert truth["n"] > 300
    assert row["rate_ci_low"] <= truth["share"] <= row["rate_ci_high"]
    assert abs(row["n"] - truth["n"]) <= 2  # same conversations, up to ties at one instant


def test_without_planted_effects_no_friction_point_is_significant(unplanted: Warehouse) -> None:
    tested, significant, raw = unplanted.query(
        "SELECT count(*) FILTER (WHERE is_tested), count(*) FILTER (WHERE is_significant), "
        "count(*) FILTER (WHERE p_value < 0.05) FROM marts.fct_journey_friction_points"
    )[0]
    assert tested >= 100
    assert significant == 0, f"{significant} significant on noise ({raw} raw p < 0.05)"


def test_the_journey_fact_matches_the_landing_files_per_customer(
    planted: Warehouse, reference: dict
) -> None:
    published = dict(
        planted.query("SELECT customer_id, count(*) FROM marts.fct_journey_touchpoints GROUP BY 1")
    )
    expected = {customer: len(ts) for customer, ts in reference.items()}
    assert len(expected) > 1500
    assert published == expected
    kinds = planted.query(
        "SELECT customer_id, list(touchpoint_kind ORDER BY touchpoint_number) "
        "FROM marts.fct_journey_touchpoints GROUP BY 1"
    )
    assert {c: k for c, k in kinds} == {c: [t.kind for t in ts] for c, ts in reference.items()}


def test_path_counts_match_the_landing_files(planted: Warehouse, reference: dict) -> None:
    rows = planted.query("SELECT path, n_churned, n_retained FROM marts.fct_journey_paths")
    published = {}
    for path, churned, retained in rows:
        published |= {(path, "churned"): churned, (path, "retained"): retained}
    published = {key: n for key, n in published.items() if n}
    expected = path_counts(reference)
    assert sum(n for (_, outcome), n in expected.items() if outcome == "churned") > 300
    assert published == expected


def test_a_customer_in_every_source_appears_once_per_touchpoint_in_order(
    planted: Warehouse, reference: dict
) -> None:
    customer = planted.query(
        "SELECT customer_id FROM marts.fct_journey_touchpoints GROUP BY 1 "
        "HAVING count(DISTINCT source) = 5 AND bool_or(touchpoint_kind = 'proactive_outreach') "
        "ORDER BY count(*), customer_id LIMIT 1"
    )[0][0]
    rows = planted.query(
        "SELECT touchpoint_number, touchpoint_at, source, source_id, hours_since_previous "
        "FROM marts.fct_journey_touchpoints WHERE customer_id = ? ORDER BY touchpoint_number",
        [customer],
    )
    assert {source for _, _, source, _, _ in rows} == SOURCES
    assert [number for number, *_ in rows] == list(range(1, len(rows) + 1))
    assert [source_id for *_, source_id, _ in rows] == [t.source_id for t in reference[customer]]
    times = [at for _, at, *_ in rows]
    assert times == sorted(times)
    assert rows[0][4] is None and all(gap >= 0 for *_, gap in rows[1:])
    assert len({(source, source_id) for _, _, source, source_id, _ in rows}) == len(rows)


def test_a_customer_in_only_one_source_still_has_a_journey(
    planted: Warehouse, reference: dict
) -> None:
    only_orders = [c for c, ts in reference.items() if {t.rank for t in ts} == {1}]
    assert only_orders, "the demo has customers who only ever ordered"
    customer = min(only_orders)
    rows = planted.query(
        "SELECT source, touchpoint_kind, episode_number FROM marts.fct_journey_touchpoints "
        "WHERE customer_id = ?",
        [customer],
    )
    assert Counter(rows) == Counter({("orders", "order", None): len(reference[customer])})


def test_the_planted_billing_tone_is_the_largest_empathy_gap_of_contacts(
    planted: Warehouse,
) -> None:
    rows = planted.records(
        "SELECT touchpoint_kind, mean_sentiment_gap, mean_sentiment_gap_ci_high "
        "FROM marts.fct_journey_empathy_gaps WHERE grain = 'kind' "
        "AND touchpoint_kind LIKE 'contact_%' AND is_reportable ORDER BY mean_sentiment_gap"
    )
    assert len(rows) >= 5
    billing = rows[0]
    assert billing["touchpoint_kind"] == "contact_billing"
    assert billing["mean_sentiment_gap_ci_high"] < 0  # worse than the customer's own journey


def test_episode_channel_switches_match_the_landing_files(
    planted: Warehouse, reference: dict
) -> None:
    rows = planted.query(
        "SELECT switch_group, n_episodes, n_resolved FROM marts.fct_journey_channel_switches "
        "WHERE grain = 'switch_group'"
    )
    published = {group: (n, resolved) for group, n, resolved in rows}
    expected = episode_groups(reference)
    assert expected["switched_channel"][0] > 100
    assert published == expected
