"""Issue 13: the scorecard's "Service delivery" section, from the service-delivery marts;
missing data reads "Not available" with the reason, never 0."""

from __future__ import annotations

import dataclasses

import pytest
import scorecard_kit as kit
from effects_warehouse import Warehouse

from orchestration.scorecard import render_scorecard
from orchestration.scorecard.render import read_scorecard, to_html
from orchestration.scorecard.service import service_section
from orchestration.scorecard.serving_reader import ServingFile
from orchestration.settings import Settings


def test_without_service_data_the_section_says_why(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)  # every mart exists; the service marts are empty
    page = render_scorecard(isolated_settings).read_text(encoding="utf-8")
    text = kit.section_text(page, "service")
    assert "Not available: no inbound interactions in the exports" in text
    assert "Not available: no bot-handled conversations in the exports" in text
    assert "Not available: no initiatives in the HR trainings export" in text
    assert " 0.0%" not in text


@pytest.mark.slow
def test_the_section_shows_the_planted_warehouse(
    planted: Warehouse, isolated_settings: Settings
) -> None:
    kit.publish_planted(isolated_settings)
    with ServingFile(planted.build_db) as serving:
        section = service_section(serving)
    (bots,) = planted.records(
        "SELECT * FROM marts.fct_automation_containment WHERE grain = 'overall'"
    )
    card = dataclasses.replace(read_scorecard(isolated_settings), service=section)
    text = kit.section_text(to_html(card), "service")
    share = f"{bots['containment_rate'] * 100:.1f}%"
    assert f"Contained (resolved by the bot alone) : {share}" in text
    assert f"n={bots['n_bot_conversations']:,}" in text
    assert "CSAT spread across channels" in text and "95% interval" in text
    assert "Empathy in every conversation: customers leaving positive : +" in text
    assert "Not available for Website chatbot: every team took part" in text
    assert [c.channel for c in section.channels][-1] == "All channels"
    assert "Tuesday: answered within target -" in text
    assert "Algorithmic empathy score of the bot's turns: 0/100" in text
    assert "Customer sentiment from first to last turn with people: +" in text
