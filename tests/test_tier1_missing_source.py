"""Must-show 4: a business without any survey export still gets a warehouse. Ingestion, text
analytics and `dbt build` run as Dagster assets (every dbt test an asset check, all passing);
the empathy index is computed from what is there and says which components are missing, why,
and how much of the configured weight it covers.
"""

import csv
import json
import shutil

import dagster as dg
import duckdb
import pytest
from resources_kit import resources

from empathy_devtools.demo.generator import DemoSize, generate
from orchestration.defs import ingest, text
from orchestration.defs.dbt_checks import mart_tests
from orchestration.defs.dbt_models import dbt_models, dbt_project
from orchestration.defs.dbt_models import defs as dbt_defs
from orchestration.settings import DBT_PROJECT_DIR, Settings

pytestmark = [pytest.mark.slow]

SURVEY_COMPONENTS = {"csat_top2_share", "nps", "ces_easy_share", "channel_consistency"}


def _seed(name: str) -> list[dict[str, str]]:
    with (DBT_PROJECT_DIR / "seeds" / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_without_surveys_the_index_names_what_is_missing(isolated_settings: Settings) -> None:
    generate(isolated_settings.landing_dir, DemoSize(customers=300, agents=10), seed=5)
    shutil.rmtree(isolated_settings.landing_dir / "surveys")

    result = dg.materialize(
        [*ingest.defs.assets, *text.defs.assets, dbt_models],
        resources=resources(**dbt_defs.resources),
    )

    assert result.success
    checks = result.get_asset_check_evaluations()
    assert all(check.passed for check in checks)
    # One `dbt_tests` check per mart, each counting the dbt tests it sums up: all of them ran.
    dbt_tests = [c for c in checks if c.check_name == "dbt_tests"]
    assert len(dbt_tests) >= 40
    manifest = json.loads(dbt_project.manifest_path.read_text())
    assert sum(c.metadata["tests_run"].value for c in dbt_tests) == len(mart_tests(manifest))

    with duckdb.connect(str(isolated_settings.build_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.fct_csat").fetchone()[0] == 0
        index = con.execute(
            "SELECT index_value, status, coverage, components_used, components_missing "
            "FROM marts.fct_empathy_index WHERE period = 'overall'"
        ).fetchone()
        reasons = dict(
            con.execute(
                "SELECT component, unavailable_reason FROM marts.fct_empathy_index_components "
                "WHERE period = 'overall' AND NOT is_available"
            ).fetchall()
        )
        csat_status = con.execute(
            "SELECT status, status_reason FROM marts.dim_kpis WHERE kpi = 'csat_top2_share'"
        ).fetchone()

    weights = {row["component"]: float(row["weight"]) for row in _seed("empathy_index_components")}
    missing_reason = {row["kpi"]: row["missing_reason"] for row in _seed("kpi_targets")}
    index_value, status, coverage, used, missing = index
    assert set(missing.split(", ")) == SURVEY_COMPONENTS == set(reasons)
    assert reasons == {c: f"{missing_reason[c]}; counted as 0" for c in SURVEY_COMPONENTS}
    assert set(used.split(", ")) == set(weights) - SURVEY_COMPONENTS
    available = sum(w for c, w in weights.items() if c not in SURVEY_COMPONENTS)
    assert coverage == pytest.approx(available / sum(weights.values()))
    assert coverage < 0.7 and (index_value, status) == (None, "not_enough_data")
    assert csat_status == ("no_data", missing_reason["csat_top2_share"])
