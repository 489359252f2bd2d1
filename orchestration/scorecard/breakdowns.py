"""Breakdowns an executive asks for: customer satisfaction by channel, team, location,
bot or human, and the weekday pattern, each as a chart with 95% intervals."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import charts
from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

METRIC = "csat_top2_share"
GRAINS = {
    "channel": "By channel",
    "team": "By team",
    "location": "By location",
    "handled_by": "Bot or human agent",
    "weekday": "Weekday pattern",
}


@dataclass(frozen=True)
class Breakdown:
    """One chart of the breakdowns section."""

    title: str
    svg: str


def kpi_reason(serving: ServingFile, kpi: str, default: str) -> str:
    """Why a KPI has no value, as `dim_kpis` says (the seed's reason), or `default`."""
    if serving.has("dim_kpis"):
        reason = serving.query("select status_reason from {dim_kpis} where kpi = ?", [kpi])
        if len(reason) and not fmt.is_missing(reason.iloc[0, 0]):
            return str(reason.iloc[0, 0])
    return default


# Grains whose values are the contract's lower-case codes, shown capitalized.
_CODED = ("channel", "handled_by")


def _label(grain: str, value: str) -> str:
    if value == "unknown":
        return "not recorded"
    if grain == "weekday":
        return fmt.period(grain, value)[:3]
    return fmt.label(value) if grain in _CODED else value


def breakdowns(serving: ServingFile) -> tuple[tuple[Breakdown, ...], str | None]:
    """One chart per grain of `fct_csat` (share satisfied), or why there is none."""
    absent = serving.missing("fct_csat", "fct_metric_alerts", "dim_kpis")
    if absent:
        return (), absent
    rows = serving.query(
        """
        select c.grain, c.grain_value, c.n,
            c.csat_top2_share as value,
            c.csat_top2_share_ci_low as ci_low,
            c.csat_top2_share_ci_high as ci_high,
            case
                when a.direction = 'down' then 'significantly lower'
                when a.direction = 'up' then 'significantly higher'
                when c.is_reportable then 'reportable'
                else 'below minimum n'
            end as shade
        from {fct_csat} as c
        left join {fct_metric_alerts} as a
            on a.metric = ? and a.grain = c.grain and a.grain_value = c.grain_value
            and a.comparison = 'other_weekdays' and a.is_significant
        where list_contains(?, c.grain) and c.n > 0
        order by c.grain, c.grain_value
        """,
        [METRIC, list(GRAINS)],
    )
    if rows.empty:
        return (), kpi_reason(serving, METRIC, "no CSAT survey responses in this publication")
    target = serving.query("select target from {dim_kpis} where kpi = ?", [METRIC])
    target_value = None if target.empty else float(target.iloc[0, 0])
    rows["label"] = [_label(g, v) for g, v in zip(rows["grain"], rows["grain_value"], strict=True)]
    charts_by_grain = []
    for grain, title in GRAINS.items():
        groups = rows[rows["grain"] == grain]
        if groups.empty:
            continue
        weekday = grain == "weekday"
        svg = charts.share_bars(
            groups,
            target=target_value,
            vertical=weekday,
            sort=list(groups["label"]) if weekday else "-x",
            size=170 if weekday else 240,
        )
        charts_by_grain.append(Breakdown(title=title, svg=svg))
    return tuple(charts_by_grain), None
