"""On the demo exports, ingested by the ingestion engine: every text has a row, the planted
billing-sentiment effect is found, planted contact details are masked and staff praised by
name are linked to real agents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.ingest import ingest_source, load_contract
from orchestration.settings import Settings
from orchestration.text.enrichment import EnrichmentStats, run_enrichment


@dataclass(frozen=True)
class Demo:
    con: duckdb.DuckDBPyConnection
    stats: EnrichmentStats
    truth: dict


def build_demo(root: Path, effects: frozenset[str] | None) -> Iterator[Demo]:
    """Demo exports (all effects planted, or the given ones), ingested and enriched."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMPATHY_DATA_DIR", str(root / "data"))
        mp.setenv("EMPATHY_KEY_FILE", str(root / "secrets" / "pseudonym.key"))
        settings = Settings.from_env()
        truth_path = generate(
            settings.landing_dir, DemoSize(customers=300, agents=10), seed=7, effects=effects
        )
        settings.build_db.parent.mkdir(parents=True)
        with duckdb.connect(str(settings.build_db)) as con:
            for source in load_contract().sources:
                ingest_source(con, settings, source)
            stats = run_enrichment(con)
            yield Demo(con, stats, json.loads(truth_path.read_text()))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    yield from build_demo(tmp_path_factory.mktemp("text_demo"), effects=None)


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The same business with no planted effect."""
    yield from build_demo(tmp_path_factory.mktemp("text_demo_control"), effects=frozenset())


def billing_vs_others(demo: Demo) -> list[tuple]:
    """(is billing, texts, mean sentiment_score, share labelled negative) of the texts of
    inbound interactions: transcripts and linked survey comments, as the ground truth counts."""
    return demo.con.execute(
        """WITH texts AS (
               SELECT i.interaction_type = 'billing' AS billing, o.text_hash
               FROM enrichment.text_occurrences o
               JOIN raw.interactions i
                 ON o.source_entity = 'interactions' AND o.source_id = i.interaction_id
               WHERE i.direction = 'inbound'
               UNION ALL
               SELECT i.interaction_type = 'billing', o.text_hash
               FROM enrichment.text_occurrences o
               JOIN raw.survey_responses s
                 ON o.source_entity = 'survey_responses' AND o.source_id = s.response_id
               JOIN raw.interactions i USING (interaction_id)
               WHERE i.direction = 'inbound')
           SELECT billing, count(*), avg(s.sentiment_score),
                  avg((s.sentiment_label = 'negative')::INT)
           FROM texts JOIN enrichment.text_scores s USING (text_hash)
           GROUP BY billing ORDER BY billing"""
    ).fetchall()


def test_every_demo_text_has_an_occurrence_and_a_score(demo: Demo) -> None:
    texts = demo.con.execute(
        """SELECT (SELECT count(*) FROM raw.reviews WHERE trim(review_text) <> '')
                + (SELECT count(*) FROM raw.reviews WHERE trim(reply_text) <> '')
                + (SELECT count(*) FROM raw.social_mentions WHERE trim(mention_text) <> '')
                + (SELECT count(*) FROM raw.survey_responses WHERE trim(comment) <> '')
                + (SELECT count(*) FROM raw.exit_surveys WHERE trim(comment) <> '')
                + (SELECT count(*) FROM raw.interactions WHERE trim(transcript) <> '')"""
    ).fetchone()[0]
    assert texts > 1000
    assert demo.stats.occurrences == texts
    assert demo.stats.distinct_texts == demo.stats.new_texts_scored
    assert demo.stats.sources_missing == ()


def test_planted_billing_sentiment_effect_is_found(demo: Demo, control: Demo) -> None:
    planted = demo.truth["effects"]["billing_negative_sentiment"]["observed"]
    assert planted["difference"] > 0.1
    (_, others, other_score, other_negative), (_, billing, billing_score, billing_negative) = (
        billing_vs_others(demo)
    )
    assert billing > 100 and others > 500
    assert billing_score < other_score - 0.1
    assert billing_negative - other_negative > planted["difference"] / 2
    # The scorer's negative shares match the generator's own tone of each text.
    assert billing_negative == pytest.approx(planted["billing_negative_share"], abs=0.08)
    assert other_negative == pytest.approx(planted["other_negative_share"], abs=0.08)
    # Without the planted effect, billing texts are not found more negative.
    (_, _, _, control_other), (_, _, _, control_billing) = billing_vs_others(control)
    assert abs(control_billing - control_other) < planted["difference"] / 2


def test_planted_contact_details_never_reach_the_stored_text(demo: Demo) -> None:
    planted = demo.truth["planted_pii"]
    assert planted
    for item in planted:
        leaks = demo.con.execute(
            "SELECT count(*) FROM enrichment.text_scores WHERE contains(masked_text, ?)",
            [item["value"]],
        ).fetchone()[0]
        assert leaks == 0, item["kind"]
    assert demo.con.execute(
        """SELECT count(*) FROM enrichment.text_scores
           WHERE contains(masked_text, '[email]') OR contains(masked_text, '[phone]')"""
    ).fetchone()[0] >= len(planted)


def test_staff_praised_by_name_are_linked_to_agents_and_masked(demo: Demo) -> None:
    named = demo.truth["staff_praise_texts"]
    linked = dict(
        demo.con.execute(
            """SELECT o.text_field, count(*) FROM enrichment.text_occurrences o
               JOIN enrichment.text_scores s USING (text_hash)
               WHERE len(s.staff_mentions) > 0 GROUP BY 1"""
        ).fetchall()
    )
    for field in ("review_text", "comment", "transcript"):
        assert linked.get(field, 0) >= named[field] > 0
    agents = {r[0] for r in demo.con.execute("SELECT agent_id FROM raw.employees").fetchall()}
    mentioned = {
        r[0]
        for r in demo.con.execute(
            "SELECT unnest(staff_mentions) FROM enrichment.text_scores"
        ).fetchall()
    }
    assert mentioned and mentioned <= agents
    display_names = [
        r[0]
        for r in demo.con.execute(
            "SELECT display_name FROM restricted.employees_pii WHERE display_name IS NOT NULL"
        ).fetchall()
    ]
    for name in display_names:
        assert (
            demo.con.execute(
                "SELECT count(*) FROM enrichment.text_scores WHERE contains(masked_text, ?)", [name]
            ).fetchone()[0]
            == 0
        )
