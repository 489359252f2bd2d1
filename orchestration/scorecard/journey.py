"""The customer journey section: the top friction points and the most common paths.

Friction points come from `fct_journey_friction_points` (significantly worse than every other
contact, corrected for the number of comparisons); the path chart shows, for the most common
paths, the churn share of the customers who took them against the overall churn share.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from orchestration.scorecard import charts
from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

TOP_FRICTION = 5
TOP_PATHS = 8
QUALIFIERS = {"bot": "with a bot", "agent": "with a person"}
OUTCOME_TEXT = {
    "repeat_contact": "contact again within 7 days",
    "churn": "cancel within 90 days",
    "next_contact_negative": "are negative at their next contact",
    "next_contact_dissatisfied": "are dissatisfied (CSAT 1-3) after their next contact",
}


SHORT_KINDS = {
    "order": "Order",
    "proactive_outreach": "Outreach",
    "survey_csat": "CSAT",
    "survey_nps": "NPS",
    "survey_ces": "CES",
    "exit_survey": "Exit survey",
    "cancellation": "Cancellation",
}


def path_label(path: str) -> str:
    """'order > contact_technical > survey_csat' as 'Order › Technical › CSAT'."""
    if path.startswith("("):
        return "No earlier touchpoint"
    return " › ".join(
        SHORT_KINDS.get(kind, fmt.label(kind.removeprefix("contact_")))
        for kind in path.split(" > ")
    )


@dataclass(frozen=True)
class FrictionPoint:
    """A significantly worse kind of contact, in words."""

    touchpoint: str
    outcome: str
    rate: str
    interval: str | None
    baseline: str
    n: str


@dataclass(frozen=True)
class JourneySection:
    """The journey section; a reason says why a part is not available."""

    friction: tuple[FrictionPoint, ...] = ()
    friction_tested: int = 0
    friction_reason: str | None = None
    path_svg: str | None = None
    path_reason: str | None = None


def _touchpoint(row: pd.Series) -> str:
    kind = str(row["touchpoint_kind"])
    words = "Contacts" if kind == "all_contacts" else fmt.label(kind.removeprefix("contact_"))
    if kind != "all_contacts":
        words += " contacts"
    qualifiers = [
        QUALIFIERS.get(value, fmt.label(value).lower())
        for column in ("channel", "resolution", "handled_by")
        if (value := str(row[column])) != "all"
    ]
    return words + (f" ({', '.join(qualifiers)})" if qualifiers else "")


def _friction(serving: ServingFile) -> tuple[tuple[FrictionPoint, ...], int, str | None]:
    absent = serving.missing("fct_journey_friction_points")
    if absent:
        return (), 0, absent
    rows = serving.query(
        "select *, count(*) filter (where is_tested) over () as tested "
        "from {fct_journey_friction_points}"
    )
    tested = int(rows["tested"].iloc[0]) if len(rows) else 0
    if not tested:
        return (), 0, "no group of inbound contacts is large enough to compare"
    top = (
        rows[rows["is_friction_point"]]
        .sort_values(["p_value_adjusted", "rate_ratio"], ascending=[True, False])
        .head(TOP_FRICTION)
    )
    points = tuple(
        FrictionPoint(
            touchpoint=_touchpoint(row),
            outcome=OUTCOME_TEXT.get(row["outcome"], fmt.label(row["outcome"])),
            rate=fmt.number(row["rate"], "share"),
            interval=fmt.interval(row["rate_ci_low"], row["rate_ci_high"], "share"),
            baseline=fmt.number(row["baseline_rate"], "share"),
            n=fmt.count(row["n"]),
        )
        for _, row in top.iterrows()
    )
    return points, tested, None


def _paths(serving: ServingFile) -> tuple[str | None, str | None]:
    absent = serving.missing("fct_journey_paths")
    if absent:
        return None, absent
    rows = serving.query(
        "select path as label, churn_share as value, churn_share_ci_low as ci_low, "
        "churn_share_ci_high as ci_high, overall_churn_share, "
        "case when is_reportable then 'reportable' else 'below minimum n' end as shade "
        "from {fct_journey_paths} where path_rank <= ? order by path_rank",
        [TOP_PATHS],
    )
    if rows.empty:
        return None, "no customer has churned or bought again yet"
    rows["label"] = [path_label(path) for path in rows["label"]]
    overall = rows["overall_churn_share"].iloc[0]
    target = None if fmt.is_missing(overall) else float(overall)
    svg = charts.share_bars(rows, target=target, sort=list(rows["label"]), size=240)
    return svg, None


def journey_section(serving: ServingFile) -> JourneySection:
    """The top friction points and the path chart, or why they are not available."""
    friction, tested, friction_reason = _friction(serving)
    path_svg, path_reason = _paths(serving)
    return JourneySection(
        friction=friction,
        friction_tested=tested,
        friction_reason=friction_reason,
        path_svg=path_svg,
        path_reason=path_reason,
    )
