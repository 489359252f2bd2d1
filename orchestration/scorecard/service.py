"""Service delivery: channels side by side, their consistency, the bot, and initiatives.

Read from the service-delivery marts of the serving file; a part whose mart is missing or
empty says why instead of showing zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

PATH_LABELS = {
    "bot_only": "Bot only",
    "bot_escalated": "Bot, then a person",
    "human_only": "A person from the start",
}


@dataclass(frozen=True)
class ChannelRow:
    """One channel's service figures, formatted."""

    channel: str
    conversations: str
    first_response: str
    on_time: str
    resolution: str
    repeat_contact: str
    csat: str
    sentiment: str


@dataclass(frozen=True)
class Figure:
    """A labelled value with its 95% interval and n."""

    label: str
    value: str
    interval: str | None
    n: str
    note: str = ""


@dataclass(frozen=True)
class ServiceSection:
    """The service-delivery section; each `*_reason` says why a part is empty."""

    channels: tuple[ChannelRow, ...] = ()
    consistency: Figure | None = None
    channels_reason: str | None = None
    automation: tuple[Figure, ...] = ()
    paths: tuple[Figure, ...] = ()
    automation_reason: str | None = None
    initiatives: tuple[Figure, ...] = ()
    initiatives_unavailable: tuple[str, ...] = ()
    initiatives_reason: str | None = None
    alerts: tuple[str, ...] = ()
    ai: tuple[str, ...] = ()


def _minutes(value: object) -> str:
    if fmt.is_missing(value):
        return "–"
    x = float(value)  # type: ignore[arg-type]
    return f"{x:.1f} min" if x < 120 else f"{x / 60:.1f} h"


def _points(low: object, high: object) -> str | None:
    if fmt.is_missing(low) or fmt.is_missing(high):
        return None
    return f"{float(low) * 100:.1f} to {float(high) * 100:.1f} pts"  # type: ignore[arg-type]


def _net(value: object, n: object) -> str:
    if fmt.is_missing(value):
        return "–"
    return f"{fmt.number(value, 'share_difference')} (n={fmt.count(n)})"


def _share(value: object, n: object) -> str:
    return "–" if fmt.is_missing(value) else f"{fmt.number(value, 'share')} (n={fmt.count(n)})"


def _channels(serving: ServingFile) -> tuple[tuple[ChannelRow, ...], Figure | None, str | None]:
    reason = serving.missing("fct_channel_service", "fct_channel_consistency")
    if reason:
        return (), None, reason
    rows = serving.query(
        "select * from {fct_channel_service} where grain = 'overall' "
        "order by channel = 'all', n_conversations desc"
    )
    if rows.empty:
        return (), None, "no inbound interactions in the exports"
    channels = tuple(
        ChannelRow(
            channel="All channels" if r.channel == "all" else fmt.label(r.channel),
            conversations=fmt.count(r.n_conversations),
            first_response=_minutes(r.median_first_response_minutes),
            on_time=_share(r.on_time_share, r.n_with_target),
            resolution=_share(r.resolution_rate, r.n_conversations),
            repeat_contact=_share(r.repeat_contact_rate, r.n_with_customer),
            csat=_share(r.csat_top2_share, r.n_csat),
            sentiment=_net(r.net_sentiment, r.n_with_opinion),
        )
        for r in rows.itertuples()
    )
    spread = serving.query(
        "select * from {fct_channel_consistency} where grain = 'overall' "
        "and metric = 'csat_top2_share' and spread is not null"
    )
    consistency = None
    if not spread.empty:
        s = next(spread.itertuples())
        consistency = Figure(
            label="CSAT spread across channels",
            value=fmt.change(s.spread, "share"),
            interval=_points(s.spread_ci_low, s.spread_ci_high),
            n=fmt.count(s.n),
            note=f"{fmt.label(s.max_channel)} highest, {fmt.label(s.min_channel)} lowest",
        )
    return channels, consistency, None


def _automation(serving: ServingFile) -> tuple[tuple[Figure, ...], tuple[Figure, ...], str | None]:
    reason = serving.missing("fct_automation_containment", "fct_automation_paths")
    if reason:
        return (), (), reason
    bots = serving.query("select * from {fct_automation_containment} where grain = 'overall'")
    if bots.empty:
        return (), (), "no bot-handled conversations in the exports"
    b = next(bots.itertuples())
    figures = tuple(
        Figure(
            label=label,
            value=fmt.number(getattr(b, rate), "share"),
            interval=fmt.interval(
                getattr(b, f"{rate}_ci_low"), getattr(b, f"{rate}_ci_high"), "share"
            ),
            n=fmt.count(b.n_bot_conversations),
        )
        for label, rate in [
            ("Contained (resolved by the bot alone)", "containment_rate"),
            ("Escalated to a person", "escalation_rate"),
            ("Unresolved", "unresolved_rate"),
            ("Bot struggled (from the transcript)", "struggle_rate"),
        ]
    )
    paths = serving.query(
        "select * from {fct_automation_paths} where grain = 'overall' order by service_path"
    )
    path_figures = tuple(
        Figure(
            label=PATH_LABELS.get(p.service_path, p.service_path),
            value=fmt.number(p.csat_top2_share, "share"),
            interval=fmt.interval(p.csat_top2_share_ci_low, p.csat_top2_share_ci_high, "share"),
            n=fmt.count(p.n_csat),
            note=f"{fmt.count(p.n_conversations)} conversations",
        )
        for p in paths.itertuples()
    )
    return figures, path_figures, None


def _initiatives(serving: ServingFile) -> tuple[tuple[Figure, ...], tuple[str, ...], str | None]:
    reason = serving.missing("fct_service_initiative_did")
    if reason:
        return (), (), reason
    rows = serving.query(
        "select * from {fct_service_initiative_did} "
        "where metric in ('closing_turn_positive_share', 'csat_top2_share') "
        "order by started_at, initiative_id, metric"
    )
    if rows.empty:
        return (), (), "no initiatives in the HR trainings export"
    estimated = rows[rows["status"] == "estimated"]
    figures = tuple(
        Figure(
            label=f"{r.initiative_name}: "
            + ("customers leaving positive" if r.metric.startswith("closing") else "CSAT 4-5"),
            value=fmt.change(r.difference_in_differences, "share"),
            interval=_points(
                r.difference_in_differences_ci_low, r.difference_in_differences_ci_high
            ),
            n=fmt.count(
                r.n_trained_before + r.n_trained_after + r.n_untrained_before + r.n_untrained_after
            ),
            note=f"from {fmt.day(r.started_at)}",
        )
        for r in estimated.itertuples()
    )
    unavailable = rows[(rows["status"] != "estimated")].drop_duplicates("initiative_id")
    skipped = tuple(
        f"{r.initiative_name}: {r.insufficient_reason}"
        for r in unavailable.itertuples()
        if r.initiative_id not in set(estimated["initiative_id"])
    )
    return figures, skipped, None


METRIC_LABELS = {
    "first_response_on_time_share": "answered within target",
    "customer_texts_negative_share": "negative share of customer texts",
    "customer_texts_net_sentiment": "net sentiment of customer texts",
    "service_texts_negative_share": "negative share of what customers said about contacts",
    "service_texts_net_sentiment": "net sentiment of what customers said about contacts",
}


def _p(value: object) -> str:
    p = float(value)  # type: ignore[arg-type]
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _alerts(serving: ServingFile, limit: int = 6) -> tuple[str, ...]:
    if not serving.has("fct_service_alerts"):
        return ()
    rows = serving.query(
        "select * from {fct_service_alerts} where is_significant "
        "order by p_value_adjusted, metric, grain_value limit ?",
        [limit],
    )
    baseline = {"other_weekdays": "the other weekdays"}
    return tuple(
        f"{fmt.period(r.grain, r.grain_value)}: {METRIC_LABELS.get(r.metric, r.metric)} "
        f"{fmt.change(r.difference, 'share')} vs "
        f"{baseline.get(r.comparison, fmt.period(r.grain, r.baseline_grain_value))} "
        f"(n={fmt.count(r.n)}, adjusted p {_p(r.p_value_adjusted)})"
        for r in rows.itertuples()
    )


def _ai(serving: ServingFile) -> tuple[str, ...]:
    """The launch's effect on chat CSAT, the bot's empathy score and sentiment lift by path."""
    lines: list[str] = []
    if serving.has("fct_automation_launch"):
        for r in serving.query(
            "select * from {fct_automation_launch} "
            "where channel = 'all' and metric = 'csat_top2_share' and status = 'estimated'"
        ).itertuples():
            verdict = "significant" if r.is_significant else "not significant"
            verdict += f" after correcting for {int(r.n_comparisons)} comparisons"
            lines.append(
                f"After {r.initiative_name} ({fmt.day(r.launched_at)}): CSAT 4-5 on the automated "
                f"channels {fmt.change(r.difference, 'share')} "
                f"(95% interval {_points(r.difference_ci_low, r.difference_ci_high)}, "
                f"n={fmt.count(r.n_before + r.n_after)}; {verdict})"
            )
    if serving.has("fct_ai_bot_empathy"):
        for r in serving.query(
            "select * from {fct_ai_bot_empathy} where grain = 'overall'"
        ).itertuples():
            lines.append(
                f"Algorithmic empathy score of the bot's turns: {float(r.empathy_score):.0f}/100 "
                f"(95% interval {float(r.empathy_score_ci_low):.0f} to "
                f"{float(r.empathy_score_ci_high):.0f}, n={fmt.count(r.n_bot_conversations)})"
            )
    if serving.has("fct_ai_sentiment_lift"):
        lifts = serving.query(
            "select * from {fct_ai_sentiment_lift} where grain = 'overall' "
            "and service_path in ('bot', 'human_only') order by service_path"
        )
        for r in lifts.itertuples():
            who = "bot" if r.service_path == "bot" else "people"
            lines.append(
                f"Customer sentiment from first to last turn with {who}: "
                f"{float(r.mean_lift):+.2f} (95% interval {float(r.mean_lift_ci_low):+.2f} to "
                f"{float(r.mean_lift_ci_high):+.2f}, n={fmt.count(r.n)}; scale -2 to +2)"
            )
    return tuple(lines)


def service_section(serving: ServingFile) -> ServiceSection:
    """The service-delivery section of the scorecard."""
    channels, consistency, channels_reason = _channels(serving)
    automation, paths, automation_reason = _automation(serving)
    initiatives, unavailable, initiatives_reason = _initiatives(serving)
    return ServiceSection(
        channels=channels,
        consistency=consistency,
        channels_reason=channels_reason,
        automation=automation,
        paths=paths,
        automation_reason=automation_reason,
        initiatives=initiatives,
        initiatives_unavailable=unavailable,
        initiatives_reason=initiatives_reason,
        alerts=_alerts(serving),
        ai=_ai(serving),
    )
