"""Publish layer: `serving_database`, write-audit-publish of the marts into the serving file.

It runs after every mart (and, through Dagster's blocking checks, after every blocking check
on them) and re-checks the run's event log before publishing: every blocking check on the
marts (GX suites and dbt tests) must have been evaluated in this run and passed. Otherwise it raises
`BadDataFailure` (not retried) naming each check and asset, and the serving file is untouched.
"""

from collections.abc import Collection, Iterable

import dagster as dg

from orchestration.defs import dbt_models, quality
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import (
    TRANSIENT_RETRY,
    BadDataFailure,
    ChecksNotRun,
    only_transient_retried,
)
from orchestration.defs.resources import SettingsResource
from orchestration.publish.fingerprints import MartsChanged
from orchestration.publish.gate import (
    blocking_checks_on,
    decide,
    run_check_evaluations,
    run_ledger_seq,
    run_mart_fingerprints,
)
from orchestration.publish.serving import (
    Publication,
    content_fingerprint,
    publish,
    unchanged_version,
)
from orchestration.settings import Settings


def build_serving_asset(
    mart_keys: Iterable[dg.AssetKey], blocking_checks: Collection[dg.AssetCheckKey]
) -> dg.AssetsDefinition:
    """The publication asset, after the given marts, requiring the given checks in its run."""

    @dg.asset(
        name="serving_database",
        group_name="publish",
        deps=list(mart_keys),
        pool=WRITER_POOL,
        retry_policy=TRANSIENT_RETRY,
        kinds={"duckdb"},
        description="The DuckDB file BI tools read, swapped in only when every gate passed.",
    )
    def serving_database(
        context: dg.AssetExecutionContext, settings: SettingsResource
    ) -> dg.MaterializeResult:
        with only_transient_retried():
            return _publish(context, settings.get())

    def _publish(context: dg.AssetExecutionContext, settings: Settings) -> dg.MaterializeResult:
        decision = decide(blocking_checks, run_check_evaluations(context.instance, context.run_id))
        if (
            decision.problems
            and not decision.passed
            and all(p.endswith("was not evaluated in this run") for p in decision.problems)
        ):
            raise ChecksNotRun(
                f"none of the {len(decision.problems)} blocking checks of the marts ran in this "
                "run, so nothing was published (the serving file is unchanged); materialize "
                "the whole job `empathy_pipeline` in the UI, or run `make run`."
            )
        if not decision.open:
            raise BadDataFailure(
                "Publication refused; the serving file was left as it was. "
                + "; ".join(decision.problems),
                metadata={"problems": len(decision.problems)},
            )
        recorded = run_mart_fingerprints(context.instance, context.run_id)
        moved = sorted(table for table, prints in recorded.items() if len(prints) > 1)
        if moved:
            raise BadDataFailure(
                "Publication refused; the serving file was left as it was. These marts changed "
                f"between dbt and their checks in this run (another run?): {', '.join(moved)}",
                metadata={"marts_changed": len(moved)},
            )
        # Computed once: compared with the served version's, and recorded if published.
        fingerprint = content_fingerprint(settings)
        unchanged = unchanged_version(settings, fingerprint)
        if unchanged is not None:
            context.log.info(f"nothing new since version {unchanged}: the serving file stays")
            return dg.MaterializeResult(
                metadata={
                    "version": unchanged,
                    "published": False,
                    "serving_file": dg.MetadataValue.path(str(settings.serving_db)),
                }
            )
        checked = {table: next(iter(prints)) for table, prints in recorded.items()}
        try:
            version = publish(
                settings,
                Publication(
                    context.run_id,
                    decision.passed,
                    decision.failed_non_blocking,
                    checked,
                    run_ledger_seq(context.instance, context.run_id),
                    fingerprint,
                ),
            )
        except MartsChanged as exc:
            raise BadDataFailure(str(exc), metadata={"marts_changed": True}) from exc
        context.log.info(f"published version {version} to {settings.serving_db}")
        return dg.MaterializeResult(
            metadata={
                "version": version,
                "published": True,
                "serving_file": dg.MetadataValue.path(str(settings.serving_db)),
                "checks_passed": len(decision.passed),
                "checks_failed_non_blocking": len(decision.failed_non_blocking),
            }
        )

    return serving_database


_marts = quality.mart_asset_keys()
_checked = [*(dbt_models.defs.assets or []), *(quality.defs.asset_checks or [])]

defs = dg.Definitions(assets=[build_serving_asset(_marts, blocking_checks_on(_marts, _checked))])
