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
    coverage: str = "0%"
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
    """The latest month with an index value (or all periods), with the monthly trend."""
    absent = serving.missing("fct_empathy_index", "fct_empathy_index_components", "dim_kpis")
    if absent:
        return IndexSection(reason=absent)
    periods = serving.query(
        "select * from {fct_empathy_index} order by period = 'overall', period_start"
    )
    months = periods[(periods["period"] != "overall") & periods["index_value"].notna()]
    overall = periods[periods["period"] == "overall"]
    headline = months.iloc[-1] if len(months) else (overall.iloc[0] if len(overall) else None)
    if headline is None:
        return IndexSection(reason="no index row was published")
    components = _components(serving, headline["period"])
    available = not fmt.is_missing(headline["index_value"])
    reasons = "; ".join(f"{c.label}: {c.reason}" for c in components if c.reason)
    return IndexSection(
        period=fmt.month(headline["period_start"]),
        value=fmt.number(headline["index_value"], "index") if available else None,
        band=headline["band"] if available else None,
        coverage=f"{headline['coverage'] * 100:.0f}%",
        overall=(
            fmt.number(overall.iloc[0]["index_value"], "index")
            if len(overall) and not fmt.is_missing(overall.iloc[0]["index_value"])
            else None
        ),
        trend_svg=charts.index_trend(months) if len(months) >= 2 else None,
        components=components,
        reason=None if available else (reasons or "no component available"),
    )
