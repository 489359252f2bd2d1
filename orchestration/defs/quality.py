"""Quality layer: Great Expectations suites as Dagster asset checks on the marts and raw entities.

- Mart suites (`expectations/marts/<table>.json`): one check `gx_suite` per mart, not one per
  expectation. It is blocking when one of the suite's expectations is; a result fails with
  severity ERROR when a blocking expectation failed, WARN when only warnings did. The
  description names each failed expectation with its counts; the metadata carries every
  expectation's outcome, and the validation report shows them all. Every suite runs in one op
  that reads the build database (so it is in the writer pool: even a reader blocks DuckDB's
  writer) and writes the validation report.
- Raw suites (`expectations/raw/<entity>.json`) run inside ingestion on each file before it
  is loaded; the check `gx_file_batches` on `raw/<entity>` summarizes this run's files from
  the batch log. It is a warning: a failing file was already kept out whole.
Check metadata carries the expectation, counts and shares, never values. The mart assets are
the dbt models materialized in schema `marts` and the marts the Python assets write.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import dagster as dg
import duckdb

from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.resources import SettingsResource
from orchestration.publish.fingerprints import METADATA_KEY as FINGERPRINT_KEY
from orchestration.publish.fingerprints import mart_fingerprints
from orchestration.quality.batch_log import read_batches
from orchestration.quality.gx_validation import Outcome
from orchestration.quality.suites import load_suites
from orchestration.settings import MARTS_SCHEMA

BATCH_CHECK = "gx_file_batches"


SUITE_CHECK = "gx_suite"


def _outcome_metadata(outcome: Outcome) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "expectation": outcome.expectation_type,
        "severity": outcome.severity,
        "passed": outcome.passed,
        "element_count": outcome.element_count,
        "unexpected_count": outcome.unexpected_count,
        "unexpected_share": outcome.unexpected_share,
    }
    if outcome.note:
        metadata["note"] = outcome.note
    return metadata


def suite_result(
    key: dg.AssetKey, outcomes: Sequence[Outcome], fingerprint: str | None = None
) -> dg.AssetCheckResult:
    """The one check result of a mart's suite: every expectation's outcome in its metadata."""
    failed = [o for o in outcomes if not o.passed]
    blocking_failed = [o.name for o in failed if o.blocking]
    metadata: dict[str, Any] = {
        "expectations": len(outcomes),
        "failed_blocking": ", ".join(blocking_failed) or "none",
        "failed_warning": ", ".join(o.name for o in failed if not o.blocking) or "none",
        "outcomes": dg.MetadataValue.json({o.name: _outcome_metadata(o) for o in outcomes}),
    }
    if fingerprint is not None:  # what this check saw: publication must publish exactly that
        metadata[FINGERPRINT_KEY] = fingerprint
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=SUITE_CHECK,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if blocking_failed else dg.AssetCheckSeverity.WARN,
        description="; ".join(o.describe() for o in failed)
        or f"all {len(outcomes)} expectations passed",
        metadata=metadata,
    )


def build_mart_checks(mart_keys: Iterable[dg.AssetKey]) -> dg.AssetChecksDefinition:
    """One op validating every mart that has a suite, one check per mart's suite."""
    suites = load_suites("marts")
    key_by_table = {key.path[-1]: key for key in mart_keys if key.path[-1] in suites}
    specs = [
        dg.AssetCheckSpec(
            SUITE_CHECK,
            asset=key,
            blocking=any(rule.blocking for rule in suites[table].rules),
            description=f"expectations/marts/{table}.json: "
            + "; ".join(f"{rule.name} ({rule.severity})" for rule in suites[table].rules),
        )
        for table, key in key_by_table.items()
    ]

    @dg.multi_asset_check(
        name="gx_mart_suites",
        specs=specs,
        can_subset=True,
        pool=WRITER_POOL,
        retry_policy=TRANSIENT_RETRY,
        description="Great Expectations suites of the published marts (expectations/marts/).",
    )
    def gx_mart_suites(
        context: dg.AssetCheckExecutionContext, settings: SettingsResource
    ) -> Iterator[dg.AssetCheckResult]:
        from orchestration.quality.gx_worker import validate_marts_in_worker
        from orchestration.quality.validation_report import write_validation_report

        settings = settings.get()
        selected = context.selected_asset_check_keys
        wanted = {
            table: suites[table]
            for table, key in key_by_table.items()
            if dg.AssetCheckKey(key, SUITE_CHECK) in selected
        }
        with only_transient_retried():
            with duckdb.connect(str(settings.build_db), read_only=True) as con:
                (catalog,) = con.execute("SELECT current_database()").fetchone()
                prints = mart_fingerprints(con, catalog, MARTS_SCHEMA, list(wanted))
            outcomes = validate_marts_in_worker(settings.build_db, wanted)
        report = write_validation_report(
            settings, context.run.run_id, outcomes, read_batches(settings, context.run.run_id)
        )
        context.log.info(f"validation report: {report}")
        for table, table_outcomes in outcomes.items():
            yield suite_result(key_by_table[table], table_outcomes, prints.get(table))

    return gx_mart_suites


def _batch_result(key: dg.AssetKey, batches: Sequence[dict]) -> dg.AssetCheckResult:
    failed = [o for batch in batches for o in batch["outcomes"] if not o["passed"]]
    rejected = sum(
        any(o["severity"] == "blocking" for o in b["outcomes"] if not o["passed"]) for b in batches
    )
    names = sorted({f"{o['name']} ({o['severity']})" for o in failed})
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=BATCH_CHECK,
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(names) if names else "every file met its expectations",
        metadata={
            "files_validated": len(batches),
            "files_rejected": rejected,
            "rows_validated": sum(b["rows"] for b in batches),
            "expectations_failed": ", ".join(names),
        },
    )


def build_raw_batch_checks(entities: Iterable[str]) -> dg.AssetChecksDefinition:
    """One warning check per raw entity summarizing this run's file validations."""
    keys = {entity: dg.AssetKey(["raw", entity]) for entity in entities}
    specs = [
        dg.AssetCheckSpec(
            BATCH_CHECK,
            asset=key,
            description="Files of this run validated before loading (expectations/raw/).",
        )
        for key in keys.values()
    ]

    @dg.multi_asset_check(name="gx_raw_file_batches", specs=specs, can_subset=True)
    def gx_raw_file_batches(
        context: dg.AssetCheckExecutionContext, settings: SettingsResource
    ) -> Iterator[dg.AssetCheckResult]:
        batches = read_batches(settings.get(), context.run.run_id)
        selected = {check.asset_key for check in context.selected_asset_check_keys}
        for entity, key in keys.items():
            if key in selected:
                yield _batch_result(key, [b for b in batches if b["entity"] == entity])

    return gx_raw_file_batches


def mart_asset_keys() -> list[dg.AssetKey]:
    """Keys of every table of the `marts` schema: the dbt models materialized there (from
    dagster-dbt metadata) and the Python-built marts (`clv_predictions`, `churn_risk`,
    `support_need`)."""
    from orchestration.defs import churn_risk, clv, dbt_models, support_need

    keys = list(clv.MART_KEYS) + list(churn_risk.MART_KEYS) + list(support_need.MART_KEYS)
    for assets_def in dbt_models.defs.assets or []:
        for spec in assets_def.specs:
            table = str(spec.metadata.get("dagster/table_name", ""))
            if table.split(".")[-2:-1] == [MARTS_SCHEMA]:
                keys.append(spec.key)
    return sorted(keys, key=lambda key: key.to_user_string())


def _nonempty(*checks: dg.AssetChecksDefinition) -> list[dg.AssetChecksDefinition]:
    return [c for c in checks if any(True for _ in c.check_specs)]


defs = dg.Definitions(
    asset_checks=_nonempty(
        build_mart_checks(mart_asset_keys()), build_raw_batch_checks(load_suites("raw"))
    )
)
