"""The scorecard's predictive and proactive section: the churn model against its baseline, the
proactive rates and the outreach effect from the planted demo, or why not."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2
import scorecard_kit as kit
from effects_warehouse import Warehouse

from orchestration.churn_risk import pipeline, targets
from orchestration.scorecard import render_scorecard
from orchestration.scorecard.predictive import predictive_section
from orchestration.scorecard.serving_reader import ServingFile
from orchestration.settings import MARTS_SCHEMA, Settings


def _section_html(section: object) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("orchestration.scorecard"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = environment.get_template("predictive.html.j2")
    return template.render(card=SimpleNamespace(predictive=section))


def test_the_model_figures_rates_and_outreach_effect_are_shown(
    planted: Warehouse, tmp_path: Path
) -> None:
    db = tmp_path / "build.duckdb"
    shutil.copy(planted.build_db, db)
    with duckdb.connect(str(db)) as con:
        fingerprint = pipeline.input_fingerprint(con)
        result = pipeline.run_churn_risk(con, dt.datetime(2025, 7, 1), fingerprint)
        pipeline.write_tables(con, result, MARTS_SCHEMA)
        support = {}
        for target in targets.SUPPORT_NEED_TARGETS:
            fingerprint = pipeline.input_fingerprint(con, target)
            support[target.name] = pipeline.run_model(
                con, target, dt.datetime(2025, 7, 1), fingerprint
            )
            pipeline.write_tables(con, support[target.name], MARTS_SCHEMA)
    with ServingFile(db) as serving:
        section = predictive_section(serving)
    assert section.model_reason is None and section.model_status == "published"
    assert section.model_figures[0].value == f"{result.card['auc']:.3f}"
    assert section.rates_reason is None and len(section.rates) == 3
    assert section.effect_reason is None and section.effect_significant
    assert section.effect.value.startswith("-")
    # Support-need models next to churn risk: each target's newest card, published or withheld.
    assert section.support_reason is None
    models = {m.title: m for m in section.support_models}
    contact = models["Inbound contact within 30 days"]
    assert contact.status == "published" and contact.reason is None
    assert contact.figures[0].value == f"{support['inbound_contact'].card['auc']:.3f}"
    complaint = models["Complaint within 30 days"]
    assert complaint.status.startswith(support["complaint"].card["status"])
    # CSAT of reached vs not reached: the demo plants no CSAT effect of outreach.
    assert section.csat_reason is None and not section.csat_significant
    html = _section_html(section)
    assert html.count('data-testid="model-figure"') == 4
    assert html.count('data-testid="support-figure"') == 8
    assert html.count('data-testid="proactive-rate"') == 3
    assert 'data-testid="outreach-csat"' in html
    assert "Not available" not in html


def test_without_the_model_the_section_says_why(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    page = render_scorecard(isolated_settings).read_text(encoding="utf-8")
    text = kit.section_text(page, "predictive")
    assert "Not available: not in this publication: fct_churn_model_card" in text
    assert "Not available: not in this publication: fct_support_need_model_card" in text
