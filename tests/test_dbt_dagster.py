"""The dbt project as Dagster assets: groups, source keys, checks and the build database."""

import os

import dagster as dg
import pytest

from orchestration.defs.dbt_models import dbt_models, environment_variable
from orchestration.ingest import load_contract

SPECS = {spec.key: spec for spec in dbt_models.specs}


def _group(*path: str) -> str | None:
    return SPECS[dg.AssetKey(list(path))].group_name


def test_models_are_grouped_by_layer_and_tier() -> None:
    assert {spec.group_name for spec in SPECS.values()} == {
        "staging",
        "intermediate",
        "tier1_fundamentals",
        "tier2_relationships",
        "tier3_advanced",
        "empathy_index",
        "reference",
    }
    assert _group("staging", "stg_crm__interactions") == "staging"
    assert _group("intermediate", "int_survey_responses_enriched") == "intermediate"
    assert _group("marts", "fct_csat") == "tier1_fundamentals"
    assert _group("marts", "fct_empathy_index") == "empathy_index"
    assert _group("marts", "fct_channel_service") == "tier2_relationships"
    assert _group("marts", "fct_ai_bot_empathy") == "tier3_advanced"
    assert _group("marts", "fct_journey_touchpoints") == "tier2_relationships"
    assert _group("intermediate", "int_journey_touchpoints") == "intermediate"
    assert _group("reference", "kpi_targets") == "reference"


def test_sources_are_the_ingestion_and_enrichment_assets() -> None:
    upstream = {dep.asset_key for spec in SPECS.values() for dep in spec.deps} - set(SPECS)
    expected = {dg.AssetKey(["raw", entity]) for entity in load_contract().entities}
    expected |= {dg.AssetKey(["enrichment", t]) for t in ("text_occurrences", "text_scores")}
    assert upstream == expected


def test_sources_are_produced_by_assets_of_the_code_location() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    upstream = {dep.asset_key for spec in SPECS.values() for dep in spec.deps} - set(SPECS)
    for key in upstream:
        assert graph.get(key).is_materializable, key.to_user_string()


def test_dbt_tests_are_asset_checks_of_the_marts() -> None:
    checked = {check.asset_key for check in dbt_models.check_specs}
    marts = {key for key in SPECS if key.path[0] == "marts"}
    assert marts and marts <= checked


def test_dbt_runs_in_the_single_writer_pool() -> None:
    assert dbt_models.op.pool == "duckdb_writer"


@pytest.mark.parametrize("before", [None, "/elsewhere/build.duckdb"])
def test_build_database_is_set_only_for_the_dbt_call(
    before: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if before is None:
        monkeypatch.delenv("EMPATHY_BUILD_DB", raising=False)
    else:
        monkeypatch.setenv("EMPATHY_BUILD_DB", before)
    with environment_variable("EMPATHY_BUILD_DB", "/tmp/run/build.duckdb"):
        assert os.environ["EMPATHY_BUILD_DB"] == "/tmp/run/build.duckdb"
    assert os.environ.get("EMPATHY_BUILD_DB") == before
