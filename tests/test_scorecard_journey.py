"""The scorecard's journey section: top friction points and the path chart, or why not."""

from __future__ import annotations

from importlib import resources
from types import SimpleNamespace

import jinja2
import pytest
import scorecard_kit as kit
from effects_warehouse import Warehouse

from orchestration.scorecard import render_scorecard
from orchestration.scorecard.journey import journey_section, path_label
from orchestration.scorecard.serving_reader import ServingFile
from orchestration.settings import Settings


def _section_html(section: object) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("orchestration.scorecard"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = environment.get_template("journey.html.j2")
    return template.render(card=SimpleNamespace(journey=section))


@pytest.mark.slow
def test_the_planted_friction_point_and_the_path_chart_are_shown(planted: Warehouse) -> None:
    with ServingFile(planted.build_db) as serving:
        section = journey_section(serving)
    assert section.friction_reason is None and section.path_reason is None
    first = section.friction[0]
    assert (first.touchpoint, first.outcome) == (
        "Technical contacts (unresolved)",
        "cancel within 90 days",
    )
    assert section.friction_tested >= 100
    html = _section_html(section)
    assert html.count('data-testid="friction-point"') == len(section.friction)
    assert html.count("<svg") == 1 and "Order › Order" in html


def test_without_journey_data_the_section_says_why(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    page = render_scorecard(isolated_settings).read_text(encoding="utf-8")
    journey = kit.section_text(page, "journey")
    assert "Not available: no group of inbound contacts is large enough to compare" in journey
    assert "Not available: no customer has churned or bought again yet" in journey


def test_path_labels_are_short_words() -> None:
    assert path_label("order > contact_technical > survey_csat") == "Order › Technical › CSAT"
    assert path_label("(no earlier touchpoint)") == "No earlier touchpoint"
