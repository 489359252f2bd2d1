"""The four sources' export files, laid out as the tools that produce them write them.

Each :class:`Export` keeps the map from canonical column to export column, so that messy
rows can be planted by canonical name; ``mappings/*.yml`` is the inverse of these layouts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from empathy_devtools.demo.world import World

LIKERT = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
ISO_UTC = "%Y-%m-%dT%H:%M:%SZ"
DAY_FIRST = "%d/%m/%Y"
HR_STYLE = {"encoding": "utf-8-sig", "line_end": "\r\n"}  # an HR suite's Excel-style CSV


@dataclass
class Export:
    """One export file: its layout, its content, and how the tool writes it."""

    path: str  # relative to the output folder
    entity: str
    frame: pd.DataFrame  # in export column names
    columns: dict[str, str]  # canonical column -> export column
    sep: str = ","
    encoding: str = "utf-8"
    line_end: str = "\n"
    quote_all: bool = False
    float_format: str | None = None
    jsonl: bool = False

    def export_column(self, canonical: str) -> str:
        return self.columns[canonical]

    def write(self, out_dir: Path) -> None:
        target = out_dir / self.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.jsonl:
            text = self.frame.to_json(orient="records", lines=True, force_ascii=False)
            target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            return
        self.frame.to_csv(
            target,
            index=False,
            sep=self.sep,
            encoding=self.encoding,
            lineterminator=self.line_end,
            quoting=csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL,
            float_format=self.float_format,
        )


def _time(values: pd.Series, fmt: str) -> pd.Series:
    return values.dt.strftime(fmt).astype(object).where(values.notna(), None)


def _flag(values: pd.Series, yes: str = "Yes", no: str = "No") -> np.ndarray:
    return np.where(values.to_numpy(dtype=bool), yes, no)


def _whole(values: pd.Series) -> pd.Series:
    return values.astype("Int64")


def _export(
    path: str,
    entity: str,
    frame: pd.DataFrame,
    columns: dict[str, str],
    extra: dict[str, object] | None = None,
    **style: object,
) -> Export:
    """Select and rename canonical columns, then add the export-only columns."""
    out = frame[list(columns)].rename(columns=columns).reset_index(drop=True)
    for name, values in (extra or {}).items():
        out[name] = values
    return Export(path, entity, out, columns, **style)


def _reviews(world: World) -> list[Export]:
    reviews = world.reviews.assign(
        rating=_whole(world.reviews["rating"]),
        created_at=_time(world.reviews["created_at"], "%m/%d/%Y"),
        replied_at=_time(world.reviews["replied_at"], "%m/%d/%Y"),
    )
    mentions = world.social_mentions.assign(
        posted_at=_time(world.social_mentions["posted_at"], "%Y-%m-%d %H:%M:%S")
    )
    review_columns = {
        "review_id": "Review ID",
        "platform": "Source",
        "location": "Location",
        "rating": "Stars",
        "author_name": "Reviewer",
        "review_text": "Review",
        "created_at": "Date",
        "reply_text": "Owner Response",
        "replied_at": "Response Date",
    }
    mention_columns = {
        "mention_id": "Mention ID",
        "platform": "Network",
        "author_handle": "Author",
        "mention_text": "Post",
        "posted_at": "Published",
    }
    return [
        _export(
            "reviews/review_aggregator_export.csv",
            "reviews",
            reviews,
            review_columns,
            quote_all=True,
        ),
        _export(
            "reviews/social_listening_mentions.tsv",
            "social_mentions",
            mentions,
            mention_columns,
            sep="\t",
        ),
    ]


def _surveys(world: World) -> list[Export]:
    s = world.survey_responses
    responses = s.assign(
        survey_type=s["survey_type"].str.upper(),
        responded_at=_time(s["responded_at"], "%d.%m.%Y %H:%M"),
        score=_whole(s["score"]),
        felt_understood=_whole(s["felt_understood"]),
    )
    e = world.exit_surveys
    exits = e.assign(
        responded_at=_time(e["responded_at"], "%m/%d/%Y %H:%M:%S"),
        felt_understood=e["felt_understood"].map(LIKERT),
        felt_valued=e["felt_valued"].map(LIKERT),
    )
    response_columns = {
        "response_id": "Response ID",
        "survey_type": "Survey",
        "responded_at": "Submitted",
        "score": "Score",
        "felt_understood": "Understood (1-5)",
        "customer_id": "Customer Ref",
        "interaction_id": "Ticket Ref",
        "comment": "Comment",
    }
    exit_columns = {
        "responded_at": "Timestamp",
        "customer_id": "Customer number",
        "felt_understood": "I felt understood",
        "felt_valued": "I felt valued",
        "reason": "Main reason for leaving",
        "comment": "Anything else you'd like to tell us?",
    }
    return [
        _export(
            "surveys/survey_responses.csv",
            "survey_responses",
            responses,
            response_columns,
            sep=";",
        ),
        _export("surveys/exit_survey_form.csv", "exit_surveys", exits, exit_columns),
    ]


def _crm(world: World) -> list[Export]:
    customers = world.customers.assign(
        signed_up_at=_time(world.customers["signed_up_at"], "%Y-%m-%d"),
        is_churned=_flag(~world.customers["is_churned"]),
    )
    orders = world.orders.assign(
        ordered_at=_time(world.orders["ordered_at"], "%m/%d/%Y %I:%M %p"),
        is_complex_product=_flag(world.orders["is_complex_product"]),
    )
    i = world.interactions
    tickets = i.assign(
        channel=i["channel"].replace({"in_person": "walk-in"}),
        interaction_type=i["interaction_type"].str.capitalize(),
        direction=i["direction"].replace({"proactive": "outbound"}),
        handled_by=i["handled_by"] == "bot",
        opened_at=_time(i["opened_at"], ISO_UTC),
        first_response_at=_time(i["first_response_at"], ISO_UTC),
        resolved_at=_time(i["resolved_at"], ISO_UTC),
    )
    cancellations = world.cancellations.assign(
        cancelled_at=_time(world.cancellations["cancelled_at"], "%Y-%m-%d %H:%M:%S")
    )
    customer_columns = {
        "customer_id": "Customer ID",
        "full_name": "Full Name",
        "email": "E-mail",
        "phone": "Phone",
        "signed_up_at": "Signup Date",
        "location": "Home Store",
        "segment": "Plan",
        "is_churned": "Active",
    }
    order_columns = {
        "order_id": "Order No",
        "customer_id": "Customer ID",
        "ordered_at": "Order Date",
        "product": "Product",
        "quantity": "Qty",
        "amount": "Total",
        "is_complex_product": "Needs Setup",
    }
    ticket_columns = {
        "interaction_id": "ticket_id",
        "customer_id": "requester_id",
        "channel": "via",
        "interaction_type": "category",
        "direction": "direction",
        "handled_by": "handled_by_bot",
        "escalated_to_human": "escalated",
        "agent_id": "assignee",
        "opened_at": "created_at",
        "first_response_at": "first_reply_at",
        "resolved_at": "solved_at",
        "transcript": "conversation",
    }
    cancellation_columns = {
        "customer_id": "Customer ID",
        "cancelled_at": "Cancelled On",
        "reason": "Cancellation Reason",
    }
    return [
        _export(
            "crm/customers.csv",
            "customers",
            customers,
            customer_columns,
            {"Marketing Opt-In": _flag(world.customers["_opt_in"])},
        ),
        _export(
            "crm/orders.csv",
            "orders",
            orders,
            order_columns,
            {"SKU": world.orders["sku"].to_numpy(), "Currency": "USD"},
            float_format="%.2f",
        ),
        _export(
            "crm/helpdesk_tickets.jsonl",
            "interactions",
            tickets,
            ticket_columns,
            {"status": np.where(i["resolved_at"].notna(), "solved", "open")},
            jsonl=True,
        ),
        _export("crm/cancellations.csv", "cancellations", cancellations, cancellation_columns),
    ]


def _hr(world: World) -> list[Export]:
    e = world.employees
    employees = e.assign(
        is_frontline=_flag(e["is_frontline"], "Y", "N"),
        hired_at=_time(e["hired_at"], DAY_FIRST),
        left_at=_time(e["left_at"], DAY_FIRST),
    )
    p = world.pulse_surveys
    pulse = p.assign(
        responded_at=_time(p["responded_at"], DAY_FIRST),
        **{c: _whole(p[c]) for c in ("job_satisfaction", "wellbeing", "stress", "enps")},
    )
    a = world.empathy_assessments
    teq = a.assign(assessed_at=_time(a["assessed_at"], DAY_FIRST))
    t = world.trainings
    initiatives = t.assign(
        started_at=_time(t["started_at"], DAY_FIRST), ended_at=_time(t["ended_at"], DAY_FIRST)
    )
    employee_columns = {
        "employee_id": "Employee Number",
        "full_name": "Name",
        "display_name": "Preferred Name",
        "agent_id": "CRM Agent ID",
        "team": "Team",
        "department": "Department",
        "is_frontline": "Customer Facing",
        "hired_at": "Start Date",
        "left_at": "End Date",
    }
    pulse_columns = {
        "response_id": "Response",
        "employee_id": "Employee Number",
        "responded_at": "Date",
        "job_satisfaction": "Job satisfaction",
        "wellbeing": "Wellbeing",
        "stress": "Stress",
        "enps": "Recommend as employer (0-10)",
    }
    teq_columns = {
        "assessment_id": "Assessment",
        "employee_id": "Employee Number",
        "assessed_at": "Completed",
    } | {f"teq_{i:02d}": f"Q{i}" for i in range(1, 17)}
    initiative_columns = {
        "initiative_id": "ID",
        "initiative_name": "Initiative",
        "kind": "Type",
        "started_at": "Start",
        "ended_at": "End",
        "teams": "Teams",
    }
    return [
        _export("hr/employees.csv", "employees", employees, employee_columns, **HR_STYLE),
        _export("hr/pulse_survey.csv", "pulse_surveys", pulse, pulse_columns, **HR_STYLE),
        _export("hr/teq_assessments.csv", "empathy_assessments", teq, teq_columns, **HR_STYLE),
        _export("hr/initiatives.csv", "trainings", initiatives, initiative_columns, **HR_STYLE),
    ]


def build_exports(world: World) -> list[Export]:
    """Every export file of the four sources."""
    return _reviews(world) + _surveys(world) + _crm(world) + _hr(world)
