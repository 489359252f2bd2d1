"""The publication gate: every blocking check on the marts passed in this run.

Dagster already skips the publication when a blocking check fails in the run. The gate
re-checks from the run's event log, so that a run that skipped the checks (a partial
selection, a re-execution) or lost their results cannot publish either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg

from orchestration.publish.fingerprints import LEDGER_KEY, METADATA_KEY


@dataclass(frozen=True)
class CheckEvaluation:
    """One check result of the run, as recorded in its event log."""

    key: dg.AssetCheckKey
    passed: bool
    blocking: bool
    description: str | None

    @property
    def label(self) -> str:
        return f"{self.key.asset_key.to_user_string()}:{self.key.name}"


@dataclass(frozen=True)
class GateDecision:
    """What the gate found: the problems (empty when publication may go ahead) and the checks."""

    problems: tuple[str, ...]
    passed: tuple[str, ...]
    failed_non_blocking: tuple[str, ...]

    @property
    def open(self) -> bool:
        return not self.problems


def run_check_evaluations(instance: dg.DagsterInstance, run_id: str) -> list[CheckEvaluation]:
    """The latest evaluation of every check evaluated in the run."""
    entries = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    latest: dict[dg.AssetCheckKey, CheckEvaluation] = {}
    for entry in entries:
        evaluation = entry.get_dagster_event().event_specific_data
        latest[evaluation.asset_check_key] = CheckEvaluation(
            key=evaluation.asset_check_key,
            passed=evaluation.passed,
            blocking=bool(evaluation.blocking)
            and evaluation.severity == dg.AssetCheckSeverity.ERROR,
            description=evaluation.description,
        )
    return list(latest.values())


def _text(value: object) -> str | None:
    raw = getattr(value, "value", value)
    return raw if isinstance(raw, str) else None


def run_mart_fingerprints(instance: dg.DagsterInstance, run_id: str) -> dict[str, set[str]]:
    """`mart table -> fingerprints` recorded in the run by the dbt step and the checks.

    More than one fingerprint for a table means it changed between dbt and its checks.
    """
    found: dict[str, set[str]] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.get_dagster_event().event_specific_data
        value = _text((evaluation.metadata or {}).get(METADATA_KEY))
        if value:
            found.setdefault(evaluation.asset_key.path[-1], set()).add(value)
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_OBSERVATION):
        observation = entry.get_dagster_event().event_specific_data.asset_observation
        value = _text((observation.metadata or {}).get(METADATA_KEY))
        if value:
            found.setdefault(observation.asset_key.path[-1], set()).add(value)
    return found


def run_ledger_seq(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The newest ledger entry the run's dbt step built the marts from (None: not recorded)."""
    seqs = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_OBSERVATION):
        metadata = entry.get_dagster_event().event_specific_data.asset_observation.metadata or {}
        value = getattr(metadata.get(LEDGER_KEY), "value", metadata.get(LEDGER_KEY))
        if isinstance(value, int):
            seqs.append(value)
    return min(seqs) if seqs else None


def blocking_checks_on(
    asset_keys: Iterable[dg.AssetKey], definitions: Iterable[dg.AssetsDefinition]
) -> frozenset[dg.AssetCheckKey]:
    """The blocking checks the given definitions declare on the given assets.

    Taken from the definitions, not from the run, so a run that left checks out of its
    selection still requires them.
    """
    keys = set(asset_keys)
    return frozenset(
        spec.key
        for definition in definitions
        for spec in definition.check_specs
        if spec.blocking and spec.asset_key in keys
    )


def decide(
    required: Iterable[dg.AssetCheckKey], evaluations: Iterable[CheckEvaluation]
) -> GateDecision:
    """Open only if every required check was evaluated in the run and none failed with
    severity ERROR (a blocking check whose result is a warning, e.g. a suite in which only
    warning expectations failed, counts with the failed non-blocking ones)."""
    by_key = {e.key: e for e in evaluations}
    problems = []
    for key in sorted(required, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        label = f"{key.asset_key.to_user_string()}:{key.name}"
        evaluation = by_key.get(key)
        if evaluation is None:
            problems.append(f"blocking check {label} was not evaluated in this run")
        elif not evaluation.passed and evaluation.blocking:
            detail = f" ({evaluation.description})" if evaluation.description else ""
            problems.append(f"blocking check {label} failed{detail}")
    return GateDecision(
        problems=tuple(problems),
        passed=tuple(sorted(e.label for e in by_key.values() if e.passed)),
        failed_non_blocking=tuple(
            sorted(e.label for e in by_key.values() if not e.passed and not e.blocking)
        ),
    )
