"""The text-analytics multi-asset in Dagster: keys, group, pool, deps, metadata without texts,
asset checks, and a second run that scores nothing."""

from __future__ import annotations

import dagster as dg
import duckdb
from resources_kit import resources

from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.text import OCCURRENCES_KEY, SCORES_KEY, text_analytics
from orchestration.ingest import ensure_tables
from orchestration.settings import Settings

SECRET_TEXT = "Priya went above and beyond, call me on 555-0147"


def test_asset_specs_follow_the_architecture() -> None:
    assert set(text_analytics.keys) == {OCCURRENCES_KEY, SCORES_KEY}
    assert {text_analytics.group_names_by_key[k] for k in text_analytics.keys} == {"text"}
    assert text_analytics.op.pool == WRITER_POOL
    raw = {
        dg.AssetKey(["raw", e])
        for e in ("reviews", "social_mentions", "survey_responses", "exit_surveys", "interactions")
    }
    assert text_analytics.asset_deps[OCCURRENCES_KEY] == raw


def materialize() -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [text_analytics], instance=dg.DagsterInstance.ephemeral(), resources=resources()
    )


def scores_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    event = next(e for e in result.get_asset_materialization_events() if e.asset_key == SCORES_KEY)
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_materializes_with_counts_only_and_checks(isolated_settings: Settings) -> None:
    isolated_settings.build_db.parent.mkdir(parents=True)
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        ensure_tables(con)
        con.execute(
            """INSERT INTO raw.reviews (review_id, platform, review_text,
                                        _file_hash, _row_number, _ingest_seq, _loaded_at)
               VALUES ('r1', 'google', ?, 'f', 1, 1, now()::TIMESTAMP),
                      ('r2', 'google', 'Rude and unhelpful.', 'f', 2, 1, now()::TIMESTAMP)""",
            [SECRET_TEXT],
        )
    first = materialize()
    assert first.success
    metadata = scores_metadata(first)
    assert metadata["texts_seen"] == 2 and metadata["new_texts_scored"] == 2
    assert metadata["lexicon_version"] and metadata["rescored"] == 0
    assert metadata["coverage_share_with_opinion"] == 1.0
    logged = " ".join(str(v) for v in metadata.values()) + " ".join(
        str(e.message) for e in first.all_events
    )
    assert "Priya" not in logged and "555-0147" not in logged and "Rude" not in logged
    assert {(c.check_name, c.passed) for c in first.get_asset_check_evaluations()} == {
        ("every_text_has_an_occurrence", True),
        ("every_text_is_scored", True),
    }
    second = scores_metadata(materialize())
    assert (second["new_texts_scored"], second["rescored"], second["texts_seen"]) == (0, 0, 2)
