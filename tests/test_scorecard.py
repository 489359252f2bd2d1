"""The board scorecard on a published serving file with planted numbers."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import scorecard_kit as kit
from resources_kit import resources

from orchestration.defs.scorecard import board_scorecard
from orchestration.failed_runs import failed_runs_path
from orchestration.publish.serving import Publication, publish
from orchestration.scorecard import render_scorecard
from orchestration.scorecard.render import read_scorecard
from orchestration.settings import Settings


def test_page_shows_planted_numbers_and_keeps_one_copy_per_publication(
    isolated_settings: Settings,
) -> None:
    version = kit.publish_planted(isolated_settings)
    failed = {"step": "dbt_models", "error_class": "DagsterDbtCliRuntimeError", "message": "…"}
    failed_runs_path(isolated_settings).parent.mkdir(parents=True)
    failed_runs_path(isolated_settings).write_text(
        json.dumps({"run_id": "r1", "failed_at": "2025-06-29T06:00:00+00:00", "steps": [failed]})
    )
    path = render_scorecard(isolated_settings)
    page = path.read_text(encoding="utf-8")

    assert path == isolated_settings.reports_dir / "scorecard" / "scorecard.html"
    assert (path.parent / f"scorecard_v{version:04d}.html").read_text(encoding="utf-8") == page

    index = kit.section_text(page, "index")
    headline = f"{kit.HEADLINE_INDEX} /100 Amber Jun 2025 · 95% interval 67 to 73"
    assert f"{headline} · all periods: 64" in index
    assert "No significant change since May 2025 (+2.4 points" in index
    assert "▲" not in index and "▼" not in index, "a change that is not significant has no arrow"
    assert "What moved it: Net Promoter Score +1.6" in index  # the largest mover first
    assert "CSAT: share of customers satisfied (4-5 of 5) +0.8 (index points)" in index
    assert "Coverage 80% of the configured weight (4 of 5 components measured; floor 70%)" in index
    assert f"{kit.CES_REASON}; counted as 0" in index

    cards = kit.headline_cards(page)
    assert set(cards) == kit.headline_kpis(isolated_settings)
    assert f"+{kit.NPS_LATEST:.0f}" in cards["nps"]
    assert f"▲ +{kit.NPS_RISE:.0f} pts vs May 2025" in cards["nps"]
    assert "Owner: Managing Director" in cards["nps"] and "Target +30" in cards["nps"]
    csat = cards["csat_top2_share"]
    assert "76.0%" in csat and "n = 600" in csat and "95% CI" in csat
    assert "▲" not in csat and "▼" not in csat, "a move that is not significant has no arrow"
    assert "Not available" in cards["ces_easy_share"] and kit.CES_REASON in cards["ces_easy_share"]

    accountability = kit.section_text(page, "accountability")
    assert "Publish a billing FAQ CES: share who found it easy Head of Operations" in accountability
    assert "15 Jun 2025 13 days overdue" in accountability
    assert accountability.index("13 days overdue") < accountability.index("Call back every")
    assert "Customer Service 55 1 of 3 owned KPIs on target CSAT 77.0% of its contacts" in (
        accountability
    )
    assert "Operations 0 0 of 1 owned KPIs on target too few answers" in accountability

    alerts = kit.section_text(page, "alerts")
    assert f"{kit.TUESDAY_SHARE * 100:.1f}% on Tuesdays vs other weekdays" in alerts
    assert alerts.count("▲") + alerts.count("▼") == 2  # the two significant moves only

    assert page.count("<svg") == 1 + 5  # index trend, and five breakdowns
    voice = kit.section_text(page, "voice")
    assert kit.PRAISED_AGENT in voice and "Billing" in voice
    footer = kit.section_text(page, "footer")
    assert f"Publication {version}" in footer and "data up to 28 Jun 2025" in footer
    assert f"from {kit.SOURCE_FILES} export files" in footer
    assert "3 checks passed (dbt tests and Great Expectations suites: marts 2, raw 1)" in footer
    assert "2025-06-29 06:00 UTC: dbt_models: DagsterDbtCliRuntimeError" in footer


def test_page_is_self_contained(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    page = render_scorecard(isolated_settings).read_text(encoding="utf-8")
    assert "On hold for forty minutes &lt;script&gt;" in page  # quotes are escaped
    for loader in ("<script", "<link", "<img", "<iframe", "@import", "src=", "url("):
        assert loader not in page, f"the page would load something: {loader}"
    addresses = set(re.findall(r"https?://[^\s\"')]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_without_surveys_the_page_says_what_is_not_available_and_why(
    isolated_settings: Settings,
) -> None:
    kit.publish_planted(isolated_settings, with_surveys=False)
    page = render_scorecard(isolated_settings).read_text(encoding="utf-8")

    cards = kit.headline_cards(page)
    for kpi, reason in [
        ("csat_top2_share", "no CSAT survey responses in the exports"),
        ("nps", "no NPS survey responses in the exports"),
        ("ces_easy_share", kit.CES_REASON),
    ]:
        assert "Not available" in cards[kpi] and reason in cards[kpi], cards[kpi]
    assert "Not available" not in cards["net_sentiment"]
    breakdowns = kit.section_text(page, "breakdowns")
    assert "Not available: no CSAT survey responses in the exports" in breakdowns
    index = kit.section_text(page, "index")
    assert "Not available" in index and "below the floor of 70%" in index
    assert "Coverage 30% of the configured weight (2 of 5 components measured" in index
    assert "Net Promoter Score: no NPS survey responses in the exports; counted as 0" in index
    assert "No statistically significant change" in kit.section_text(page, "alerts")


def test_marts_in_the_main_schema_read_the_same(
    isolated_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit.publish_planted(isolated_settings)
    flat_dir = tmp_path / "flat_serving"
    flat_dir.mkdir()
    with duckdb.connect(str(flat_dir / isolated_settings.serving_db.name)) as con:
        con.execute(f"attach '{isolated_settings.serving_db}' as published (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'published'"
        ).fetchall()
        assert {schema for schema, _ in tables} == {"main", "marts"}
        for schema, table in tables:
            con.execute(f"create table main.{table} as select * from published.{schema}.{table}")
    monkeypatch.setenv("EMPATHY_SERVING_DIR", str(flat_dir))

    nested = read_scorecard(isolated_settings)
    flat = read_scorecard(Settings.from_env())
    assert dataclasses.replace(flat, rendered_at="") == dataclasses.replace(nested, rendered_at="")


def test_rendering_lets_go_of_the_serving_file(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    render_scorecard(isolated_settings)
    # A read-only holder in this process would make a writable open fail.
    duckdb.connect(str(isolated_settings.serving_db)).close()


def test_asset_renders_the_current_publication(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    version = publish(isolated_settings, Publication("second-run", (), ()))

    result = dg.materialize([board_scorecard], resources=resources())

    assert result.success
    (materialization,) = result.asset_materializations_for_node("board_scorecard")
    metadata = materialization.metadata
    assert metadata["publication_version"].value == version == 2
    latest = Path(metadata["path"].value)
    assert latest.read_text(encoding="utf-8") == (latest.parent / "scorecard_v0002.html").read_text(
        encoding="utf-8"
    )
    assert not (latest.parent / "scorecard_v0001.html").exists()
