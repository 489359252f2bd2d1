"""Issue 13, also fix: a comment blanked in a later export loses its old text and scores;
and the sentiment label thresholds the dbt models apply to a transcript's customer turns are
the text scorer's own."""

from __future__ import annotations

import duckdb
import pytest
import yaml
from dbt_kit import run_dbt

from orchestration.ingest import ensure_tables
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings
from orchestration.text.enrichment import run_enrichment


def _add_responses(con: duckdb.DuckDBPyConnection, export: int, rows: list[tuple]) -> None:
    """Survey responses (id, comment) as rows of export file number `export`."""
    values = ", ".join("(?, ?)" for _ in rows)
    con.execute(
        f"""INSERT INTO raw.survey_responses (response_id, survey_type, score, comment,
                                              _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT id, 'csat', 4, comment, 'file{export}', row_number() OVER (), {export},
                   now()::TIMESTAMP
            FROM (VALUES {values}) v(id, comment)""",
        [v for row in rows for v in row],
    )


def test_a_comment_blanked_in_a_later_export_has_no_text(
    isolated_settings: Settings, tmp_path
) -> None:
    isolated_settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        ensure_tables(con)
        _add_responses(con, 1, [("s1", "Rude and dismissive agent."), ("s2", "It was okay.")])
        _add_responses(con, 2, [("s1", None), ("s2", "Great service, thank you!")])
        _add_responses(con, 3, [("s3", "   ")])
        run_enrichment(con)
    run_dbt(
        isolated_settings.build_db,
        "run",
        "--select",
        "stg_enrichment__text_occurrences",
        work_dir=tmp_path,
    )
    with duckdb.connect(str(isolated_settings.build_db), read_only=True) as con:
        kept = con.execute(
            """SELECT o.source_id, s.masked_text
               FROM staging.stg_enrichment__text_occurrences o
               JOIN enrichment.text_scores s USING (text_hash)
               WHERE o.source_entity = 'survey_responses' ORDER BY 1"""
        ).fetchall()
    assert kept == [("s2", "Great service, thank you!")]  # s1 blanked: the blank wins


def test_dbt_sentiment_thresholds_are_the_scorers() -> None:
    lexicon = yaml.safe_load(
        (PROJECT_ROOT / "orchestration" / "text" / "lexicons" / "sentiment.yml").read_text()
    )
    variables = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert variables["sentiment_positive_above"] == pytest.approx(lexicon["labels"]["positive"])
    assert variables["sentiment_negative_below"] == pytest.approx(lexicon["labels"]["negative"])
