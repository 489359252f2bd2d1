"""dbt tests as one `dbt_tests` check per mart: which tests count, and what a failure says."""

from __future__ import annotations

import dagster as dg

from orchestration.defs import dbt_checks
from orchestration.defs.dbt_models import _manifest, dbt_models

MART = "model.p.fct_csat"
STAGING = "model.p.stg_surveys"
MANIFEST = {
    "nodes": {
        MART: {"resource_type": "model", "fqn": ["p", "marts", "tier1", "fct_csat"]},
        STAGING: {"resource_type": "model", "fqn": ["p", "staging", "surveys", "stg_surveys"]},
        "test.p.unique_fct_csat_key": {
            "resource_type": "test",
            "name": "unique_fct_csat_key",
            "attached_node": MART,
        },
        "test.p.not_null_fct_csat_n": {
            "resource_type": "test",
            "name": "not_null_fct_csat_n",
            "attached_node": MART,
            "config": {"severity": "warn"},
        },
        "test.p.not_null_stg_surveys_id": {
            "resource_type": "test",
            "name": "not_null_stg_surveys_id",
            "attached_node": STAGING,
        },
    }
}


def _key_of(node: dict) -> dg.AssetKey:
    return dg.AssetKey(["marts", node["fqn"][-1]])


def _result(unique_id: str, status: str, failures: int = 0) -> dict:
    node_info = {"unique_id": unique_id, "node_status": status}
    return {
        "info": {"name": "LogTestResult"},
        "data": {"node_info": node_info, "num_failures": failures},
    }


def test_only_marts_get_a_check_blocking_when_one_of_their_tests_is_an_error() -> None:
    (spec,) = dbt_checks.check_specs(MANIFEST, _key_of)
    assert (spec.asset_key, spec.name, spec.blocking) == (
        _key_of({"fqn": ["fct_csat"]}),
        "dbt_tests",
        True,
    )


def test_a_failing_mart_test_fails_the_marts_check_with_error_and_names_it() -> None:
    collector = dbt_checks.TestCollector(MANIFEST)
    for event in (
        _result("test.p.unique_fct_csat_key", "fail", failures=3),
        _result("test.p.not_null_fct_csat_n", "pass"),
        _result("test.p.not_null_stg_surveys_id", "fail"),  # no check: fails the dbt step only
    ):
        assert collector.take(event)
    assert not collector.take(
        {"info": {"name": "LogModelResult"}, "data": {"node_info": {"unique_id": MART}}}
    )
    key = dg.AssetCheckKey(dg.AssetKey(["marts", "fct_csat"]), "dbt_tests")
    (result,) = collector.check_results(_key_of, [key])
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert "unique_fct_csat_key" in (result.description or "")
    assert result.metadata["tests_run"].value == 2
    assert result.metadata["failed_row_counts"].value == {"unique_fct_csat_key": 3}
    assert collector.other_tests == 1


def test_a_warning_only_warns() -> None:
    collector = dbt_checks.TestCollector(MANIFEST)
    collector.take(_result("test.p.unique_fct_csat_key", "pass"))
    collector.take(_result("test.p.not_null_fct_csat_n", "warn"))
    key = dg.AssetCheckKey(dg.AssetKey(["marts", "fct_csat"]), "dbt_tests")
    (result,) = collector.check_results(_key_of, [key])
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN


def test_the_project_has_one_blocking_check_per_tested_mart_and_none_elsewhere() -> None:
    specs = list(dbt_models.check_specs)
    assert {s.name for s in specs} == {"dbt_tests"}
    assert all(s.asset_key.path[0] == "marts" and s.blocking for s in specs)
    tested = {m for marts in dbt_checks.mart_tests(_manifest).values() for m in marts}
    assert len(specs) == len(tested) >= 40
