"""Issue 13, must-show 1: the service-delivery marts recover the planted effects with 95%
intervals covering the ground truth (billing contacts more negative, the training's lift by
difference-in-differences, the bot's escalation and unresolved rates, the slower first
response on the understaffed weekday, the change after the chatbot launch), and with no
effect planted nothing is significant.

Both warehouses are the generator's default size (tests/effects_warehouse.py).
"""

import pytest
from effects_warehouse import Warehouse

pytestmark = pytest.mark.slow

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _covers(low: float, high: float, value: float) -> bool:
    return low <= value <= high


def _billing(warehouse: Warehouse) -> dict:
    (row,) = warehouse.records(
        "SELECT * FROM marts.fct_service_sentiment WHERE text_scope = 'service_texts' "
        "AND grain = 'interaction_type' AND grain_value = 'billing'"
    )
    return row


def test_billing_contacts_are_more_negative_by_the_planted_difference(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["billing_negative_sentiment"]["observed"]
    billing = _billing(planted)
    low, high = billing["negative_share_vs_rest_ci_low"], billing["negative_share_vs_rest_ci_high"]
    assert low > 0
    assert _covers(low, high, truth["difference"]), (low, high, truth["difference"])
    # the same texts as the ground truth: inbound transcripts and the comments about them
    by_type = {r["interaction_type"]: r["texts"] for r in truth["by_interaction_type"]}
    assert billing["n_texts"] == by_type["billing"]


def test_without_the_effect_billing_is_not_set_apart(planted: Warehouse, unplanted) -> None:
    planted_gap = _billing(planted)["negative_share_vs_rest"]
    unplanted_gap = _billing(unplanted)["negative_share_vs_rest"]
    assert abs(unplanted_gap) < planted_gap / 4


def _did(warehouse: Warehouse, metric: str) -> dict:
    (row,) = warehouse.records(
        "SELECT * FROM marts.fct_service_initiative_did WHERE kind = 'training' AND metric = ?",
        [metric],
    )
    return row


def test_the_training_lift_is_recovered_by_difference_in_differences(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["training_sentiment_lift"]
    did = _did(planted, "closing_turn_positive_share")
    assert did["status"] == "estimated"
    low, high = did["difference_in_differences_ci_low"], did["difference_in_differences_ci_high"]
    assert low > 0
    assert _covers(low, high, truth["observed"]["difference_in_differences"])
    groups = {(g["trained_team"], g["after_start"]): g for g in truth["observed"]["by_group"]}
    assert did["n_trained_teams"] == len(truth["parameters"]["trained_teams"])
    # every inbound transcript of an agent-handled conversation is counted, as in the truth
    assert did["n_trained_after"] == groups[(True, True)]["transcripts"]
    assert did["n_untrained_before"] == groups[(False, False)]["transcripts"]


def test_initiatives_of_every_team_answer_insufficient_data(planted: Warehouse) -> None:
    rows = planted.records(
        "SELECT kind, status, insufficient_reason, difference_in_differences "
        "FROM marts.fct_service_initiative_did WHERE kind <> 'training'"
    )
    assert rows
    for row in rows:
        assert row["status"] == "insufficient_data"
        assert row["difference_in_differences"] is None
        assert "no untrained comparison group" in row["insufficient_reason"]


def test_bot_escalation_and_unresolved_rates_match_the_planted_ones(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["bot_below_human"]["observed"]
    (bots,) = planted.records(
        "SELECT * FROM marts.fct_automation_containment WHERE grain = 'overall'"
    )
    assert bots["n_bot_conversations"] == truth["bot_conversations"]
    assert _covers(
        bots["escalation_rate_ci_low"], bots["escalation_rate_ci_high"], truth["escalation_share"]
    )
    assert _covers(
        bots["unresolved_rate_ci_low"], bots["unresolved_rate_ci_high"], truth["unresolved_share"]
    )
    assert bots["n_asked_for_person"] == bots["n_escalated"]  # every hand-over was asked for


def test_bot_only_conversations_are_rated_below_human_ones(planted: Warehouse) -> None:
    paths = {
        r["service_path"]: r
        for r in planted.records("SELECT * FROM marts.fct_automation_paths WHERE grain = 'overall'")
    }
    assert set(paths) == {"bot_only", "bot_escalated", "human_only"}
    assert (
        paths["bot_only"]["csat_top2_share_ci_high"] < paths["human_only"]["csat_top2_share_ci_low"]
    )
    assert paths["bot_escalated"]["n_csat"] + paths["bot_only"]["n_csat"] == next(
        r["n"]
        for r in planted.truth["effects"]["bot_below_human"]["observed"]["by_handled_by"]
        if r["handled_by"] == "bot"
    )


def test_first_response_is_slower_on_the_understaffed_weekday(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["weekday_csat_dip"]
    day = truth["parameters"]["isodow"]
    label = f"{day}-{WEEKDAYS[day - 1]}"
    rows = {
        r["grain_value"]: r
        for r in planted.records(
            "SELECT * FROM marts.fct_service_response_times "
            "WHERE first_responder = 'agent' AND grain = 'weekday'"
        )
    }
    dip = rows.pop(label)
    expected = truth["observed"]["median_first_response_minutes"]["weekday"]
    low, high = (
        dip["median_first_response_minutes_ci_low"],
        dip["median_first_response_minutes_ci_high"],
    )
    assert _covers(low, high, expected)
    assert all(r["median_first_response_minutes_ci_high"] < low for r in rows.values())
    alerts = planted.records(
        "SELECT grain_value, direction FROM marts.fct_service_alerts "
        "WHERE metric = 'first_response_on_time_share' AND grain = 'weekday' "
        "AND is_significant AND direction = 'down'"
    )
    assert alerts == [{"grain_value": label, "direction": "down"}]


def test_csat_drops_after_the_chatbot_launch(planted: Warehouse) -> None:
    truth = planted.truth["effects"]["bot_below_human"]
    (chat,) = planted.records(
        "SELECT * FROM marts.fct_automation_launch "
        "WHERE channel = 'chat' AND metric = 'csat_top2_share'"
    )
    assert str(chat["launched_at"]) == truth["parameters"]["automation_launch"]
    assert chat["is_significant"] and chat["difference_ci_high"] < 0
    # what the ground truth implies: the bot's share of chat after the launch times the gap
    (bot_share,) = planted.query(
        "SELECT avg(CASE WHEN handled_by = 'bot' THEN 1.0 ELSE 0.0 END) "
        "FROM intermediate.int_service_conversations "
        "WHERE channel = 'chat' AND opened_date >= ?",
        [chat["launched_at"]],
    )[0]
    implied = bot_share * truth["observed"]["difference"]
    assert _covers(chat["difference_ci_low"], chat["difference_ci_high"], implied)


def test_without_planted_effects_nothing_is_significant(unplanted: Warehouse) -> None:
    assert unplanted.truth["effects_planted"] == []
    tested, significant = unplanted.query(
        "SELECT count(*), count(*) FILTER (WHERE is_significant) FROM marts.fct_service_alerts"
    )[0]
    assert tested >= 100 and significant == 0
    launch = unplanted.query(
        "SELECT count(*), count(*) FILTER (WHERE is_significant) FROM marts.fct_automation_launch"
    )[0]
    assert launch[0] >= 9 and launch[1] == 0
    for row in unplanted.records(
        "SELECT * FROM marts.fct_service_initiative_did WHERE status = 'estimated'"
    ):
        assert (
            row["difference_in_differences_ci_low"] < 0 < row["difference_in_differences_ci_high"]
        )


def test_bot_first_escalated_answers_are_their_own_path_not_team_credit(planted: Warehouse) -> None:
    by_path = dict(
        planted.query("SELECT grain_value, n FROM marts.fct_csat WHERE grain = 'service_path'")
    )
    (escalated,) = planted.records(
        "SELECT n_csat FROM marts.fct_automation_paths "
        "WHERE grain = 'overall' AND service_path = 'bot_escalated'"
    )
    assert by_path["bot_escalated"] == escalated["n_csat"] > 0
    credited, human = planted.query(
        """SELECT (SELECT sum(n) FROM marts.fct_csat
                   WHERE grain = 'team' AND grain_value <> 'unknown'),
                  (SELECT count(*) FROM intermediate.int_survey_responses_enriched
                   WHERE survey_type = 'csat' AND team IS NOT NULL
                     AND service_path <> 'bot_escalated')"""
    )[0]
    assert credited == human
