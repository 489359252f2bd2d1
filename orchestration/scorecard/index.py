"""The empathy index section: latest value, band, coverage, trend and components."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import charts
from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving import ServingFile


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
class IndexSection:
    """The index as the page shows it; `reason` says why when there is no value."""

    reason: str | None = None
    period: str = ""
    value: str | None = None
    band: str | None = None
    coverage: str = ""
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
            score=fmt.number(row.normalized_value, "index"),
            weight=f"{row.effective_weight * 100:.0f}% ({row.weight * 100:.0f}%)",
            target=fmt.number(row.target, row.unit),
            owner=row.owner,
            status=None if fmt.is_missing(row.status) else row.status,
            reason=None if row.is_available else row.unavailable_reason,
        )
        for row in rows.itertuples()
    )


def index_section(serving: ServingFile) -> IndexSection:
    """The index of the latest complete month, or of all periods, with the monthly trend.

    A month is complete when its coverage reaches that of all periods together: it then uses
    every component the exports can feed, so it compares with the other complete months.
    """
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
    months = periods[(periods["period"] != "overall") & periods["index_value"].notna()].assign(
        complete=lambda m: m["coverage"] >= whole["coverage"] - 1e-9
    )
    complete = months[months["complete"]]
    headline = complete.iloc[-1] if len(complete) else whole
    components = _components(serving, headline["period"])
    if fmt.is_missing(headline["index_value"]):
        return IndexSection(
            reason="no component available", period="all periods", components=components
        )
    used = sum(c.reason is None for c in components)
    return IndexSection(
        period=fmt.month(headline["period"]),
        value=fmt.number(headline["index_value"], "index"),
        band=headline["band"],
        coverage=(
            f"{headline['coverage'] * 100:.0f}% of the configured weight "
            f"({used} of {len(components)} components)"
        ),
        overall=None if headline is whole else fmt.number(whole["index_value"], "index"),
        trend_svg=charts.index_trend(months) if len(months) >= 2 else None,
        components=components,
    )
