"""The scorecard's charts: Altair specifications rendered offline to inline SVG."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd

FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"
INK = "#1f2a37"
MUTED = "#6b7280"
ACCENT = "#2b6cb0"
PALE = "#a3bfdc"
BAND_COLOURS = {"red": "#b83232", "amber": "#c27c0e", "green": "#2f855a"}


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG document with vl-convert (no browser, no network)."""
    themed = (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=MUTED,
            titleColor=MUTED,
            gridColor="#e5e7eb",
            domainColor="#d1d5db",
            labelFontSize=12,
            titleFontSize=12,
            titleFontWeight="normal",
        )
        .configure_legend(labelColor=MUTED, titleColor=MUTED)
    )
    buffer = io.StringIO()
    themed.save(buffer, format="svg")
    return buffer.getvalue()


def index_trend(months: pd.DataFrame, width: int = 560, height: int = 180) -> str:
    """The empathy index by month on a 0-100 scale with its 95% interval, each point
    coloured by its band.

    `months` has `period_start`, `index_value`, `index_ci_low`, `index_ci_high`, `band` and
    `is_complete_period`; a month still in progress is drawn as a hollow point.
    """
    base = alt.Chart(months).encode(
        x=alt.X("period_start:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month")),
        y=alt.Y("index_value:Q", title="Index (0-100)", scale=alt.Scale(domain=[0, 100])),
    )
    interval = base.mark_rule(color=INK, opacity=0.35, strokeWidth=2).encode(
        y="index_ci_low:Q", y2="index_ci_high:Q"
    )
    line = base.mark_line(color=INK, strokeWidth=2)
    band = alt.Color(
        "band:N",
        scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())),
        legend=None,
    )
    points = base.mark_point(size=70, opacity=1, strokeWidth=2).encode(
        stroke=band, fill=alt.condition("datum.is_complete_period", band, alt.value("white"))
    )
    return to_svg((interval + line + points).properties(width=width, height=height))


SHADES = {
    "reportable": ACCENT,
    "below minimum n": PALE,
    "significantly lower": BAND_COLOURS["red"],
    "significantly higher": BAND_COLOURS["green"],
}


def share_bars(
    groups: pd.DataFrame,
    target: float | None = None,
    vertical: bool = False,
    sort: list[str] | str = "-x",
    size: int = 260,
) -> str:
    """Bars of a 0-1 share per group with its 95% interval as a whisker.

    `groups` has `label`, `value`, `ci_low`, `ci_high` and `shade` (a key of `SHADES`:
    groups below the minimum sample are pale, significant moves red or green). A dashed
    rule marks the target when there is one. `size` is the length of the value axis.
    """
    group_channel, value_channel = (alt.X, alt.Y) if vertical else (alt.Y, alt.X)
    value_axis = "y" if vertical else "x"
    share_scale = alt.Scale(domain=[0, 1])
    label = group_channel("label:N", title=None, sort=sort, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(groups)
    bars = base.mark_bar(**{"width" if vertical else "height": {"band": 0.6}}).encode(
        label,
        value_channel(
            "value:Q", title=None, scale=share_scale, axis=alt.Axis(format="%", tickCount=5)
        ),
        color=alt.Color(
            "shade:N",
            scale=alt.Scale(domain=list(SHADES), range=list(SHADES.values())),
            legend=None,
        ),
    )
    whiskers = base.mark_rule(color=INK, strokeWidth=1.2).encode(
        label,
        value_channel("ci_low:Q", scale=share_scale),
        **{f"{value_axis}2": "ci_high:Q"},
    )
    layers: list[alt.Chart] = [bars, whiskers]
    if target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"target": [target]}))
            .mark_rule(color=MUTED, strokeDash=[4, 3])
            .encode(value_channel("target:Q", scale=share_scale))
        )
    steps = alt.Step(34 if vertical else 22)
    dims = {"width": steps, "height": size} if vertical else {"width": size, "height": steps}
    return to_svg(alt.layer(*layers).properties(**dims))
