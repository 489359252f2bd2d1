"""Render the board scorecard from the serving file into one self-contained HTML page.

The page carries its styles and its charts (inline SVG) and loads nothing from anywhere, so
it opens offline, can be mailed as one file, and prints to a clean PDF from a browser.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import jinja2

from orchestration.scorecard.accountability import Accountability, accountability
from orchestration.scorecard.breakdowns import Breakdown, breakdowns
from orchestration.scorecard.customer_value import CustomerValue, customer_value
from orchestration.scorecard.footer import Footer, footer
from orchestration.scorecard.headlines import Alert, Tier, headline_tiers, significant_alerts
from orchestration.scorecard.index import IndexSection, index_section
from orchestration.scorecard.journey import JourneySection, journey_section
from orchestration.scorecard.people import PeopleSection, people_section
from orchestration.scorecard.predictive import PredictiveSection, predictive_section
from orchestration.scorecard.service import ServiceSection, service_section
from orchestration.scorecard.serving_reader import ServingFile
from orchestration.scorecard.voice import Voice, voice
from orchestration.settings import Settings


@dataclass(frozen=True)
class Scorecard:
    """Everything the page shows, read from one publication."""

    index: IndexSection
    tiers: tuple[Tier, ...]
    tiers_reason: str | None
    alerts: tuple[Alert, ...]
    accountability: Accountability
    breakdowns: tuple[Breakdown, ...]
    breakdowns_reason: str | None
    voice: Voice
    journey: JourneySection
    footer: Footer
    customer_value: CustomerValue
    service: ServiceSection
    rendered_at: str
    people: PeopleSection = field(default_factory=PeopleSection)
    predictive: PredictiveSection = field(default_factory=PredictiveSection)


def scorecard_dir(settings: Settings) -> Path:
    """Where the latest scorecard and one per publication are written."""
    return settings.reports_dir / "scorecard"


def read_scorecard(settings: Settings) -> Scorecard:
    """Read every section from the serving file (read-only), then let it go."""
    with ServingFile(settings.serving_db) as serving:
        tiers, tiers_reason = headline_tiers(serving)
        charts, charts_reason = breakdowns(serving)
        return Scorecard(
            index=index_section(serving),
            tiers=tiers,
            tiers_reason=tiers_reason,
            alerts=significant_alerts(serving),
            accountability=accountability(serving),
            breakdowns=charts,
            breakdowns_reason=charts_reason,
            voice=voice(serving),
            journey=journey_section(serving),
            footer=footer(serving, settings),
            customer_value=customer_value(serving),
            service=service_section(serving),
            rendered_at=f"{datetime.now(UTC):%d %b %Y %H:%M} UTC",
            people=people_section(serving),
            predictive=predictive_section(serving),
        )


# The template and its style sheet live beside this module.
_PACKAGE = resources.files("orchestration.scorecard")


def to_html(scorecard: Scorecard) -> str:
    """The page for a scorecard, styles inlined."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_PACKAGE)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = (_PACKAGE / "scorecard.css").read_text(encoding="utf-8")
    return environment.get_template("scorecard.html.j2").render(card=scorecard, css=css)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_scorecard(settings: Settings, scorecard: Scorecard) -> Path:
    """Write a scorecard's page; return the latest copy's path.

    Two files: `scorecard.html` (always the latest) and `scorecard_v<NNNN>.html` for the
    publication it shows, so earlier publications' pages stay available.
    """
    folder = scorecard_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    html = to_html(scorecard)
    if scorecard.footer.publication is not None:
        version = scorecard.footer.publication.version
        _write_atomically(folder / f"scorecard_v{version:04d}.html", html)
    latest = folder / "scorecard.html"
    _write_atomically(latest, html)
    return latest


def render_scorecard(settings: Settings) -> Path:
    """Render the scorecard of the current publication; return the latest copy's path."""
    return write_scorecard(settings, read_scorecard(settings))
