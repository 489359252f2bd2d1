"""Tier 2 must-show 4: without orders, cancellations or exit surveys the build still passes
(every dbt test of the tier 2 marts included) and each metric that needs the missing export
says it is not available and why: in the KPI list, the index and the scorecard section.
Then without the CRM's customer list as well (no churn information at all).
"""

from __future__ import annotations

import csv

import duckdb
import pytest
from tier2_kit import build_tier2, ingest_and_enrich, rows

from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.scorecard.customer_value import NO_CHURN, NO_EXITS, NO_VALUE, customer_value
from orchestration.scorecard.serving_reader import ServingFile
from orchestration.settings import DBT_PROJECT_DIR, Settings

pytestmark = [pytest.mark.slow]

SELECT = (
    "+path:models/marts/tier2_relationships +dim_kpis +fct_empathy_index_components "
    "resource_type:seed"
)
TIER2_KPIS = ("monthly_churn_rate", "cltv_high_low_ratio")


def _missing_reasons() -> dict[str, str]:
    with (DBT_PROJECT_DIR / "seeds" / "kpi_targets.csv").open(newline="") as handle:
        return {row["kpi"]: row["missing_reason"] for row in csv.DictReader(handle)}


def _build(settings: Settings, *extra: str) -> None:
    build = build_tier2(settings, SELECT, *extra)
    assert build.returncode == 0, build.stdout[-4000:]


def test_without_orders_cancellations_or_exit_surveys(isolated_settings: Settings) -> None:
    landing = isolated_settings.landing_dir
    generate(landing, DemoSize(customers=300, agents=10), seed=5)
    for pattern in ("crm/orders*", "crm/cancellations*", "surveys/exit_survey*"):
        for path in landing.glob(pattern):
            path.unlink()
    ingest_and_enrich(isolated_settings)
    _build(isolated_settings)
    reasons = _missing_reasons()

    def kpi_status() -> dict[str, tuple]:
        return {
            kpi: (status, reason)
            for kpi, status, reason in rows(
                isolated_settings, "SELECT kpi, status, status_reason FROM marts.dim_kpis"
            )
            if kpi in TIER2_KPIS
        }

    # Churn still comes from the CRM's own churned flag, but without dates: no monthly churn.
    assert rows(isolated_settings, "SELECT count(*) FROM marts.fct_cltv_by_segment") == [(0,)]
    assert rows(isolated_settings, "SELECT count(*) FROM marts.fct_relationship_kpis") == [(0,)]
    assert rows(
        isolated_settings,
        "SELECT grain, churn_definition FROM marts.fct_churn_rates WHERE grain IN "
        "('overall', 'month')",
    ) == [("overall", "contractual")]
    sources = rows(isolated_settings, "SELECT DISTINCT source FROM marts.fct_exit_reasons")
    assert sources == [("crm_churn_flag",)]
    assert kpi_status() == {kpi: ("no_data", reasons[kpi]) for kpi in TIER2_KPIS}
    unavailable = dict(
        rows(
            isolated_settings,
            "SELECT component, unavailable_reason FROM marts.fct_empathy_index_components "
            "WHERE period = 'overall' AND NOT is_available",
        )
    )
    for kpi in TIER2_KPIS:  # the index adds how it counts the missing component
        assert unavailable[kpi].startswith(reasons[kpi])
    with ServingFile(isolated_settings.build_db) as serving:
        section = customer_value(serving)
    assert section.value_reason == NO_VALUE
    assert section.churn_reason is None and section.exit_reason is None
    assert section.overall_churn is not None and section.exits

    # Without the customer list either, nothing tells who left.
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        con.execute("DELETE FROM raw.customers")
    # Rows removed from a raw table: the pipeline rebuilds the incremental models in full
    # (orchestration/incremental_basis.py); dbt run by hand needs to be told.
    _build(isolated_settings, "--full-refresh")
    assert rows(isolated_settings, "SELECT count(*) FROM marts.fct_churn_rates") == [(0,)]
    assert rows(isolated_settings, "SELECT count(*) FROM marts.fct_exit_reasons") == [(0,)]
    with ServingFile(isolated_settings.build_db) as serving:
        section = customer_value(serving)
    assert (section.value_reason, section.churn_reason, section.exit_reason) == (
        NO_VALUE,
        NO_CHURN,
        NO_EXITS,
    )
    assert kpi_status() == {kpi: ("no_data", reasons[kpi]) for kpi in TIER2_KPIS}
