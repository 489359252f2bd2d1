"""Executive accountability: each tier's KPIs against target and owner, and what changed.

KPIs are listed by tier, those weighing most in the empathy index first.

A KPI's arrow shows only when `fct_metric_alerts` flags its latest month as a statistically
significant move from the month before; everything else is shown without an arrow.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

TIER_TITLES = {
    "tier1_fundamentals": "Tier 1 · Fundamentals",
    "tier2_relationships": "Tier 2 · Relationships",
    "tier3_advanced": "Tier 3 · Advanced",
}
INDEX_TIER = "empathy_index"


@dataclass(frozen=True)
class Headline:
    """One KPI as a card: value with interval and n, target, owner, status, change."""

    kpi: str
    label: str
    value: str
    period: str
    interval: str | None
    n: str
    target: str
    owner: str
    status: str
    status_text: str
    reason: str | None
    arrow: str | None
    change_text: str | None
    change_good: bool | None
    off_target_months: int


@dataclass(frozen=True)
class Tier:
    """A tier's headline KPIs."""

    title: str
    headlines: tuple[Headline, ...]


@dataclass(frozen=True)
class Alert:
    """A significant move, in words."""

    text: str
    arrow: str
    good: bool


def _arrow(direction: object) -> str | None:
    return {"up": "▲", "down": "▼"}.get(str(direction)) if not fmt.is_missing(direction) else None


def _is_good(direction: object, better: str) -> bool:
    return (direction == "up") == (better != "lower_is_better")


def headline_tiers(serving: ServingFile) -> tuple[tuple[Tier, ...], str | None]:
    """KPIs grouped by tier (the index's own KPI is shown in the index section)."""
    absent = serving.missing(
        "dim_kpis", "fct_kpi_values", "fct_metric_alerts", "fct_empathy_index_components"
    )
    if absent:
        return (), absent
    rows = serving.query(
        """
        select k.*, v.ci_low, v.ci_high,
            a.direction as change_direction, a.difference as change_difference,
            a.baseline_grain_value as change_baseline
        from {dim_kpis} as k
        left join {fct_kpi_values} as v on v.kpi = k.kpi and v.period = k.latest_period
        left join {fct_metric_alerts} as a
            on a.metric = k.kpi and a.grain = 'month' and a.grain_value = k.latest_period
            and a.comparison = 'previous_month' and a.is_significant
        left join {fct_empathy_index_components} as c
            on c.component = k.kpi and c.period = 'overall'
        where k.tier <> ?
        order by k.tier, c.weight desc nulls last, k.kpi_label
        """,
        [INDEX_TIER],
    )
    tiers: dict[str, list[Headline]] = {}
    for row in rows.itertuples():
        arrow = _arrow(row.change_direction)
        tiers.setdefault(row.tier, []).append(
            Headline(
                kpi=row.kpi,
                label=row.kpi_label,
                value=fmt.number(row.latest_value, row.unit),
                period=fmt.month(row.latest_period_start),
                interval=fmt.interval(row.ci_low, row.ci_high, row.unit),
                n=fmt.count(row.latest_n),
                target=fmt.number(row.target, row.unit),
                owner=row.owner,
                status=row.status,
                status_text=fmt.STATUS_TEXT.get(row.status, fmt.label(str(row.status))),
                reason=None if fmt.is_missing(row.status_reason) else row.status_reason,
                arrow=arrow,
                change_text=(
                    f"{fmt.change(row.change_difference, row.unit)} vs "
                    f"{fmt.month(row.change_baseline)}"
                    if arrow
                    else None
                ),
                change_good=_is_good(row.change_direction, row.direction) if arrow else None,
                off_target_months=(
                    0 if fmt.is_missing(row.periods_off_target) else int(row.periods_off_target)
                ),
            )
        )
    return (
        tuple(Tier(TIER_TITLES.get(t, fmt.label(t)), tuple(h)) for t, h in tiers.items()),
        None,
    )


def significant_alerts(serving: ServingFile, limit: int = 6) -> tuple[Alert, ...]:
    """Significant moves: each metric's latest month and quarter against the one before,
    and each weekday against the other weekdays; strongest evidence first."""
    if serving.missing("fct_metric_alerts", "dim_kpis"):
        return ()
    rows = serving.query(
        """
        select a.*, coalesce(k.kpi_label, a.metric) as kpi_label,
            coalesce(k.unit, 'share') as unit, coalesce(k.direction, 'higher_is_better') as better
        from {fct_metric_alerts} as a
        left join {dim_kpis} as k on k.kpi = a.metric
        where a.is_significant and (
            a.grain = 'weekday' or a.period_start = (
                select max(latest.period_start) from {fct_metric_alerts} as latest
                where latest.metric = a.metric and latest.grain = a.grain
            )
        )
        order by a.p_value_adjusted, a.metric, a.grain
        limit ?
        """,
        [limit],
    )
    alerts = []
    for row in rows.itertuples():
        if row.grain == "weekday":
            where = f"on {fmt.period(row.grain, row.grain_value)}s vs other weekdays"
        else:
            where = (
                f"in {fmt.period(row.grain, row.grain_value)} vs "
                f"{fmt.period(row.grain, row.baseline_grain_value)}"
            )
        alerts.append(
            Alert(
                text=(
                    f"{row.kpi_label}: {fmt.number(row.value, row.unit)} {where} "
                    f"({fmt.change(row.difference, row.unit)}; n = {fmt.count(row.n)})"
                ),
                arrow=_arrow(row.direction) or "•",
                good=_is_good(row.direction, row.better),
            )
        )
    return tuple(alerts)
