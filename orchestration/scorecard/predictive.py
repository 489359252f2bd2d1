"""The predictive and proactive section: the churn-risk and support-need models against
their baseline, the proactive-service rates and the effect of outreach on churn and CSAT.
Missing tables or rows give "Not available" with the reason, never a zero."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

RATE_LABELS = {
    "proactive_contact_rate": "Predicted needs reached by a proactive contact within 30 days",
    "predicted_needs_met": "Predicted needs met before the customer asked",
    "preemptive_issue_resolution_rate": "Proactive contacts not followed by a same-topic contact",
}


@dataclass(frozen=True)
class Figure:
    """One row of a figure table, formatted."""

    label: str
    value: str
    interval: str | None
    n: str


SUPPORT_TARGETS = {
    "inbound_contact": ("Inbound contact within 30 days", "Contact share"),
    "complaint": ("Complaint within 30 days", "Complaint share"),
}


@dataclass(frozen=True)
class SupportModel:
    """One support-need target's newest model, or why it is not available."""

    title: str
    status: str | None = None
    version: str | None = None
    figures: tuple[Figure, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class PredictiveSection:
    """The section; each part has a reason when it is not available."""

    model_status: str | None = None
    model_version: str | None = None
    model_split: str | None = None
    model_figures: tuple[Figure, ...] = ()
    model_reason: str | None = None
    rates: tuple[Figure, ...] = ()
    rates_reason: str | None = None
    effect: Figure | None = None
    effect_groups: str | None = None
    effect_significant: bool = False
    effect_reason: str | None = None
    support_models: tuple[SupportModel, ...] = ()
    support_reason: str | None = None
    csat_effect: Figure | None = None
    csat_groups: str | None = None
    csat_significant: bool = False
    csat_reason: str | None = None


def _model(serving: ServingFile) -> dict[str, object]:
    missing = serving.missing("fct_churn_model_card")
    if missing:
        return {"model_reason": missing}
    card = serving.query("select * from {fct_churn_model_card} order by trained_at desc limit 1")
    if card.empty:
        return {"model_reason": "the churn-risk model has not been trained yet"}
    row = card.iloc[0]
    if row["status"] == "not_available" or fmt.is_missing(row["auc"]):
        return {"model_reason": str(row["reason"] or "no model figures")}
    status = "published" if row["is_published"] else f"withheld: {row['reason']}"
    return {
        "model_status": status,
        "model_version": str(row["model_version"]),
        "model_split": "time split" if row["split"] == "time" else str(row["reason"]),
        "model_figures": _figures(row, "Churn share"),
    }


def _figures(row: object, outcome: str) -> tuple[Figure, ...]:
    n = fmt.count(row["n_holdout"])
    return (
        Figure(
            "AUC, model", f"{row['auc']:.3f}", f"{row['auc_low']:.3f} to {row['auc_high']:.3f}", n
        ),
        Figure(
            "AUC, recency-only baseline",
            f"{row['baseline_auc']:.3f}",
            f"{row['baseline_auc_low']:.3f} to {row['baseline_auc_high']:.3f}",
            n,
        ),
        Figure(
            f"{outcome} in the top risk decile vs all", f"{row['top_decile_lift']:.2f}x", None, n
        ),
        Figure("Brier score (lower is better)", f"{row['brier']:.4f}", None, n),
    )


def _support(serving: ServingFile) -> dict[str, object]:
    missing = serving.missing("fct_support_need_model_card")
    if missing:
        return {"support_reason": missing}
    cards = serving.query(
        "select * from {fct_support_need_model_card} "
        "qualify row_number() over (partition by target order by trained_at desc) = 1"
    )
    models = []
    for target, (title, outcome) in SUPPORT_TARGETS.items():
        rows = cards[cards["target"] == target]
        if rows.empty:
            models.append(SupportModel(title, reason="the model has not been trained yet"))
            continue
        row = rows.iloc[0]
        if row["status"] == "not_available" or fmt.is_missing(row["auc"]):
            models.append(SupportModel(title, reason=str(row["reason"] or "no model figures")))
            continue
        status = "published" if row["is_published"] else f"withheld: {row['reason']}"
        models.append(
            SupportModel(title, status, str(row["model_version"]), _figures(row, outcome))
        )
    return {"support_models": tuple(models)}


def _csat(serving: ServingFile) -> dict[str, object]:
    missing = serving.missing("fct_proactive_outreach_csat")
    if missing:
        return {"csat_reason": missing}
    rows = serving.query("select * from {fct_proactive_outreach_csat} where stratum = 'stratified'")
    if rows.empty or fmt.is_missing(rows.iloc[0]["csat_top2_difference"]):
        return {"csat_reason": "no CSAT answers from both reached and not-reached customers"}
    r = rows.iloc[0]
    if not r["is_reportable"]:
        return {"csat_reason": "too few customers with CSAT answers in one of the two groups"}
    return {
        "csat_effect": Figure(
            "CSAT top-2 share within 180 days, reached minus not reached",
            fmt.change(r["csat_top2_difference"], "share"),
            fmt.interval(
                r["csat_top2_difference_ci_low"],
                r["csat_top2_difference_ci_high"],
                "share_difference",
            ),
            fmt.count(int(r["n_reached"]) + int(r["n_not_reached"])),
        ),
        "csat_groups": (
            f"{fmt.number(r['csat_top2_reached'], 'share')} for {fmt.count(r['n_reached'])} "
            f"reached vs {fmt.number(r['csat_top2_not_reached'], 'share')} for "
            f"{fmt.count(r['n_not_reached'])} not reached"
        ),
        "csat_significant": bool(r["is_significant"]),
    }


def _rates(serving: ServingFile) -> dict[str, object]:
    missing = serving.missing("fct_proactive_service")
    if missing:
        return {"rates_reason": missing}
    rows = serving.query("select * from {fct_proactive_service} where denominator > 0")
    if rows.empty:
        return {"rates_reason": "no complex-product purchases or proactive contacts in the exports"}
    figures = tuple(
        Figure(
            RATE_LABELS.get(str(r["metric"]), fmt.label(str(r["metric"]))),
            fmt.number(r["rate"], "share"),
            fmt.interval(r["rate_ci_low"], r["rate_ci_high"], "share"),
            fmt.count(r["denominator"]),
        )
        for _, r in rows.iterrows()
    )
    return {"rates": figures}


def _effect(serving: ServingFile) -> dict[str, object]:
    missing = serving.missing("fct_proactive_outreach_effect")
    if missing:
        return {"effect_reason": missing}
    rows = serving.query(
        "select * from {fct_proactive_outreach_effect} where stratum = 'stratified'"
    )
    if rows.empty or fmt.is_missing(rows.iloc[0]["churn_difference"]):
        return {"effect_reason": "no customers both reached and not reached after a predicted need"}
    r = rows.iloc[0]
    if not r["is_reportable"]:
        return {"effect_reason": "too few customers in one of the two groups to report"}
    return {
        "effect": Figure(
            "Churn within 180 days, reached minus not reached",
            fmt.change(r["churn_difference"], "share"),
            fmt.interval(
                r["churn_difference_ci_low"], r["churn_difference_ci_high"], "share_difference"
            ),
            fmt.count(int(r["n_reached"]) + int(r["n_not_reached"])),
        ),
        "effect_groups": (
            f"{fmt.number(r['churn_rate_reached'], 'share')} of {fmt.count(r['n_reached'])} "
            f"reached vs {fmt.number(r['churn_rate_not_reached'], 'share')} of "
            f"{fmt.count(r['n_not_reached'])} not reached"
        ),
        "effect_significant": bool(r["is_significant"]),
    }


def predictive_section(serving: ServingFile) -> PredictiveSection:
    """Read the section from the serving file."""
    return PredictiveSection(
        **_model(serving),
        **_rates(serving),
        **_effect(serving),
        **_support(serving),
        **_csat(serving),
    )
