"""The dbt project matches the canonical contract and documents what it publishes."""

import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PipelineRun
from dbt_kit import run_dbt

from orchestration.defs.dbt_models import dbt_project
from orchestration.ingest import LINEAGE_COLUMNS, load_contract
from orchestration.settings import DBT_PROJECT_DIR, MARTS_SCHEMA

MODELS_DIR = DBT_PROJECT_DIR / "models"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def _raw_source_tables() -> dict[str, dict[str, str]]:
    doc = yaml.safe_load((MODELS_DIR / "staging" / "_raw__sources.yml").read_text())
    (raw,) = [s for s in doc["sources"] if s["name"] == "raw"]
    return {t["name"]: {c["name"]: c["data_type"] for c in t["columns"]} for t in raw["tables"]}


def test_raw_sources_declare_every_contract_column_with_its_type() -> None:
    contract = load_contract()
    lineage = {name: kind.lower() for name, kind in LINEAGE_COLUMNS}
    expected = {
        name: {c.name: c.type.lower() for c in spec.raw_columns} | lineage
        for name, spec in contract.entities.items()
    }
    assert _raw_source_tables() == expected


def test_every_raw_table_has_a_staging_model_deduplicating_its_business_key() -> None:
    for name, spec in load_contract().entities.items():
        model = MODELS_DIR / "staging" / spec.source / f"stg_{spec.source}__{name}.sql"
        sql = model.read_text()
        assert f"source('raw', '{name}')" in sql, model
        keys = ", ".join(f"'{k}'" for k in spec.business_key)
        assert f"deduplicate_latest('source', [{keys}])" in sql, model


def test_no_personal_column_or_raw_text_reaches_a_model(manifest: dict) -> None:
    contract = load_contract()
    personal = {c.name for s in contract.entities.values() for c in s.pii_columns}
    texts = {c.name for s in contract.entities.values() for c in s.text_columns}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        leaked = (personal | texts) & set(node["columns"])
        assert not leaked, f"{node['name']} exposes {sorted(leaked)}"


def test_every_model_and_column_is_documented(manifest: dict) -> None:
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert models
    for node in models:
        assert node["description"].strip(), f"{node['name']} has no description"
        assert node["columns"], f"{node['name']} documents no column"
        for column in node["columns"].values():
            assert column["description"].strip(), f"{node['name']}.{column['name']} undocumented"


def test_published_marts_enforce_their_contract(manifest: dict) -> None:
    marts = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"]["schema"] == "marts"
    ]
    names = {n["name"] for n in marts}
    assert {
        "fct_csat",
        "fct_nps",
        "fct_ces",
        "fct_metric_alerts",
        "fct_empathy_index",
        "fct_empathy_index_components",
        "dim_kpis",
    } <= names
    for node in marts:
        assert node["config"]["contract"]["enforced"], node["name"]
        assert all(c["data_type"] for c in node["columns"].values()), node["name"]


def test_the_marts_constraints_hold_in_the_build_database(
    manifest: dict, demo_pipeline: PipelineRun
) -> None:
    """Every `not_null` and `check` constraint of a mart is in the table dbt built, so DuckDB
    refuses to build a mart that breaks one: the constraints replace the row-by-row data tests
    (DECISIONLOG.md, "Constraints instead of row-by-row tests")."""
    not_null, checks = set(), Counter()
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for column in node["columns"].values():
            for constraint in column.get("constraints", []):
                if constraint["type"] == "not_null":
                    not_null.add((node["name"], column["name"]))
                elif constraint["type"] == "check":
                    checks[node["name"]] += 1
    with duckdb.connect(str(demo_pipeline.settings.build_db), read_only=True) as con:
        not_nullable = set(
            con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND is_nullable = 'NO'",
                [MARTS_SCHEMA],
            ).fetchall()
        )
        built_checks = Counter(
            dict(
                con.execute(
                    "SELECT table_name, count(*) FROM duckdb_constraints() "
                    "WHERE schema_name = ? AND constraint_type = 'CHECK' GROUP BY table_name",
                    [MARTS_SCHEMA],
                ).fetchall()
            )
        )
    assert len(not_null) > 150 and checks.total() > 150
    assert not_null <= not_nullable, sorted(not_null - not_nullable)
    assert built_checks == checks


def test_a_mart_that_breaks_a_constraint_is_not_built(
    demo_pipeline: PipelineRun, tmp_path: Path
) -> None:
    """CSAT answers of 7 reaching the intermediate layer would give means above the 1-5
    scale: DuckDB refuses fct_csat's rows, dbt's error names the rule, the table keeps what
    it held."""
    build_db = tmp_path / "build.duckdb"  # the profile's catalog name, `build`
    shutil.copy(demo_pipeline.settings.build_db, build_db)
    held = "SELECT * FROM marts.fct_csat ORDER BY ALL"
    with duckdb.connect(str(build_db)) as con:
        before = con.execute(held).fetchall()
        con.execute(
            "UPDATE intermediate.int_survey_responses_enriched SET score = 7 "
            "WHERE survey_type = 'csat'"
        )
    result = run_dbt(build_db, "run", "--select", "fct_csat", check=False)
    assert result.returncode != 0
    assert "CHECK constraint failed" in result.stdout, result.stdout[-3000:]
    assert "csat_mean <= 5" in result.stdout
    with duckdb.connect(str(build_db), read_only=True) as con:
        assert before and con.execute(held).fetchall() == before


def test_duckdb_only_sql_stays_in_its_marked_macros() -> None:
    """Models call engine-specific functions only through macros/duckdb_only/."""
    duckdb_only = ("isodow(", "unnest(", "array_to_string(", "list_aggr(", "qualify ")
    for path in Path(MODELS_DIR).rglob("*.sql"):
        sql = path.read_text().lower()
        assert not [f for f in duckdb_only if f in sql], path


def test_dbt_sends_no_usage_statistics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dbt's usage tracking posts to dbt Labs' collector from the threads building the nodes and
    leaves a `.user.yml` with a user id beside the profile it reads; the project turns it off."""
    from dbt.cli.main import dbtRunner

    shutil.copyfile(DBT_PROJECT_DIR / "profiles.yml", tmp_path / "profiles.yml")
    monkeypatch.delenv("DBT_SEND_ANONYMOUS_USAGE_STATS", raising=False)
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    command = ["debug", "--config-dir", "--project-dir", str(DBT_PROJECT_DIR)]
    outcome = dbtRunner().invoke([*command, "--profiles-dir", str(tmp_path)])
    assert outcome.success
    assert not (tmp_path / ".user.yml").exists()
