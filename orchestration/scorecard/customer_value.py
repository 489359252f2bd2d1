"""Tier 2, customer value: CLTV and churn by perceived-empathy segment, churn after contacts,
and why customers left. Every part says why it is not available instead of showing 0."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

SEGMENTS = ("high", "mixed", "low", "no_signal")
NO_VALUE = "no orders and no reported CLTV in the exports"
NO_CHURN = "no cancellations, churned flag or orders in the exports"
NO_EXITS = "no exit surveys, cancellation reasons or churn reasons in the exports"


@dataclass(frozen=True)
class SegmentRow:
    """One perceived-empathy segment: its customers' value and churn."""

    segment: str
    customers: str
    mean_value: str
    median_value: str
    vs_low: str | None
    vs_low_interval: str | None
    churn: str | None
    churn_interval: str | None
    pale: bool


@dataclass(frozen=True)
class ContactChurn:
    """Churn after one kind of contact, significantly above the other contacts."""

    kind: str
    rate: str
    interval: str | None
    ratio: str
    contacts: str


@dataclass(frozen=True)
class ExitReason:
    """One reason for leaving, with how understood those customers felt."""

    reason: str
    share: str
    responses: str
    understood: str | None
    unresolved_last_contact: str | None


@dataclass(frozen=True)
class CustomerValue:
    """The customer-value section; each `*_reason` says why a part is empty."""

    value_measure: str = ""
    as_of: str = ""
    segments: tuple[SegmentRow, ...] = ()
    overall_churn: str | None = None
    overall_churn_note: str = ""
    after_contact: tuple[ContactChurn, ...] = ()
    exits: tuple[ExitReason, ...] = ()
    exit_source: str = ""
    value_reason: str | None = None
    churn_reason: str | None = None
    exit_reason: str | None = None


def _value_rows(serving: ServingFile) -> pd.DataFrame:
    return serving.query(
        """
        select value_measure, segment, n_customers, mean_value, median_value, ratio,
            ratio_ci_low, ratio_ci_high, as_of, is_reportable
        from {fct_cltv_by_segment}
        where segmentation = 'empathy_segment'
            and value_measure in ('historical_cltv', 'reported_cltv')
        """
    )


def _churn_by_segment(serving: ServingFile) -> dict[str, tuple[str, str | None]]:
    rows = serving.query(
        """
        select grain_value, churn_rate, churn_rate_ci_low, churn_rate_ci_high
        from {fct_churn_rates} where grain = 'empathy_segment'
        """
    )
    return {
        r.grain_value: (
            fmt.number(r.churn_rate, "share"),
            fmt.interval(r.churn_rate_ci_low, r.churn_rate_ci_high, "share"),
        )
        for r in rows.itertuples()
    }


def _segments(serving: ServingFile) -> tuple[str, str, tuple[SegmentRow, ...]]:
    values = _value_rows(serving)
    if values.empty:
        return "", "", ()
    has_orders = (values.value_measure == "historical_cltv").any()
    measure = "historical_cltv" if has_orders else "reported_cltv"
    values = values[values.value_measure == measure].set_index("segment")
    churn = _churn_by_segment(serving) if serving.has("fct_churn_rates") else {}
    rows = []
    for segment in (s for s in SEGMENTS if s in values.index):
        v = values.loc[segment]
        rate, interval = churn.get(segment, (None, None))
        rows.append(
            SegmentRow(
                segment=fmt.label(segment),
                customers=fmt.count(v.n_customers),
                mean_value=f"{v.mean_value:,.0f}",
                median_value=f"{v.median_value:,.0f}",
                vs_low=None if fmt.is_missing(v.ratio) else f"{v.ratio:.2f}x",
                vs_low_interval=fmt.interval(v.ratio_ci_low, v.ratio_ci_high, "ratio"),
                churn=rate,
                churn_interval=interval,
                pale=not bool(v.is_reportable),
            )
        )
    as_of = values.as_of.dropna()
    label = "Historical CLTV" if measure == "historical_cltv" else "CLTV reported by the CRM"
    return label, "" if as_of.empty else fmt.day(as_of.iloc[0]), tuple(rows)


def _after_contact(serving: ServingFile, limit: int) -> tuple[ContactChurn, ...]:
    rows = serving.query(
        """
        select grain_value, churn_rate, churn_rate_ci_low, churn_rate_ci_high, rate_ratio,
            n_contacts, window_days
        from {fct_churn_after_contact}
        where grain in ('interaction_type_resolution', 'channel') and is_reportable
            and is_significant and rate_ratio > 1
        order by rate_ratio desc, grain_value
        limit ?
        """,
        [limit],
    )
    return tuple(
        ContactChurn(
            kind=f"{r.grain_value} (within {r.window_days} days)",
            rate=fmt.number(r.churn_rate, "share"),
            interval=fmt.interval(r.churn_rate_ci_low, r.churn_rate_ci_high, "share"),
            ratio=f"{r.rate_ratio:.1f}x",
            contacts=fmt.count(r.n_contacts),
        )
        for r in rows.itertuples()
    )


def _exits(serving: ServingFile, limit: int) -> tuple[str, tuple[ExitReason, ...]]:
    rows = serving.query(
        """
        select source, grain_value, n_responses, share_of_source, felt_understood_share,
            last_contact_unresolved_share
        from {fct_exit_reasons}
        where grain = 'reason'
        order by case source when 'exit_survey' then 1 when 'cancellation' then 2 else 3 end,
            n_responses desc, grain_value
        """
    )
    if rows.empty:
        return "", ()
    source = rows.source.iloc[0]
    rows = rows[rows.source == source].head(limit)
    return fmt.label(source), tuple(
        ExitReason(
            reason=r.grain_value,
            share=fmt.number(r.share_of_source, "share"),
            responses=fmt.count(r.n_responses),
            understood=None
            if fmt.is_missing(r.felt_understood_share)
            else fmt.number(r.felt_understood_share, "share"),
            unresolved_last_contact=None
            if fmt.is_missing(r.last_contact_unresolved_share)
            else fmt.number(r.last_contact_unresolved_share, "share"),
        )
        for r in rows.itertuples()
    )


def _overall_churn(serving: ServingFile) -> tuple[str | None, str]:
    rows = serving.query(
        """
        select churn_rate, n_customers, n_churned, churn_definition
        from {fct_churn_rates} where grain = 'overall'
        """
    )
    if rows.empty:
        return None, ""
    r = rows.iloc[0]
    note = (
        f"{fmt.count(r.n_churned)} of {fmt.count(r.n_customers)} customers, "
        f"{fmt.label(r.churn_definition)} churn"
    )
    return fmt.number(r.churn_rate, "share"), note


def customer_value(serving: ServingFile, contacts: int = 3, reasons: int = 5) -> CustomerValue:
    """Value and churn by perceived-empathy segment, churn after contacts, exit reasons."""
    value_reason = serving.missing("fct_cltv_by_segment")
    churn_reason = serving.missing("fct_churn_rates", "fct_churn_after_contact")
    exit_reason = serving.missing("fct_exit_reasons")
    measure, as_of, segments = ("", "", ()) if value_reason else _segments(serving)
    if not value_reason and not segments:
        value_reason = NO_VALUE
    overall, note = (None, "") if churn_reason else _overall_churn(serving)
    if not churn_reason and overall is None:
        churn_reason = NO_CHURN
    after = () if churn_reason else _after_contact(serving, contacts)
    source, exits = ("", ()) if exit_reason else _exits(serving, reasons)
    if not exit_reason and not exits:
        exit_reason = NO_EXITS
    return CustomerValue(
        value_measure=measure,
        as_of=as_of,
        segments=segments,
        overall_churn=overall,
        overall_churn_note=note,
        after_contact=after,
        exits=exits,
        exit_source=source,
        value_reason=value_reason,
        churn_reason=churn_reason,
        exit_reason=exit_reason,
    )
