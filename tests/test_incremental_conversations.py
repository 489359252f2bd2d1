"""Incremental service conversations and follow-up contacts: a daily build rebuilds only the
conversations whose inputs changed (and every contact of a customer whose contacts changed),
and gives exactly the rows a full refresh gives.

A small demo (150 customers); day one: a day of new exports and a contact re-exported without
its customer, built incrementally; day two: newer exports that matter to these two models,
every row marked before the build to see which were rebuilt: a new contact of an existing
customer a day after one of its contacts (the earlier contact becomes a repeat contact; the
next one's previous contact changes), a late CSAT answer for an old conversation, a CSAT answer
re-exported under another conversation, a contact re-exported under another customer at
another time, one re-exported as proactive (it leaves both models), one re-exported without
its customer, and a transcript scored again.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from dbt_kit import run_dbt
from incremental_kit import build_small_demo, ingest_and_score

from empathy_devtools.bench.daily_exports import add_daily_exports
from empathy_devtools.demo.generator import DemoSize
from orchestration.settings import Settings

SELECT = ["--select", "+int_service_conversations", "+int_follow_up_contacts"]
# Per model: a column never NULL that no other model of SELECT reads.
MARKED = {
    "intermediate.int_service_conversations": "has_customer",
    "intermediate.int_follow_up_contacts": "is_resolved",
}


def _tickets(landing: Path) -> tuple[list[dict], set[str]]:
    """The tickets as loaded (the day's export re-uses history's ids) and the day's ids."""
    tickets: dict[str, dict] = {}
    day = set()
    for name in ("helpdesk_tickets.jsonl", "helpdesk_tickets_daily.jsonl"):
        if not (landing / "crm" / name).exists():
            continue
        for line in (landing / "crm" / name).read_text("utf-8").splitlines():
            ticket = json.loads(line)
            tickets[ticket["ticket_id"]] = ticket
            if "daily" in name:
                day.add(ticket["ticket_id"])
    return list(tickets.values()), day


def _at(ticket: dict, days: float) -> str:
    opened = datetime.fromisoformat(ticket["created_at"].replace("Z", "+00:00"))
    return (opened + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _contacts_alone_for_a_week(tickets: list[dict], day: set[str]) -> list[dict]:
    """Inbound tickets whose customer has no other ticket within 8 days after (not repeats)."""
    by_customer: dict[str, list[dict]] = {}
    for ticket in tickets:
        by_customer.setdefault(ticket["requester_id"], []).append(ticket)
    alone = []
    for ticket in tickets:
        others = [t for t in by_customer[ticket["requester_id"]] if t is not ticket]
        if ticket["ticket_id"] in day or ticket["direction"] != "inbound":
            continue
        if ticket["requester_id"] and not any(
            ticket["created_at"] <= t["created_at"] <= _at(ticket, 8) for t in others
        ):
            alone.append(ticket)
    return alone


def _repeated_once(tickets: list[dict], day: set[str]) -> tuple[dict, dict]:
    """A ticket and its customer's earlier ticket, a repeat contact only because of it."""
    by_customer: dict[str, list[dict]] = {}
    for ticket in tickets:
        if ticket["direction"] == "inbound" and ticket["requester_id"]:
            by_customer.setdefault(ticket["requester_id"], []).append(ticket)
    for own in by_customer.values():
        for earlier in own:
            later = [
                t for t in own if t is not earlier and t["created_at"] >= earlier["created_at"]
            ]
            near = [t for t in later if t["created_at"] <= _at(earlier, 9)]
            pair = {earlier["ticket_id"], *(t["ticket_id"] for t in near)}
            if len(near) == 1 and near[0]["created_at"] <= _at(earlier, 5) and not pair & day:
                return near[0], earlier
    raise AssertionError("no repeat contact to move")


def _blank_a_customer(landing: Path) -> dict:
    """The latest agent contact without repeats re-exported without its customer."""
    tickets, day = _tickets(landing)
    alone = [t for t in _contacts_alone_for_a_week(tickets, day) if t["assignee"]]
    blanked = max(alone, key=lambda t: t["created_at"]) | {"requester_id": ""}
    (landing / "crm" / "helpdesk_tickets_blank.jsonl").write_text(json.dumps(blanked) + "\n")
    return blanked


def _newer_exports(landing: Path, build_db: Path, blanked_first: dict) -> dict[str, str]:
    """Re-exports and late answers changing conversations; returns the ids they concern."""
    tickets, day = _tickets(landing)
    day = day | {blanked_first["ticket_id"]}
    moved, left_alone = _repeated_once(tickets, day)
    customers_left = {moved["requester_id"]}
    alone = [
        t
        for t in _contacts_alone_for_a_week(tickets, day)
        if t["requester_id"] not in customers_left and t["created_at"] < blanked_first["created_at"]
    ]
    earlier, proactive, blanked = alone[0], alone[1], alone[2]
    changed = {t["ticket_id"] for t in [*alone[:3], moved, left_alone]} | day
    new_contact = earlier | {
        "ticket_id": "T-990001",
        "created_at": _at(earlier, 1),
        "first_reply_at": _at(earlier, 1.01),
        "solved_at": _at(earlier, 1.1),
        "conversation": "customer: It broke again, same as yesterday.\nagent: Sorry.",
    }
    other_customer = next(
        t for t in tickets if t["requester_id"] not in ("", moved["requester_id"])
    )
    updates = [
        new_contact,
        moved
        | {
            "requester_id": other_customer["requester_id"],
            "created_at": _at(other_customer, 2),
            "first_reply_at": _at(other_customer, 2.01),
            "solved_at": None,
        },
        proactive | {"direction": "outbound"},
        blanked | {"requester_id": ""},
    ]
    crm = landing / "crm"
    (crm / "helpdesk_tickets_update.jsonl").write_text(
        "\n".join(json.dumps(t) for t in updates) + "\n", "utf-8"
    )

    responses: dict[str, dict] = {}
    for name in ("survey_responses.csv", "survey_responses_daily.csv"):
        text = (landing / "surveys" / name).read_text("utf-8-sig")
        reader = csv.DictReader(text.splitlines(), delimiter=";")
        responses.update({r["Response ID"]: r | {"daily": "daily" in name} for r in reader})
    fields = reader.fieldnames
    csat_ticket_ids = {r["Ticket Ref"] for r in responses.values() if r["Survey"] == "CSAT"}
    inbound = [t for t in tickets if t["direction"] == "inbound" and t["ticket_id"] not in changed]
    late_for, moved_to = [t for t in inbound if t["ticket_id"] not in csat_ticket_ids][:2]
    # an answer about a bot conversation (no agent whose team the day's exports may change)
    bot_contacts = {t["ticket_id"] for t in inbound if not t["assignee"]}
    moved_answer = next(
        r
        for r in responses.values()
        if r["Survey"] == "CSAT" and not r["daily"] and r["Ticket Ref"] in bot_contacts
    )
    del moved_answer["daily"]
    late = moved_answer | {
        "Response ID": "R-9900001",
        "Submitted": "01.01.2030 10:00",
        "Score": "5",
        "Customer Ref": late_for["requester_id"],
        "Ticket Ref": late_for["ticket_id"],
    }
    with (landing / "surveys" / "survey_responses_update.csv").open(
        "w", newline="", encoding="utf-8"
    ) as handle:
        writer = csv.DictWriter(handle, fields, delimiter=";")
        writer.writeheader()
        writer.writerows([late, moved_answer | {"Ticket Ref": moved_to["ticket_id"]}])

    taken = changed | {late_for["ticket_id"], moved_to["ticket_id"], moved_answer["Ticket Ref"]}
    with duckdb.connect(str(build_db)) as con:
        (rescored, text_hash) = con.execute(
            "SELECT min(source_id), text_hash FROM intermediate.int_texts_scored "
            "WHERE source_entity = 'interactions' AND text_field = 'transcript' "
            "AND NOT list_contains(?, source_id) "
            "GROUP BY text_hash HAVING count(*) = 1 ORDER BY 1 LIMIT 1",
            [sorted(taken)],
        ).fetchone()
    return {
        "earlier": earlier["ticket_id"],
        "moved": moved["ticket_id"],
        "left_alone": left_alone["ticket_id"],
        "proactive": proactive["ticket_id"],
        "blanked": blanked["ticket_id"],
        "late_csat": late_for["ticket_id"],
        "answer_left": moved_answer["Ticket Ref"],
        "answer_joined": moved_to["ticket_id"],
        "rescored": rescored,
        "rescored_hash": text_hash,
    }


def _score_again(build_db: Path, text_hash: str) -> None:
    with duckdb.connect(str(build_db)) as con:
        con.execute(
            "UPDATE enrichment.text_scores SET customer_sentiment_score = -0.75, "
            "scored_at = scored_at + INTERVAL 1 DAY WHERE text_hash = ?",
            [text_hash],
        )


def _mark_every_row(build_db: Path) -> None:
    """Overwrite a column of every row with NULL: rows an incremental build keeps stay NULL."""
    with duckdb.connect(str(build_db)) as con:
        for table, column in MARKED.items():
            con.execute(f"UPDATE {table} SET {column} = NULL")


def _kept_and_unmark(build_db: Path) -> dict[str, set[str]]:
    """The rows the incremental build kept (still NULL), given their values back."""
    kept = {}
    with duckdb.connect(str(build_db)) as con:
        for table, column in MARKED.items():
            kept[table] = {
                row[0]
                for row in con.execute(
                    f"SELECT interaction_id FROM {table} WHERE {column} IS NULL"
                ).fetchall()
            }
        con.execute(
            "UPDATE intermediate.int_service_conversations "
            "SET has_customer = customer_id IS NOT NULL "
            "WHERE has_customer IS NULL"
        )
        con.execute(
            "UPDATE intermediate.int_follow_up_contacts AS f SET is_resolved = "
            "CASE WHEN i.resolved_at IS NOT NULL THEN 1 ELSE 0 END "
            "FROM intermediate.int_interactions_enriched AS i "
            "WHERE f.interaction_id = i.interaction_id AND f.is_resolved IS NULL"
        )
    return kept


def _copy(build_db: Path, schema: str) -> None:
    with duckdb.connect(str(build_db)) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for table in MARKED:
            name = table.split(".")[1]
            con.execute(f"CREATE OR REPLACE TABLE {schema}.{name} AS SELECT * FROM {table}")


def _differences(build_db: Path) -> dict[str, tuple[int, int]]:
    """Rows of the incremental copy not in the full refresh, and the other way (EXCEPT ALL)."""
    differences = {}
    with duckdb.connect(str(build_db), read_only=True) as con:
        for table in MARKED:
            name = table.split(".")[1]
            a, b = f"incremental_copy.{name}", table
            (only_a,) = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})"
            ).fetchone()
            (only_b,) = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {b} EXCEPT ALL SELECT * FROM {a})"
            ).fetchone()
            differences[name] = (only_a, only_b)
    return differences


def _rows(build_db: Path, table: str, ids: set[str]) -> dict[str, dict]:
    with duckdb.connect(str(build_db), read_only=True) as con:
        cursor = con.execute(
            f"SELECT * FROM {table} WHERE interaction_id IN (SELECT unnest(?))", [sorted(ids)]
        )
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_an_incremental_conversation_build_equals_a_full_refresh(
    isolated_settings: Settings,
) -> None:
    settings = isolated_settings
    landing, build_db = settings.landing_dir, settings.build_db
    build_small_demo(settings, *SELECT)
    conversations = "intermediate.int_service_conversations"
    follow_ups = "intermediate.int_follow_up_contacts"

    # Day one: a day of new exports (re-using history's ticket ids) and a contact that loses
    # its customer (contacts without a customer are one partition of the previous-contact
    # window); an incremental build.
    add_daily_exports(landing, DemoSize(customers=20, agents=3, months=1))
    blanked_first = _blank_a_customer(landing)
    ingest_and_score(settings)
    run_dbt(build_db, "run", *SELECT)

    # Day two: the changes this test is about.
    ids = _newer_exports(landing, build_db, blanked_first)
    ingest_and_score(settings)
    _score_again(build_db, ids["rescored_hash"])
    touched = {v for k, v in ids.items() if k != "rescored_hash"}
    before = _rows(build_db, conversations, touched)
    assert not before[ids["earlier"]]["is_repeat_contact"]
    assert before[ids["left_alone"]]["is_repeat_contact"]

    _mark_every_row(build_db)
    run_dbt(build_db, "run", *SELECT)
    kept = _kept_and_unmark(build_db)
    after = _rows(build_db, conversations, touched | {"T-990001"})
    after_follow_ups = _rows(
        build_db, follow_ups, touched | {"T-990001", blanked_first["ticket_id"]}
    )

    # Few rows were rebuilt; every conversation a change concerns was.
    with duckdb.connect(str(build_db), read_only=True) as con:
        for table in MARKED:
            (total,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert 0.8 * total < len(kept[table]) < total, (table, len(kept[table]), total)
    assert not touched & kept[conversations]
    # the follow-ups also rebuild every contact without a customer (one window partition)
    assert not (touched | {blanked_first["ticket_id"]}) & kept[follow_ups]

    # The newer inputs won.
    assert after[ids["earlier"]]["is_repeat_contact"]  # the new contact a day later
    assert "T-990001" in after
    assert ids["proactive"] not in after and ids["proactive"] not in after_follow_ups
    assert after[ids["blanked"]]["customer_id"] is None
    # the contact without a customer since day one follows the one blanked today
    previous = after_follow_ups[blanked_first["ticket_id"]]["previous_opened_at"]
    assert previous == after[ids["blanked"]]["opened_at"]
    assert after[ids["late_csat"]]["n_csat"] == before[ids["late_csat"]]["n_csat"] + 1
    assert after[ids["answer_left"]]["n_csat"] == before[ids["answer_left"]]["n_csat"] - 1
    assert after[ids["answer_joined"]]["n_csat"] == before[ids["answer_joined"]]["n_csat"] + 1
    assert after[ids["rescored"]]["customer_sentiment_score"] == -0.75
    assert after[ids["moved"]]["customer_id"] != before[ids["moved"]]["customer_id"]
    assert not after[ids["left_alone"]]["is_repeat_contact"]  # its later contact moved away

    _copy(build_db, "incremental_copy")
    run_dbt(build_db, "run", *SELECT, "--full-refresh")
    assert _differences(build_db) == {
        "int_service_conversations": (0, 0),
        "int_follow_up_contacts": (0, 0),
    }
