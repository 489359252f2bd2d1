"""dbt tests as Dagster checks: one `dbt_tests` check per mart, not one per test.

Every dbt test still runs in `dbt build` and a failing one still fails the dbt step (so nothing
after it runs or is published). In Dagster, only the tests that gate something are a check:
those on the marts, which the publication requires, summed up in one check per mart whose
metadata names the failing tests. A check per test cost one planned and one evaluation event
each in the run's event log (~900 for the project), each a database commit; tests on staging
and intermediate models gate nothing a failed step does not already stop, and their results
stay in dbt's `run_results.json` and log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from orchestration.settings import MARTS_SCHEMA

CHECK_NAME = "dbt_tests"
FAILED = frozenset({"fail", "error"})


def is_mart(node: Mapping[str, Any]) -> bool:
    """A dbt model of the `models/marts` folder."""
    return node.get("resource_type") == "model" and node.get("fqn", [None, None])[1] == "marts"


def mart_tests(manifest: Mapping[str, Any]) -> dict[str, list[str]]:
    """`test unique_id -> [mart model unique_id]`: the marts each data test is about."""
    nodes = manifest["nodes"]
    found: dict[str, list[str]] = {}
    for unique_id, node in nodes.items():
        if node["resource_type"] != "test":
            continue
        attached = node.get("attached_node")
        parents = [attached] if attached else node.get("depends_on", {}).get("nodes", [])
        marts = [p for p in parents if p in nodes and is_mart(nodes[p])]
        if marts:
            found[unique_id] = marts
    return found


def check_specs(
    manifest: Mapping[str, Any], key_of: Callable[[Mapping[str, Any]], dg.AssetKey]
) -> list[dg.AssetCheckSpec]:
    """One blocking `dbt_tests` check per mart with at least one data test."""
    tests_by_mart: dict[str, list[str]] = defaultdict(list)
    for test, marts in mart_tests(manifest).items():
        for mart in marts:
            tests_by_mart[mart].append(test)
    nodes = manifest["nodes"]
    specs = []
    for mart, tests in sorted(tests_by_mart.items()):
        severities = {
            (nodes[t].get("config", {}).get("severity") or "error").lower() for t in tests
        }
        specs.append(
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=key_of(nodes[mart]),
                blocking="error" in severities,
                description=f"The {len(tests)} dbt data tests of this mart (keys, counts that "
                "must reconcile across grains, relationships; its rules about one row at a time "
                "are table constraints); metadata names the failures.",
            )
        )
    return specs


@dataclass
class MartTestResults:
    """Statuses of one mart's dbt tests in this build."""

    statuses: dict[str, str] = field(default_factory=dict)
    failed_rows: dict[str, int] = field(default_factory=dict)

    def names(self, wanted: Iterable[str]) -> list[str]:
        return sorted(name for name, status in self.statuses.items() if status in wanted)


class TestCollector:
    """Collects test results from dbt's events: `take(event)` is True for a test's result."""

    def __init__(self, manifest: Mapping[str, Any]) -> None:
        self._nodes = manifest["nodes"]
        self._marts_of = mart_tests(manifest)
        self.by_mart: dict[str, MartTestResults] = defaultdict(MartTestResults)
        self.other_tests = 0

    def take(self, raw_event: Mapping[str, Any]) -> bool:
        """Record the event if it is a data test's result (then it needs no Dagster event)."""
        node_info = raw_event.get("data", {}).get("node_info") or {}
        unique_id = node_info.get("unique_id", "")
        if not unique_id.startswith("test.") or raw_event.get("info", {}).get("name") not in (
            "LogTestResult",
            "NodeFinished",
        ):
            return unique_id.startswith("test.")
        status = str(node_info.get("node_status") or "").lower()
        marts = self._marts_of.get(unique_id)
        if not marts:
            self.other_tests += 1
            return True
        name = self._nodes[unique_id]["name"]
        failures = raw_event.get("data", {}).get("num_failures")
        for mart in marts:
            results = self.by_mart[mart]
            results.statuses[name] = status
            if failures:
                results.failed_rows[name] = int(failures)
        return True

    def check_results(
        self,
        key_of: Callable[[Mapping[str, Any]], dg.AssetKey],
        selected: Iterable[dg.AssetCheckKey],
    ) -> Iterator[dg.AssetCheckResult]:
        """One result per selected mart check whose tests ran in this build."""
        wanted = set(selected)
        for mart, results in sorted(self.by_mart.items()):
            key = dg.AssetCheckKey(key_of(self._nodes[mart]), CHECK_NAME)
            if key not in wanted or not results.statuses:
                continue
            failed, warned = results.names(FAILED), results.names({"warn"})
            skipped = results.names({"skipped"})
            yield dg.AssetCheckResult(
                asset_key=key.asset_key,
                check_name=CHECK_NAME,
                passed=not failed and not warned and not skipped,
                severity=dg.AssetCheckSeverity.ERROR
                if failed or skipped
                else dg.AssetCheckSeverity.WARN,
                description=(
                    "failed: " + ", ".join(failed + skipped) if failed or skipped else None
                )
                or ("warned: " + ", ".join(warned) if warned else None),
                metadata={
                    "tests_run": len(results.statuses),
                    "tests_failed": ", ".join(failed) or "none",
                    "tests_warned": ", ".join(warned) or "none",
                    "tests_skipped": ", ".join(skipped) or "none",
                    "failed_row_counts": dg.MetadataValue.json(results.failed_rows),
                },
            )


def is_mart_key(key: dg.AssetKey) -> bool:
    """The asset key of a table of the `marts` schema."""
    return key.path[0] == MARTS_SCHEMA
