"""Executive accountability: the commitments made to move each KPI (overdue ones first) and
customer-centricity by department, from `fct_commitments` and `fct_customer_centricity`."""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile


@dataclass(frozen=True)
class Commitment:
    """One commitment as the board reads it."""

    action: str
    kpi: str
    owner: str
    due: str
    status: str
    overdue: str | None


@dataclass(frozen=True)
class Department:
    """A department's customer-centricity proxies and score."""

    name: str
    score: str
    kpis: str
    outcomes: str


@dataclass(frozen=True)
class Accountability:
    """The section; a reason stands in for each part that cannot be shown."""

    commitments: tuple[Commitment, ...] = ()
    commitments_reason: str | None = None
    departments: tuple[Department, ...] = ()
    departments_reason: str | None = None


def _commitments(serving: ServingFile) -> tuple[Commitment, ...]:
    rows = serving.query(
        "select * from {fct_commitments} order by is_overdue desc, due_date, commitment_id"
    )
    return tuple(
        Commitment(
            action=row.action,
            kpi=row.kpi_label if not fmt.is_missing(row.kpi_label) else row.kpi,
            owner=row.owner,
            due=fmt.day(row.due_date),
            status=fmt.label(row.status),
            overdue=f"{row.days_overdue} days overdue" if row.is_overdue else None,
        )
        for row in rows.itertuples()
    )


def _outcomes(row: object) -> str:
    n = fmt.count(row.n_csat_answers)  # type: ignore[attr-defined]
    if not row.contacts_csat_is_reportable:  # type: ignore[attr-defined]
        return f"too few answers about its contacts (n = {n})"
    share = fmt.number(row.contacts_csat_top2_share, "share")  # type: ignore[attr-defined]
    interval = fmt.interval(
        row.contacts_csat_top2_share_ci_low,  # type: ignore[attr-defined]
        row.contacts_csat_top2_share_ci_high,  # type: ignore[attr-defined]
        "share",
    )
    return f"CSAT {share} of its contacts (n = {n}, 95% CI {interval})"


def _departments(serving: ServingFile) -> tuple[Department, ...]:
    rows = serving.query(
        "select * from {fct_customer_centricity} order by centricity_score desc nulls last"
    )
    return tuple(
        Department(
            name=row.department,
            score=fmt.number(row.centricity_score, "index"),
            kpis=(
                f"{row.n_kpis_on_target} of {row.n_kpis_with_status} owned KPIs on target"
                if row.n_kpis_with_status
                else "owns no KPI"
            ),
            outcomes=_outcomes(row),
        )
        for row in rows.itertuples()
    )


def accountability(serving: ServingFile) -> Accountability:
    """Commitments and customer-centricity, each 'not available' with the reason if absent."""
    commitments_reason = serving.missing("fct_commitments")
    departments_reason = serving.missing("fct_customer_centricity")
    commitments = () if commitments_reason else _commitments(serving)
    departments = () if departments_reason else _departments(serving)
    return Accountability(
        commitments=commitments,
        commitments_reason=commitments_reason
        or (None if commitments else "no commitments recorded in seeds/commitments.csv"),
        departments=departments,
        departments_reason=departments_reason
        or (None if departments else "no KPI owner or agent belongs to a department"),
    )
