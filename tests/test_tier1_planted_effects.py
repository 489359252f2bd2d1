"""Must-show 3: the models find the planted weekday CSAT dip and the bot-vs-human gap, the
change alert fires for the dip, and a business with no planted effect raises no alert.

Both warehouses are the generator's default size (2,000 customers, the size `make run` uses):
at a few hundred customers a 15-point weekday dip is, honestly, not distinguishable from
noise once the alert corrects for its ~60 comparisons.
"""

import pytest
from effects_warehouse import Warehouse

pytestmark = pytest.mark.slow

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _csat_by(warehouse: Warehouse, grain: str) -> dict[str, tuple]:
    rows = warehouse.query(
        "SELECT grain_value, csat_top2_share, csat_top2_share_ci_low, csat_top2_share_ci_high "
        f"FROM marts.fct_csat WHERE grain = '{grain}' AND grain_value <> 'unknown'"
    )
    return {value: tuple(rest) for value, *rest in rows}


def test_weekday_csat_matches_the_ground_truth_and_the_dip_is_lowest(planted: Warehouse) -> None:
    dip = planted.truth["effects"]["weekday_csat_dip"]
    label = f"{dip['parameters']['isodow']}-{WEEKDAYS[dip['parameters']['isodow'] - 1]}"
    by_weekday = _csat_by(planted, "weekday")
    observed = dip["observed"]["top2_share_by_isodow"]
    assert {k: round(v[0], 4) for k, v in by_weekday.items()} == {
        f"{day}-{WEEKDAYS[int(day) - 1]}": share for day, share in observed.items()
    }
    assert min(by_weekday, key=lambda k: by_weekday[k][0]) == label


def test_the_dip_raises_the_only_weekday_csat_alert(planted: Warehouse) -> None:
    dip = planted.truth["effects"]["weekday_csat_dip"]["parameters"]
    alerts = planted.query(
        "SELECT grain_value, comparison, direction, p_value_adjusted FROM marts.fct_metric_alerts "
        "WHERE metric = 'csat_top2_share' AND grain = 'weekday' AND is_significant"
    )
    label = f"{dip['isodow']}-{WEEKDAYS[dip['isodow'] - 1]}"
    assert [(value, comparison, direction) for value, comparison, direction, _ in alerts] == [
        (label, "other_weekdays", "down")
    ]
    assert alerts[0][3] <= 0.05


def test_bots_are_rated_below_humans(planted: Warehouse) -> None:
    gap = planted.truth["effects"]["bot_below_human"]["observed"]
    by_handler = _csat_by(planted, "handled_by")
    truth = {row["handled_by"]: row["top2_share"] for row in gap["by_handled_by"]}
    assert {k: round(v[0], 4) for k, v in by_handler.items()} == truth
    bot_high, agent_low = by_handler["bot"][2], by_handler["agent"][1]
    assert bot_high < agent_low  # the 95% intervals do not even overlap


def test_without_planted_effects_no_alert_fires(unplanted: Warehouse) -> None:
    assert unplanted.truth["effects_planted"] == []
    tested, alerts, raw_below_5_percent = unplanted.query(
        "SELECT count(*), count(*) FILTER (WHERE is_significant), "
        "count(*) FILTER (WHERE p_value < 0.05) FROM marts.fct_metric_alerts"
    )[0]
    assert tested >= 40  # months, quarters and weekdays of three metrics were compared
    assert alerts == 0, f"{alerts} alerts on noise ({raw_below_5_percent} raw p < 0.05)"
