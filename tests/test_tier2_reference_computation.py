"""Tier 2 must-show 2: historical CLTV, churn rates, churn after contacts and CLTV by the
"felt understood" segment, recomputed in plain Python from the landing files of the planted
demo business, equal the marts.

The reference reads the exports with the csv and json modules through the demo mappings
(mappings/*.yml), applies the contract's rules that the demo's messy rows break (unparseable
dates are quarantined) and keeps, per business key, the last row of the latest export. It
shares no code with the pipeline.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from effects_warehouse import Warehouse

from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

MAPPINGS = PROJECT_ROOT / "mappings"
OUTCOME_DAYS, LOOKBACK_DAYS, CONTACT_DAYS = 180, 365, 90
SCALE = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


def _mapping(source: str, entity: str) -> dict:
    return yaml.safe_load((MAPPINGS / f"{source}.yml").read_text())["entities"][entity]


def _parse(text: str, formats: list[str]) -> datetime | None:
    text = text.strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def _csv_rows(landing: Path, mapping: dict) -> list[dict[str, str]]:
    files = sorted(landing.glob(mapping["files"]), key=lambda p: (p.stat().st_mtime_ns, str(p)))
    rows: list[dict[str, str]] = []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend(csv.DictReader(handle, delimiter=mapping.get("delimiter", ",")))
    return rows


@dataclass
class Business:
    """The demo exports as ingestion loads them, reduced to what tier 2 needs."""

    signup: dict[str, date] = field(default_factory=dict)
    plan: dict[str, str] = field(default_factory=dict)
    inactive: set[str] = field(default_factory=set)
    orders: dict[str, tuple[str, datetime, float]] = field(default_factory=dict)
    cancellations: dict[str, datetime] = field(default_factory=dict)  # latest per customer
    contacts: dict[str, tuple[str, datetime, str, bool, bool]] = field(default_factory=dict)
    understood: list[tuple[str, date, float]] = field(default_factory=list)
    other_dates: list[date] = field(default_factory=list)

    @property
    def customers(self) -> set[str]:
        return (
            set(self.signup)
            | {c for c, _, _ in self.orders.values()}
            | set(self.cancellations)
            | {c for c, *_ in self.contacts.values() if c}
        )

    @property
    def end(self) -> date:
        dates = [t.date() for _, t, _ in self.orders.values()]
        dates += [t.date() for t in self.cancellations.values()]
        dates += [t.date() for _, t, *_ in self.contacts.values()]
        return max(dates + self.other_dates)

    def churned(self, customer: str) -> bool:
        return customer in self.cancellations or customer in self.inactive


def read_business(landing: Path) -> Business:
    biz = Business()
    m = _mapping("crm", "customers")
    c = m["columns"]
    for row in _csv_rows(landing, m):
        cid = row[c["customer_id"]].strip()
        biz.signup[cid] = datetime.strptime(row[c["signed_up_at"]].strip(), "%Y-%m-%d").date()
        biz.plan[cid] = row[c["segment"]].strip()
        if row["Active"].strip().lower() == "no":
            biz.inactive.add(cid)
    m = _mapping("crm", "orders")
    c = m["columns"]
    for row in _csv_rows(landing, m):
        when = _parse(row[c["ordered_at"]], m["date_formats"])
        if when is not None:
            biz.orders[row[c["order_id"]].strip()] = (
                row[c["customer_id"]].strip(),
                when,
                float(row[c["amount"]]),
            )
    m = _mapping("crm", "cancellations")
    c = m["columns"]
    for row in _csv_rows(landing, m):
        cid, when = row[c["customer_id"]].strip(), _parse(row[c["cancelled_at"]], m["date_formats"])
        if when is not None and (cid not in biz.cancellations or when > biz.cancellations[cid]):
            biz.cancellations[cid] = when
    m = _mapping("crm", "interactions")
    for path in sorted(landing.glob(m["files"])):
        for line in path.read_text(encoding="utf-8").splitlines():
            t = json.loads(line)
            biz.contacts[t["ticket_id"]] = (
                (t.get("requester_id") or "").strip(),
                _parse(t["created_at"], m["date_formats"]),
                (t.get("category") or "unknown").strip().lower(),
                bool(t.get("solved_at")),
                (t.get("direction") or "inbound").strip().lower() != "outbound",
            )
    _read_surveys(landing, biz)
    return biz


def _read_surveys(landing: Path, biz: Business) -> None:
    m = _mapping("surveys", "survey_responses")
    c = m["columns"]
    latest: dict[str, tuple[str, date, float | None] | None] = {}
    for row in _csv_rows(landing, m):
        kind, score = row[c["survey_type"]].strip().lower(), row[c["score"]].strip()
        when = _parse(row[c["responded_at"]], m["date_formats"])
        try:
            value = float(score)
        except ValueError:
            value = math.nan
        low, high = SCALE.get(kind, (1, 0))
        if not low <= value <= high or when is None:
            continue
        understood = row[c["felt_understood"]].strip()
        customer = (
            row[c["customer_id"]].strip()
            or biz.contacts.get(row[c["interaction_id"]].strip(), ("",))[0]
        )
        latest[row[c["response_id"]].strip()] = (
            customer,
            when.date(),
            float(understood) if understood else None,
        )
    for customer, day, understood in filter(None, latest.values()):
        biz.other_dates.append(day)
        if customer and understood is not None:
            biz.understood.append((customer, day, understood))
    m = _mapping("surveys", "exit_surveys")
    for row in _csv_rows(landing, m):
        when = _parse(row[m["columns"]["responded_at"]], m["date_formats"])
        if when is not None:
            biz.other_dates.append(when.date())


@pytest.fixture(scope="module")
def business(planted: Warehouse) -> Business:
    return read_business(planted.landing_dir)


def test_historical_cltv_per_customer(planted: Warehouse, business: Business) -> None:
    revenue: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for customer, _, amount in business.orders.values():
        revenue[customer] += amount
        count[customer] += 1
    mart = {
        r[0]: (r[1], r[2])
        for r in planted.query(
            "SELECT customer_id, n_orders, historical_cltv FROM marts.fct_customer_value"
        )
    }
    assert set(mart) == business.customers
    for customer, (n_orders, cltv) in mart.items():
        assert n_orders == count.get(customer, 0), customer
        assert cltv == pytest.approx(revenue.get(customer, 0.0), abs=1e-6), customer


def test_churn_overall_by_plan_and_by_month(planted: Warehouse, business: Business) -> None:
    rates = {
        (g, v): (n, k)
        for g, v, n, k in planted.query(
            "SELECT grain, grain_value, n_customers, n_churned FROM marts.fct_churn_rates "
            "WHERE grain IN ('overall', 'customer_segment', 'month')"
        )
    }
    customers = business.customers
    expected = {("overall", "overall"): (len(customers), sum(map(business.churned, customers)))}
    for plan in set(business.plan.values()):
        members = [c for c in customers if business.plan.get(c) == plan]
        expected[("customer_segment", plan)] = (len(members), sum(map(business.churned, members)))
    month = date(2024, 4, 1)
    while month <= business.end:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        at_risk = [
            c for c in customers
            if business.signup[c] < month
            and (c not in business.cancellations or business.cancellations[c].date() >= month)
            and (c in business.cancellations or c not in business.inactive)
        ]  # fmt: skip
        churned = sum(
            c in business.cancellations and business.cancellations[c].date() < following
            for c in at_risk
        )
        expected[("month", month.isoformat())] = (len(at_risk), churned)
        month = following
    assert rates == expected


def test_churn_within_90_days_after_each_kind_of_contact(
    planted: Warehouse, business: Business
) -> None:
    cutoff = datetime.combine(business.end, datetime.min.time()) + timedelta(days=1 - CONTACT_DAYS)
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for customer, opened, kind, resolved, inbound in business.contacts.values():
        if not customer or not inbound or opened >= cutoff:
            continue
        cancelled = business.cancellations.get(customer)
        churned = cancelled is not None and opened < cancelled <= opened + timedelta(CONTACT_DAYS)
        key = f"{kind}, {'resolved' if resolved else 'unresolved'}"
        expected[key][0] += 1
        expected[key][1] += churned
    mart = {
        v: [n, k]
        for v, n, k in planted.query(
            "SELECT grain_value, n_contacts, n_churned FROM marts.fct_churn_after_contact "
            "WHERE grain = 'interaction_type_resolution'"
        )
    }
    assert mart == dict(expected)


def test_cltv_by_felt_understood_segment(planted: Warehouse, business: Business) -> None:
    as_of = business.end - timedelta(days=OUTCOME_DAYS)
    start = as_of - timedelta(days=LOOKBACK_DAYS)
    answers: dict[str, list[float]] = defaultdict(list)
    for customer, day, value in business.understood:
        if start <= day <= as_of:
            answers[customer].append(value)
    revenue: dict[str, float] = defaultdict(float)
    for customer, _, amount in business.orders.values():
        revenue[customer] += amount
    groups: dict[str, list[float]] = defaultdict(list)
    for customer in business.customers:
        values = answers.get(customer)
        segment = (
            "no_answer" if not values
            else "understood" if sum(values) / len(values) >= 4 else "not_understood"
        )  # fmt: skip
        groups[segment].append(revenue.get(customer, 0.0))
    mart = {
        s: (n, mean, median)
        for s, n, mean, median in planted.query(
            "SELECT segment, n_customers, mean_value, median_value FROM marts.fct_cltv_by_segment "
            "WHERE value_measure = 'historical_cltv' AND segmentation = 'felt_understood'"
        )
    }
    assert planted.query("SELECT DISTINCT as_of FROM marts.fct_cltv_by_segment") == [(as_of,)]
    assert set(mart) == set(groups)
    for segment, values in groups.items():
        ordered, middle = sorted(values), len(values) // 2
        median = (ordered[middle] + ordered[~middle]) / 2
        n, mean, mart_median = mart[segment]
        assert n == len(values)
        assert mean == pytest.approx(sum(values) / len(values), rel=1e-9)
        assert mart_median == pytest.approx(median, rel=1e-9)
