"""Incremental text and record enrichment: a daily build rebuilds only the rows whose inputs
are newer, and gives exactly the rows a full refresh gives.

The models: the text occurrences and scores (staging), the enriched interactions and survey
responses, the scored texts and the conversation turns. A small demo (150 customers), then
newer exports that re-export existing rows with changed values (a review text changed, texts
blanked, a transcript replaced or blanked, customers moved to another location, an agent moved
to another team), a day of new exports, and a text scored again; `dbt run` of those models and
their parents, incrementally and then with `--full-refresh`. A forgotten file makes the
pipeline rebuild in full (orchestration/incremental_basis.py).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
from dbt_kit import run_dbt
from incremental_kit import build_small_demo, ingest_and_score, table_rows

from empathy_devtools.bench.daily_exports import add_daily_exports
from empathy_devtools.demo.generator import DemoSize
from orchestration import incremental_basis
from orchestration.ingest.housekeeping import forget_file
from orchestration.settings import Settings

MODELS = {
    "staging.stg_enrichment__text_occurrences": "source_entity, source_id, text_field",
    "staging.stg_enrichment__text_scores": "text_hash",
    "intermediate.int_interactions_enriched": "interaction_id",
    "intermediate.int_survey_responses_enriched": "response_id",
    "intermediate.int_texts_scored": "source_entity, source_id, text_field",
    "intermediate.int_conversation_turns": "interaction_id, turn_number",
}
SELECT = ["--select", "+int_texts_scored", "+int_conversation_turns"]
REVIEWS_UPDATE = "reviews/review_aggregator_export_update.csv"


def _rewrite_csv(path: Path, target: Path, changes: list[dict[str, str]]) -> list[dict]:
    """`target`: the first len(changes) rows of `path`, each with its change (a newer export)."""
    text = path.read_text("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    rows = [row | change for change, row in zip(changes, reader, strict=False)]
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, reader.fieldnames, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _newer_exports(landing: Path) -> dict[str, list[str]]:
    """Re-exports changing existing rows; returns the ids whose texts were blanked."""
    reviews = _rewrite_csv(
        landing / "reviews" / "review_aggregator_export.csv",
        landing / REVIEWS_UPDATE,
        [
            {"Review": "The parcel came late and nobody called back."},
            {"Review": "Lovely staff, quick help.", "Owner Response": "Thank you!"},
            {"Review": "", "Owner Response": ""},
            {"Review": "", "Owner Response": ""},
            {},
        ],
    )
    surveys = _rewrite_csv(
        landing / "surveys" / "survey_responses.csv",
        landing / "surveys" / "survey_responses_update.csv",
        [{"Comment": "Nobody understood me."}, {"Comment": ""}, {"Comment": ""}, {"Score": "2"}],
    )
    _rewrite_csv(
        landing / "crm" / "customers.csv",
        landing / "crm" / "customers_update.csv",
        [{"Home Store": "Riverside"}] * 40,
    )
    _rewrite_csv(
        landing / "hr" / "employees.csv",
        landing / "hr" / "employees_update.csv",
        [{"Team": "Team Moved"}],
    )
    crm = landing / "crm"
    lines = (crm / "helpdesk_tickets.jsonl").read_text("utf-8").splitlines()
    tickets = [json.loads(line) for line in lines[:5]]
    for number, ticket in enumerate(tickets[:3]):
        ticket["conversation"] = f"customer: Parcel {number} lost again.\nagent: Sorry."
    tickets[3]["conversation"] = ""
    (crm / "helpdesk_tickets_update.jsonl").write_text(
        "\n".join(json.dumps(ticket) for ticket in tickets) + "\n", "utf-8"
    )
    return {
        "reviews": [row["Review ID"] for row in reviews[2:4]],
        "survey_responses": [row["Response ID"] for row in surveys[1:3]],
        "interactions": [tickets[3]["ticket_id"]],
    }


def _score_again(build_db: Path) -> str:
    """The text of the last review (no newer export carries it) scored again, differently."""
    with duckdb.connect(str(build_db)) as con:
        (text_hash,) = con.execute(
            "SELECT text_hash FROM intermediate.int_texts_scored WHERE source_entity = 'reviews' "
            "ORDER BY source_id DESC LIMIT 1"
        ).fetchone()
        con.execute(
            "UPDATE enrichment.text_scores SET sentiment_score = -0.75, "
            "scored_at = scored_at + INTERVAL 1 DAY WHERE text_hash = ?",
            [text_hash],
        )
    return text_hash


# Per model: a column never NULL that no other model of SELECT reads, and the model's key.
MARKED = {
    "intermediate.int_interactions_enriched": ("is_resolved", "interaction_id"),
    "intermediate.int_survey_responses_enriched": ("survey_type", "response_id"),
    "intermediate.int_texts_scored": ("text_role", "source_entity, source_id, text_field"),
    "intermediate.int_conversation_turns": ("masked_turn_text", "interaction_id, turn_number"),
}


def _mark_every_row(build_db: Path) -> None:
    """Overwrite a column of every row with NULL, keeping the values aside."""
    with duckdb.connect(str(build_db)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS kept")
        for table, (column, _) in MARKED.items():
            name = table.split(".")[1]
            con.execute(f"CREATE OR REPLACE TABLE kept.{name} AS SELECT * FROM {table}")
            con.execute(f"UPDATE {table} SET {column} = NULL")


def _unmark_kept_rows(build_db: Path) -> dict[str, tuple[int, int]]:
    """Give the rows an incremental build kept (still NULL) their values back.

    Returns, per model, the rows kept and the rows it holds.
    """
    counts = {}
    with duckdb.connect(str(build_db)) as con:
        for table, (column, key) in MARKED.items():
            name = table.split(".")[1]
            match = " AND ".join(f"t.{k} = kept.{k}" for k in key.split(", "))
            (kept,) = con.execute(f"SELECT count(*) FROM {table} WHERE {column} IS NULL").fetchone()
            con.execute(
                f"UPDATE {table} AS t SET {column} = kept.{column} FROM kept.{name} AS kept "
                f"WHERE {match} AND t.{column} IS NULL"
            )
            (total,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = (kept, total)
    return counts


def test_an_incremental_enrichment_build_after_newer_exports_equals_a_full_refresh(
    isolated_settings: Settings,
) -> None:
    settings = isolated_settings
    landing = settings.landing_dir
    build_small_demo(settings, *SELECT)

    # A day of new exports (some re-export existing ids), then the re-exports that change rows.
    add_daily_exports(landing, DemoSize(customers=20, agents=3, months=1))
    ingest_and_score(settings)
    blanked = _newer_exports(landing)
    ingest_and_score(settings)
    rescored = _score_again(settings.build_db)
    _mark_every_row(settings.build_db)
    run_dbt(settings.build_db, "run", *SELECT)
    kept = _unmark_kept_rows(settings.build_db)
    incremental = table_rows(settings.build_db, MODELS)

    # Only rows with newer inputs were rebuilt: the others kept their marks (then undone).
    for table, (kept_rows, total) in kept.items():
        assert 0 < kept_rows < total, table
    texts = incremental["intermediate.int_texts_scored"]
    # The newer inputs won: blanked texts are gone, the new scoring and transcripts are in.
    for entity, ids in blanked.items():
        assert not [row for row in texts if row[0] == entity and row[1] in ids], entity
    assert {row[14] for row in texts if row[4] == rescored} == {-0.75}
    turns = {row[5] for row in incremental["intermediate.int_conversation_turns"]}
    assert {f"Parcel {n} lost again." for n in range(3)} <= turns
    assert "Team Moved" in {row[7] for row in incremental["intermediate.int_interactions_enriched"]}

    run_dbt(settings.build_db, "run", *SELECT, "--full-refresh")
    full = table_rows(settings.build_db, MODELS)
    for table in MODELS:
        assert incremental[table] == full[table], table

    # A forgotten re-export: the texts it blanked come back, which only a full refresh gives.
    with duckdb.connect(str(settings.build_db)) as con:
        incremental_basis.record(settings, incremental_basis.history_basis(con))
        forget_file(con, REVIEWS_UPDATE)
        reason = incremental_basis.rebuild_reason(
            settings, con, incremental_basis.history_basis(con)
        )
    assert reason is not None and "forgotten" in reason
