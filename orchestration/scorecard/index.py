"""The empathy index section: the reporting month's value with its interval, band,
coverage, the change from the previous month (an arrow only when significant), what moved
it, the monthly trend and the components.

The reporting month is `fct_empathy_index.is_latest` (the latest month that had ended when
the data were exported): the same month `dim_kpis` reports, one definition everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from orchestration.scorecard import charts
from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

MOVERS_SHOWN = 3


@dataclass(frozen=True)
class Component:
    """One component of the index in the headline period."""

    label: str
    pillar: str
    value: str
    score: str
    weight: str
    target: str
    owner: str
    status: str | None
    reason: str | None


@dataclass(frozen=True)
class Mover:
    """A component's contribution to the index's change, in index points."""

    label: str
    points: str
    up: bool


@dataclass(frozen=True)
class IndexSection:
    """The index as the page shows it; `reason` says why when there is no value."""

    reason: str | None = None
    period: str = ""
    value: str | None = None
    interval: str | None = None
    band: str | None = None
    coverage: str = ""
    change: str | None = None
    arrow: str | None = None
    change_good: bool | None = None
    movers: tuple[Mover, ...] = ()
    overall: str | None = None
    trend_svg: str | None = None
    components: tuple[Component, ...] = ()


def _components(serving: ServingFile, period: str) -> tuple[Component, ...]:
    rows = serving.query(
        """
        select c.*, coalesce(k.kpi_label, c.component) as kpi_label, coalesce(k.unit, '') as unit
        from {fct_empathy_index_components} as c
        left join {dim_kpis} as k on k.kpi = c.component
        where c.period = ?
        order by c.weight desc, c.component
        """,
        [period],
    )
    return tuple(
        Component(
            label=row.kpi_label,
            pillar=fmt.label(row.pillar),
            value=fmt.number(row.raw_value, row.unit),
            score=fmt.number(row.score, "index"),
            weight=f"{row.weight_share * 100:.0f}%",
            target=fmt.number(row.target, row.unit),
            owner=row.owner,
            status=None if fmt.is_missing(row.status) else row.status,
            reason=None if fmt.is_missing(row.unavailable_reason) else row.unavailable_reason,
        )
        for row in rows.itertuples()
    )


def _movers(serving: ServingFile, period: str) -> tuple[Mover, ...]:
    if not serving.has("fct_empathy_index_changes"):
        return ()
    rows = serving.query(
        """
        select ch.contribution_to_change, coalesce(k.kpi_label, ch.component) as kpi_label
        from {fct_empathy_index_changes} as ch
        left join {dim_kpis} as k on k.kpi = ch.component
        where ch.period = ? and abs(ch.contribution_to_change) >= 0.05
        order by ch.mover_rank
        limit ?
        """,
        [period, MOVERS_SHOWN],
    )
    return tuple(
        Mover(
            label=row.kpi_label,
            points=f"{row.contribution_to_change:+.1f}",
            up=row.contribution_to_change > 0,
        )
        for row in rows.itertuples()
    )


def _change(row: pd.Series) -> tuple[str | None, str | None, bool | None]:
    """The change in words, the arrow (only when significant) and whether it is good."""
    if fmt.is_missing(row["change"]):
        return None, None, None
    since = fmt.month(row["previous_period"])
    interval = f"95% interval {row['change_ci_low']:+.1f} to {row['change_ci_high']:+.1f}"
    if not row["change_is_significant"]:
        text = f"No significant change since {since} ({row['change']:+.1f} points, {interval})."
        return text, None, None
    up = row["change"] > 0
    text = f"{row['change']:+.1f} points since {since} ({interval})."
    return text, "▲" if up else "▼", up


def index_section(serving: ServingFile) -> IndexSection:
    """The index of the reporting month, or of all periods when no month has data."""
    absent = serving.missing("fct_empathy_index", "fct_empathy_index_components", "dim_kpis")
    if absent:
        return IndexSection(reason=absent)
    periods = serving.query(
        "select * from {fct_empathy_index} order by period = 'overall', period_start"
    )
    overall = periods[periods["period"] == "overall"]
    if overall.empty:
        return IndexSection(reason="no index over all periods was published")
    whole = overall.iloc[0]
    latest = periods[periods["is_latest"].fillna(False).astype(bool)]
    headline = latest.iloc[0] if len(latest) else whole
    components = _components(serving, headline["period"])
    months = periods[(periods["period"] != "overall") & periods["index_value"].notna()]
    trend = charts.index_trend(months) if len(months) >= 2 else None
    used = sum(c.reason is None or c.reason.startswith("no data this month") for c in components)
    coverage = (
        f"{headline['coverage'] * 100:.0f}% of the configured weight "
        f"({used} of {len(components)} components measured; floor "
        f"{headline['coverage_floor'] * 100:.0f}%)"
    )
    if fmt.is_missing(headline["index_value"]):
        return IndexSection(
            reason=f"Not enough data: {headline['status_reason']}",
            period=fmt.month(headline["period"]),
            coverage=coverage,
            trend_svg=trend,
            components=components,
        )
    change, arrow, good = _change(headline)
    return IndexSection(
        period=fmt.month(headline["period"]),
        value=fmt.number(headline["index_value"], "index"),
        interval=fmt.interval(headline["index_ci_low"], headline["index_ci_high"], "index"),
        band=headline["band"],
        coverage=coverage,
        change=change,
        arrow=arrow,
        change_good=good,
        movers=_movers(serving, headline["period"]) if change else (),
        overall=None if headline is whole else fmt.number(whole["index_value"], "index"),
        trend_svg=trend,
        components=components,
    )
