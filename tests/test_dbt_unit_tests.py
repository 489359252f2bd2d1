"""dbt unit tests (the metric math on fixed inputs) run in CI, not in production runs.

Production `dbt build` excludes them (`PRODUCTION_EXCLUDE` in orchestration/defs/dbt_models.py):
they test the same SQL against the same fixed inputs every run. The test suite's `dbt build`
of the planted warehouse runs every one of them; this test reads what it ran
(tests/test_pipeline_rerun.py checks that `empathy run` ran none).
"""

from __future__ import annotations

import json

from effects_warehouse import BUILD_RESULTS, Warehouse

from orchestration.defs.dbt_models import _manifest


def test_every_unit_test_of_the_project_ran_and_passed_in_ci(planted: Warehouse) -> None:
    results = json.loads((planted.build_db.parent / BUILD_RESULTS).read_text())["results"]
    unit = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert set(unit) == set(_manifest["unit_tests"]) and len(unit) >= 7
    assert set(unit.values()) == {"pass"}
