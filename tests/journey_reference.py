"""Customer journeys recomputed in plain Python from the landing files, for the journey tests.

Reads each export with the csv/json modules and the column names of `mappings/*.yml`, applies
the contract rules that quarantine a row (blank required field, unparseable date, negative
amount, out-of-range score, a response time before the opening), keeps per business key the
last row of the latest export, and orders each customer's touchpoints as DECISIONLOG.md
"Customer journey" says: by time, then order, interaction, survey, exit survey, cancellation,
then source id. The demo's review exports link no customer, so reviews are not read. Shares no
code with the pipeline.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml

PATH_LENGTH = 3
SURVEY_MAX = {"csat": 5, "nps": 10, "ces": 7}
CHANNELS = {"phone", "email", "chat", "social", "in_person"}


@dataclass(frozen=True)
class Touchpoint:
    at: datetime
    rank: int  # order 1, interaction 2, survey 3, review 4, mention 5, exit 6, cancellation 7
    source_id: str
    kind: str
    handled_by: str | None = None
    inbound: bool = False
    channel: str | None = None
    resolved: bool = False


def _mapping(mappings: Path, source: str, entity: str) -> dict:
    return yaml.safe_load((mappings / f"{source}.yml").read_text())["entities"][entity]


def _files(landing: Path, mapping: dict) -> list[Path]:
    return sorted(landing.glob(mapping["files"]), key=lambda p: (p.stat().st_mtime_ns, str(p)))


def _csv_rows(landing: Path, mapping: dict) -> Iterator[tuple[Path, int, dict[str, str]]]:
    for path in _files(landing, mapping):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=mapping.get("delimiter", ","))
            for number, row in enumerate(reader, start=1):
                yield path, number, {k: (v or "").strip() for k, v in row.items()}


def _time(text: str | None, fmt: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), fmt)
    except ValueError:
        return None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _orders(landing: Path, mappings: Path) -> dict[str, tuple[str, Touchpoint]]:
    m = _mapping(mappings, "crm", "orders")
    c, fmt = m["columns"], m["date_formats"][0]
    kept: dict[str, tuple[str, Touchpoint] | None] = {}
    for _, _, row in _csv_rows(landing, m):
        key, customer = row[c["order_id"]], row[c["customer_id"]]
        at, amount = _time(row[c["ordered_at"]], fmt), _number(row[c["amount"]])
        if not key or not customer or at is None or amount is None or amount < 0:
            continue
        kept[key] = (customer, Touchpoint(at, 1, key, "order"))
    return {k: v for k, v in kept.items() if v is not None}


def _tickets(landing: Path, mappings: Path) -> dict[str, tuple[str | None, Touchpoint]]:
    m = _mapping(mappings, "crm", "interactions")
    fmt = m["date_formats"][0]
    kept: dict[str, tuple[str | None, Touchpoint]] = {}
    for path in _files(landing, m):
        for line in path.read_text(encoding="utf-8").splitlines():
            t = json.loads(line)
            key, opened = t.get("ticket_id"), _time(t.get("created_at"), fmt)
            via = (t.get("via") or "").strip().lower()
            channel = "in_person" if via == "walk-in" else via
            if not key or opened is None or channel not in CHANNELS:
                continue
            answered, solved = _time(t.get("first_reply_at"), fmt), _time(t.get("solved_at"), fmt)
            if (answered and answered < opened) or (solved and solved < opened):
                continue
            direction = (t.get("direction") or "inbound").strip().lower()
            inbound = direction != "outbound"
            kind = "contact_" + ((t.get("category") or "").strip().lower() or "other")
            handled = "bot" if str(t.get("handled_by_bot")).lower() == "true" else "agent"
            touchpoint = Touchpoint(
                opened, 2, key, kind if inbound else "proactive_outreach", handled, inbound,
                channel, solved is not None,
            )  # fmt: skip
            kept[key] = (t.get("requester_id") or None, touchpoint)
    return kept


def _surveys(landing: Path, mappings: Path, tickets: dict) -> list[tuple[str, Touchpoint]]:
    m = _mapping(mappings, "surveys", "survey_responses")
    c, fmt = m["columns"], m["date_formats"][0]
    kept: dict[str, tuple[str, Touchpoint] | None] = {}
    for _, _, row in _csv_rows(landing, m):
        key, kind = row[c["response_id"]], row[c["survey_type"]].lower()
        score, understood = _number(row[c["score"]]), row[c["felt_understood"]]
        valid = (
            key
            and kind in SURVEY_MAX
            and score is not None
            and score == math.floor(score)
            and (0 if kind == "nps" else 1) <= score <= SURVEY_MAX[kind]
            and (not understood or 1 <= (_number(understood) or 0) <= 5)
        )
        if not valid:
            continue
        at = _time(row[c["responded_at"]], fmt)
        if row[c["responded_at"]] and at is None:
            continue  # an unparseable date is quarantined
        ticket = tickets.get(row[c["interaction_id"]])
        customer = row[c["customer_id"]] or (ticket[0] if ticket else None)
        kept[key] = (customer, Touchpoint(at, 3, key, f"survey_{kind}")) if at else None
    return [v for v in kept.values() if v is not None and v[0]]


def _exit_surveys(landing: Path, mappings: Path) -> list[tuple[str, Touchpoint]]:
    """Keyed as the mapping keys them, '<customer>@<timestamp as written>'; the latest wins."""
    m = _mapping(mappings, "surveys", "exit_surveys")
    c, fmt = m["columns"], m["date_formats"][0]
    kept: dict[str, tuple[str, Touchpoint]] = {}
    for _, _, row in _csv_rows(landing, m):
        written, customer = row[c["responded_at"]], row[c["customer_id"]]
        key, at = f"{customer or '?'}@{written}", _time(written, fmt)
        if at and customer:
            kept[key] = (customer, Touchpoint(at, 6, key, "exit_survey"))
    return list(kept.values())


def _cancellations(landing: Path, mappings: Path) -> list[tuple[str, Touchpoint]]:
    m = _mapping(mappings, "crm", "cancellations")
    c, fmt = m["columns"], m["date_formats"][0]
    kept: dict[tuple[str, datetime], Touchpoint] = {}
    for _, _, row in _csv_rows(landing, m):
        customer, at = row[c["customer_id"]], _time(row[c["cancelled_at"]], fmt)
        if customer and at:
            kept[(customer, at)] = Touchpoint(at, 7, f"{customer}:{at}", "cancellation")
    return [(customer, t) for (customer, _), t in kept.items()]


def journeys(landing: Path, mappings: Path) -> dict[str, list[Touchpoint]]:
    """Every customer's touchpoints in journey order."""
    tickets = _tickets(landing, mappings)
    rows = [
        *_orders(landing, mappings).values(),
        *[(customer, t) for customer, t in tickets.values() if customer],
        *_surveys(landing, mappings, tickets),
        *_exit_surveys(landing, mappings),
        *_cancellations(landing, mappings),
    ]
    by_customer: dict[str, list[Touchpoint]] = defaultdict(list)
    for customer, touchpoint in rows:
        by_customer[customer].append(touchpoint)
    for touchpoints in by_customer.values():
        touchpoints.sort(key=lambda t: (t.at, t.rank, t.source_id))
    return dict(by_customer)


def _path(before: list[Touchpoint]) -> str:
    kinds = [t.kind for t in before[-PATH_LENGTH:]]
    return " > ".join(kinds) if kinds else "(no earlier touchpoint)"


def path_counts(by_customer: dict[str, list[Touchpoint]]) -> dict[tuple[str, str], int]:
    """(path, outcome) -> customers: churned before their first cancellation, retained
    (no cancellation, two orders or more) before their latest order."""
    counts: Counter[tuple[str, str]] = Counter()
    for touchpoints in by_customer.values():
        kinds = [t.kind for t in touchpoints]
        if "cancellation" in kinds:
            counts[(_path(touchpoints[: kinds.index("cancellation")]), "churned")] += 1
        elif kinds.count("order") >= 2:
            last = len(kinds) - 1 - kinds[::-1].index("order")
            counts[(_path(touchpoints[:last]), "retained")] += 1
    return dict(counts)


def bot_repeat_contact_truth(by_customer: dict[str, list[Touchpoint]], days: int = 7) -> dict:
    """Share of inbound bot conversations followed by another inbound contact of the same
    customer within `days` (opened in (t, t + days]), over conversations opened before the
    last day with data + 1 - `days`."""
    last_day = max(t.at for ts in by_customer.values() for t in ts).date()
    cutoff = datetime.combine(last_day, datetime.min.time()) + timedelta(days=1 - days)
    n = hits = 0
    for touchpoints in by_customer.values():
        contacts = [t for t in touchpoints if t.inbound]
        for i, contact in enumerate(contacts):
            if contact.handled_by != "bot" or contact.at >= cutoff:
                continue
            n += 1
            hits += any(
                contact.at < other.at <= contact.at + timedelta(days=days)
                for other in contacts[i + 1 :]
            )
    return {"n": n, "repeat_contacts": hits, "share": hits / n if n else None}


def episode_groups(by_customer: dict[str, list[Touchpoint]], gap_days: int = 7) -> dict:
    """Episodes (inbound contacts each within `gap_days` of the one before) per switch group:
    single_contact, same_channel or switched_channel (first and last channel differ), with
    how many ended on a resolved contact."""
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for touchpoints in by_customer.values():
        episodes: list[list[Touchpoint]] = []
        for contact in (t for t in touchpoints if t.inbound):
            if episodes and contact.at - episodes[-1][-1].at <= timedelta(days=gap_days):
                episodes[-1].append(contact)
            else:
                episodes.append([contact])
        for episode in episodes:
            if len(episode) == 1:
                group = "single_contact"
            elif episode[0].channel == episode[-1].channel:
                group = "same_channel"
            else:
                group = "switched_channel"
            groups[group][0] += 1
            groups[group][1] += episode[-1].resolved
    return {group: tuple(counts) for group, counts in groups.items()}
