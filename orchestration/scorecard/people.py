"""People: employee well-being and empathy by group, suppressed cells shown as suppressed, and
whether teams with better-off, more empathetic people earn better customer outcomes.

Reads only the published people marts, whose groups under 5 people (and groups derivable by
subtraction) carry no figure: such a cell reads "Suppressed", never 0 and never a count.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

SUPPRESSED = "Suppressed"
GRAIN_ORDER = {"overall": 0, "department": 1, "frontline": 2, "team": 3}
LINK_LABELS = {
    "teq_total_mean": "Empathy (TEQ)",
    "wellbeing_mean": "Well-being",
    "csat_top2_share": "CSAT satisfied share",
    "nps": "NPS (customer's main team, 90 days)",
    "net_sentiment": "Net sentiment of customer texts",
}


@dataclass(frozen=True)
class PeopleRow:
    """One group: its figures as text, or the suppression note."""

    grain: str
    group: str
    people: str
    wellbeing: str
    enps: str
    teq: str
    suppressed: bool
    reason: str | None


@dataclass(frozen=True)
class LinkRow:
    """One people measure against one customer outcome, across teams."""

    people_measure: str
    outcome: str
    teams: int
    r: str
    conclusion: str


@dataclass(frozen=True)
class PeopleSection:
    """The people section; `reason` says why it is empty."""

    rows: tuple[PeopleRow, ...] = ()
    links: tuple[LinkRow, ...] = ()
    reason: str | None = "not in this publication: fct_people_pulse"


def _group(grain: str, value: str) -> str:
    return fmt.label(value) if grain in ("overall", "frontline") else value


def _mean(value: object, low: object, high: object) -> str:
    if fmt.is_missing(value):
        return "–"
    text = f"{float(value):.2f}"  # type: ignore[arg-type]
    span = fmt.interval(low, high, "score")
    return f"{text} ({span})" if span else text


def _rows(serving: ServingFile) -> tuple[PeopleRow, ...]:
    teq = {}
    if serving.has("fct_people_empathy"):
        frame = serving.query(
            "select grain, grain_value, teq_total_mean, teq_total_mean_ci_low, "
            "teq_total_mean_ci_high, is_suppressed from {fct_people_empathy}"
        )
        for r in frame.itertuples():
            teq[(r.grain, r.grain_value)] = (
                SUPPRESSED
                if r.is_suppressed
                else _mean(r.teq_total_mean, r.teq_total_mean_ci_low, r.teq_total_mean_ci_high)
            )
    frame = serving.query(
        "select * from {fct_people_pulse}"
        " where grain in ('overall', 'department', 'frontline', 'team')"
    )
    rows = []
    for r in frame.itertuples():
        teq_text = teq.get((r.grain, r.grain_value), "–")
        if r.is_suppressed:
            rows.append(
                PeopleRow(
                    r.grain,
                    _group(r.grain, r.grain_value),
                    SUPPRESSED,
                    SUPPRESSED,
                    SUPPRESSED,
                    teq_text,
                    True,
                    r.suppression_reason,
                )
            )
            continue
        enps = fmt.number(r.enps, "points")
        span = fmt.interval(r.enps_ci_low, r.enps_ci_high, "points")
        rows.append(
            PeopleRow(
                r.grain,
                _group(r.grain, r.grain_value),
                fmt.count(r.n_people),
                _mean(r.wellbeing_mean, r.wellbeing_mean_ci_low, r.wellbeing_mean_ci_high),
                f"{enps} ({span})" if span else enps,
                teq_text,
                False,
                None,
            )
        )
    rows.sort(key=lambda row: (GRAIN_ORDER.get(row.grain, 9), row.group))
    return tuple(rows)


def _links(serving: ServingFile) -> tuple[LinkRow, ...]:
    if not serving.has("fct_people_customer_link"):
        return ()
    frame = serving.query(
        "select * from {fct_people_customer_link} order by people_measure, customer_measure"
    )
    links = []
    for r in frame.itertuples():
        span = fmt.interval(r.r_ci_low, r.r_ci_high, "score")
        r_text = "–" if fmt.is_missing(r.r) else f"{float(r.r):.2f}"
        links.append(
            LinkRow(
                LINK_LABELS.get(r.people_measure, r.people_measure),
                LINK_LABELS.get(r.customer_measure, r.customer_measure),
                int(r.n_teams),
                f"{r_text} ({span})" if span else r_text,
                r.conclusion,
            )
        )
    return tuple(links)


def people_section(serving: ServingFile) -> PeopleSection:
    """The people section of the scorecard, or why it is not available."""
    missing = serving.missing("fct_people_pulse")
    if missing:
        return PeopleSection(reason=missing)
    rows = _rows(serving)
    if not rows:
        return PeopleSection(reason="no pulse-survey answers in the HR exports")
    return PeopleSection(rows=rows, links=_links(serving), reason=None)
