"""Incremental dbt models: a daily build adds only the rows of newer exports, and gives the rows
a full refresh gives; the pipeline rebuilds in full whenever history was not only appended to.

The models: the staging of customers, orders, interactions and survey responses (`delete+insert`
on the business key, rows of exports newer than the newest held) and the turns of each
distinct transcript text (`int_transcript_turns`, texts not held yet). A small demo (150
customers), ingestion and text scores, then `dbt run` of those models and their parents only.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from dbt_kit import run_dbt
from incremental_kit import build_small_demo, ingest_and_score, table_rows

from orchestration import incremental_basis
from orchestration.settings import Settings

MODELS = {
    "staging.stg_crm__customers": "customer_id",
    "staging.stg_crm__orders": "order_id",
    "staging.stg_crm__interactions": "interaction_id",
    "staging.stg_surveys__survey_responses": "response_id",
    "intermediate.int_transcript_turns": "text_hash, turn_number",
    "intermediate.int_conversation_turns": "interaction_id, turn_number",
}
# The models and everything upstream of them (the transcripts come from int_texts_scored).
SELECT = ["--select", *(f"+{name.split('.')[1]}" for name in MODELS)]
CHANGED = 5


def _rewrite_csv(path: Path, target: Path, delimiter: str, change: dict[str, str]) -> None:
    """`target`: the first CHANGED rows of `path` with `change` applied (a newer export)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        rows = [row | change for _, row in zip(range(CHANGED), reader, strict=False)]
        fields = reader.fieldnames
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def _newer_exports(landing: Path) -> None:
    """Re-exports of existing rows with changed values, and a ticket with a new transcript."""
    crm, surveys = landing / "crm", landing / "surveys"
    _rewrite_csv(crm / "customers.csv", crm / "customers_update.csv", ",", {"Plan": "Basic"})
    _rewrite_csv(crm / "orders.csv", crm / "orders_update.csv", ",", {"Total": "1.00"})
    _rewrite_csv(
        surveys / "survey_responses.csv",
        surveys / "survey_responses_update.csv",
        ";",
        {"Score": "1"},
    )
    tickets = (crm / "helpdesk_tickets.jsonl").read_text("utf-8").splitlines()[:CHANGED]
    updated = []
    for number, line in enumerate(tickets):
        ticket = json.loads(line)
        ticket["conversation"] = (
            f"customer: Parcel {number} lost again.\nagent: Sorry, I will fix it."
        )
        updated.append(json.dumps(ticket))
    (crm / "helpdesk_tickets_update.jsonl").write_text("\n".join(updated) + "\n", "utf-8")


def _mark_untouched_order(build_db: Path) -> str:
    """Overwrite the amount of an order no newer export carries with a marker (-1)."""
    with duckdb.connect(str(build_db)) as con:
        (order_id,) = con.execute("SELECT max(order_id) FROM staging.stg_crm__orders").fetchone()
        con.execute("UPDATE staging.stg_crm__orders SET amount = -1 WHERE order_id = ?", [order_id])
    return order_id


def test_an_incremental_build_after_newer_exports_equals_a_full_refresh(
    isolated_settings: Settings,
) -> None:
    settings = isolated_settings
    build_small_demo(settings, *SELECT)
    before = table_rows(settings.build_db, MODELS)

    _newer_exports(settings.landing_dir)
    ingest_and_score(settings)
    marked = _mark_untouched_order(settings.build_db)
    run_dbt(settings.build_db, "run", *SELECT)
    incremental = table_rows(settings.build_db, MODELS)

    # Only newer exports were read: the marked order kept its marker; then it is undone.
    orders = dict((row[0], row) for row in incremental["staging.stg_crm__orders"])
    original = dict((row[0], row) for row in before["staging.stg_crm__orders"])
    assert orders[marked][3] == -1
    incremental["staging.stg_crm__orders"] = [
        original[marked] if row[0] == marked else row
        for row in incremental["staging.stg_crm__orders"]
    ]
    # The newer exports won: changed values in, same keys, new transcripts split.
    assert [row[3] for row in incremental["staging.stg_crm__orders"][:CHANGED]] == [1.0] * CHANGED
    assert len(incremental["staging.stg_crm__orders"]) == len(original)
    new_turns = {row[5] for row in incremental["intermediate.int_transcript_turns"]}
    assert {f"Parcel {n} lost again." for n in range(CHANGED)} <= new_turns

    run_dbt(settings.build_db, "run", *SELECT, "--full-refresh")
    full = table_rows(settings.build_db, MODELS)
    for table in MODELS:
        assert incremental[table] == full[table], table


def _raw_database(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.orders (order_id VARCHAR, _ingest_seq BIGINT)")
        con.execute("INSERT INTO raw.orders VALUES ('a', 1), ('b', 1), ('c', 2)")


def test_a_build_is_incremental_only_while_history_is_appended_to_and_the_code_is_the_same(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = isolated_settings
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    _raw_database(settings.build_db)

    def reason() -> str | None:
        with duckdb.connect(str(settings.build_db), read_only=True) as con:
            current = incremental_basis.history_basis(con)
            return incremental_basis.rebuild_reason(settings, con, current)

    def record() -> None:
        with duckdb.connect(str(settings.build_db), read_only=True) as con:
            incremental_basis.record(settings, incremental_basis.history_basis(con))

    assert "no complete dbt build" in reason()
    record()
    assert reason() is None

    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("INSERT INTO raw.orders VALUES ('d', 3), ('a', 3)")
    assert reason() is None  # a newer export: appended

    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("DELETE FROM raw.orders WHERE _ingest_seq = 1")
    assert "raw.orders holds 1 rows" in reason()  # a file forgotten
    record()
    assert reason() is None

    code = incremental_basis.code_fingerprint
    monkeypatch.setattr(incremental_basis, "code_fingerprint", lambda: "other code")
    assert "code or configuration changed" in reason()
    monkeypatch.setattr(incremental_basis, "code_fingerprint", code)
    monkeypatch.setattr(incremental_basis, "recorded_fingerprint", lambda con: "another key")
    assert "re-keyed" in reason()

    incremental_basis.forget(settings)
    assert "no complete dbt build" in reason()
