"""The enrichment tables: one occurrence per text, each distinct text scored once per lexicon
version, incremental runs, visible rescoring, staff mentions and masking in the stored text."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import duckdb
import pytest

from orchestration.ingest import ensure_tables
from orchestration.settings import Settings
from orchestration.text import enrichment
from orchestration.text.batches import available_cores
from orchestration.text.enrichment import LexiconVersionError, run_enrichment
from orchestration.text.lexicon_files import current_lexicon

LINEAGE = "'f1', row_number() OVER (), 1, now()::TIMESTAMP"


@pytest.fixture
def con(isolated_settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    isolated_settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(isolated_settings.build_db)) as connection:
        ensure_tables(connection)
        yield connection


def add_reviews(
    con: duckdb.DuckDBPyConnection, rows: list[tuple], file_hash: str, seq: int = 1
) -> None:
    """Rows of one export file; a later file has a higher ingest sequence, as in ingestion."""
    values = ", ".join("(?, 'google', ?, ?)" for _ in rows)
    con.execute(
        f"""INSERT INTO raw.reviews (review_id, platform, review_text, reply_text,
                                     _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT col0, col1, col2, col3, ?, row_number() OVER (), ?, now()::TIMESTAMP
            FROM (VALUES {values}) v(col0, col1, col2, col3)""",
        [file_hash, seq, *[v for row in rows for v in row]],
    )


def seed_every_source(con: duckdb.DuckDBPyConnection) -> int:
    """Texts in every text column, some empty; returns the number of non-empty texts."""
    add_reviews(
        con,
        [
            ("r1", "Great service, very helpful!", "Thank you!"),
            ("r2", "  Great  service,\t very helpful!\r\n", None),
            ("r3", "   ", ""),
        ],
        "f1",
    )
    con.execute(
        f"""INSERT INTO raw.social_mentions (mention_id, platform, mention_text, posted_at,
                                             _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT 'm1', 'x', 'On hold for an hour again', now()::TIMESTAMP, {LINEAGE}"""
    )
    con.execute(
        f"""INSERT INTO raw.survey_responses (response_id, survey_type, score, comment,
                                              _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT * FROM (VALUES ('s1', 'csat', 5, 'Thank you!'), ('s2', 'nps', 3, NULL))
                     v(a, b, c, d), (SELECT {LINEAGE})"""
    )
    con.execute(
        f"""INSERT INTO raw.exit_surveys (response_id, comment,
                                          _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT 'e1', 'Nobody listened to me.', {LINEAGE}"""
    )
    con.execute(
        f"""INSERT INTO raw.interactions (interaction_id, channel, opened_at, transcript,
                                          _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT 'i1', 'chat', now()::TIMESTAMP,
                   'customer: my bill is wrong' || chr(10) || 'agent: sorry, fixing it',
                   {LINEAGE}"""
    )
    return 7  # r1 x2, r2, m1, s1, e1, i1


def test_every_text_of_every_source_gets_an_occurrence(con: duckdb.DuckDBPyConnection) -> None:
    texts = seed_every_source(con)
    stats = run_enrichment(con)
    rows = con.execute(
        """SELECT source_entity, source_id, text_field, text_role
           FROM enrichment.text_occurrences ORDER BY ALL"""
    ).fetchall()
    assert rows == [
        ("exit_surveys", "e1", "comment", "customer"),
        ("interactions", "i1", "transcript", "conversation"),
        ("reviews", "r1", "reply_text", "business"),
        ("reviews", "r1", "review_text", "customer"),
        ("reviews", "r2", "review_text", "customer"),
        ("social_mentions", "m1", "mention_text", "customer"),
        ("survey_responses", "s1", "comment", "customer"),
    ]
    assert stats.occurrences == stats.occurrences_added == texts
    # "Thank you!" twice and the two whitespace variants of r1/r2 share their hashes.
    assert stats.distinct_texts == stats.new_texts_scored == texts - 2
    assert enrichment.missing_occurrences(con, enrichment.present_sources(con)[0]) == 0
    assert con.execute(
        """SELECT count(*) FROM enrichment.text_occurrences o
           LEFT JOIN enrichment.text_scores s USING (text_hash) WHERE s.text_hash IS NULL"""
    ).fetchone() == (0,)


def test_rerun_scores_nothing_and_new_texts_are_scored_once(
    con: duckdb.DuckDBPyConnection,
) -> None:
    seed_every_source(con)
    first = run_enrichment(con)
    again = run_enrichment(con)
    assert (again.occurrences_added, again.new_texts_scored, again.rescored) == (0, 0, 0)
    add_reviews(
        con, [("r4", "Thank you!", None), ("r5", "The app keeps crashing.", None)], "f2", seq=2
    )
    third = run_enrichment(con)
    assert third.occurrences_added == 2 and third.occurrences_rebuilt == ()
    assert third.new_texts_scored == 1  # "Thank you!" was scored already
    assert third.distinct_texts == first.distinct_texts + 1
    assert con.execute(
        "SELECT count(*), count(DISTINCT text_hash) FROM enrichment.text_scores"
    ).fetchone() == (third.distinct_texts, third.distinct_texts)


def test_removed_raw_rows_lose_their_occurrences(con: duckdb.DuckDBPyConnection) -> None:
    seed_every_source(con)
    run_enrichment(con)
    con.execute("DELETE FROM raw.exit_surveys")  # not by ingestion: found by counts
    stats = run_enrichment(con)
    assert stats.occurrences_removed == 1
    assert stats.occurrences_rebuilt == (
        "exit_surveys.comment: raw rows changed outside ingestion",
    )
    assert "exit_surveys" not in {
        r[0]
        for r in con.execute("SELECT source_entity FROM enrichment.text_occurrences").fetchall()
    }


def test_missing_source_is_reported_not_fatal(con: duckdb.DuckDBPyConnection) -> None:
    seed_every_source(con)
    con.execute("DROP TABLE raw.social_mentions")
    stats = run_enrichment(con)
    assert stats.sources_missing == ("social_mentions.mention_text",)
    assert stats.occurrences == 6


def use_lexicon(monkeypatch: pytest.MonkeyPatch, **changes: str) -> None:
    lexicon = dataclasses.replace(current_lexicon(), **changes)
    monkeypatch.setattr(enrichment, "current_lexicon", lambda: lexicon)


def test_new_lexicon_version_rescores_every_text_visibly(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_every_source(con)
    first = run_enrichment(con)
    use_lexicon(monkeypatch, version="test-next", fingerprint="0" * 16)
    stats = run_enrichment(con)
    assert stats.rescored == first.distinct_texts and stats.new_texts_scored == 0
    assert stats.rescore_reason == f"lexicon version test-next replaces {first.lexicon_version}"
    assert con.execute(
        "SELECT lexicon_version, count(*) FROM enrichment.text_scores GROUP BY 1 ORDER BY 1"
    ).fetchall() == sorted([(first.lexicon_version, 5), ("test-next", 5)])
    assert run_enrichment(con).rescored == 0


def test_rescoring_can_be_postponed(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_every_source(con)
    run_enrichment(con)
    use_lexicon(monkeypatch, version="test-next", fingerprint="0" * 16)
    add_reviews(con, [("r9", "Brand new words here.", None)], "f9", seq=9)
    stats = run_enrichment(con, rescore_on_new_version=False)
    assert (stats.new_texts_scored, stats.rescored, stats.rescore_postponed) == (1, 0, 5)
    again = run_enrichment(con, rescore_on_new_version=False)
    assert (again.new_texts_scored, again.rescored, again.rescore_postponed) == (0, 0, 5)
    later = run_enrichment(con)  # the postponed texts are still found once rescoring is allowed
    assert (later.new_texts_scored, later.rescored, later.rescore_postponed) == (0, 5, 0)
    assert con.execute(
        "SELECT count(*) FROM enrichment.text_scores WHERE lexicon_version = 'test-next'"
    ).fetchone() == (6,)


def test_texts_recorded_by_a_failed_run_are_scored_by_the_next(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_every_source(con)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(enrichment, "score_pending", fail)
    with pytest.raises(RuntimeError, match="scoring failed"):
        run_enrichment(con)
    monkeypatch.undo()
    stats = run_enrichment(con)
    assert (stats.occurrences_added, stats.new_texts_scored, stats.rescore_postponed) == (0, 5, 0)
    assert run_enrichment(con).new_texts_scored == 0


def test_a_warehouse_without_file_records_is_recorded_again_without_rescoring(
    con: duckdb.DuckDBPyConnection,
) -> None:
    seed_every_source(con)
    first = run_enrichment(con)
    con.execute("DROP TABLE enrichment.text_occurrence_files")  # as before issue 11
    stats = run_enrichment(con)
    assert stats.occurrences_rebuilt == ("every source: occurrences differ from the file records",)
    assert stats.occurrences == stats.occurrences_added == first.occurrences
    assert (stats.new_texts_scored, stats.rescored, stats.rescore_postponed) == (0, 0, 0)
    again = run_enrichment(con)
    assert (again.occurrences_added, again.occurrences_removed, again.occurrences_rebuilt) == (
        0,
        0,
        (),
    )


def test_changed_lexicon_under_the_same_version_is_refused(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_every_source(con)
    run_enrichment(con)
    use_lexicon(monkeypatch, fingerprint="f" * 16)
    with pytest.raises(LexiconVersionError, match="bump `version`"):
        run_enrichment(con)


def test_scoring_on_several_processes_gives_the_same_rows(
    con: duckdb.DuckDBPyConnection, tmp_path
) -> None:
    texts = [
        (f"r{i}", f"Review {i}: the agent was {w}.", None)
        for i, w in enumerate(["helpful", "rude", "not helpful", "kind", "slow", "great", "awful"])
    ]
    add_reviews(con, texts, "f1")
    stats = run_enrichment(con, workers=2, batch_size=2)
    assert stats.workers == min(2, available_cores()) and stats.new_texts_scored == 7
    columns = "text_hash, masked_text, textblob_polarity, sentiment_score, sentiment_label, topics"
    parallel = con.execute(f"SELECT {columns} FROM enrichment.text_scores ORDER BY 1").fetchall()
    with duckdb.connect(str(tmp_path / "serial.duckdb")) as serial:
        ensure_tables(serial)
        add_reviews(serial, texts, "f1")
        assert run_enrichment(serial, workers=1).workers == 1
        assert (
            serial.execute(f"SELECT {columns} FROM enrichment.text_scores ORDER BY 1").fetchall()
            == parallel
        )


def test_staff_are_linked_and_personal_data_masked(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""INSERT INTO raw.employees (employee_id, agent_id, team,
                                       _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT 'emp-1', 'agent-pseudonym-1', 'care', {LINEAGE}"""
    )
    con.execute(
        f"""INSERT INTO restricted.employees_pii (employee_id, full_name, display_name,
                                                  _file_hash, _row_number, _ingest_seq, _loaded_at)
            SELECT 'emp-1', 'Samira Okafor', 'Samira O.', {LINEAGE}"""
    )
    add_reviews(
        con,
        [("r1", "Samira O. went above and beyond! Mail me at a.b@example.org or 555-0142.", None)],
        "f1",
    )
    run_enrichment(con)
    masked, staff, cues = con.execute(
        "SELECT masked_text, staff_mentions, empathy_positive_cues FROM enrichment.text_scores"
    ).fetchone()
    assert staff == ["agent-pseudonym-1"]
    assert masked == "[staff] went above and beyond! Mail me at [email] or [phone]."
    assert cues == 1
