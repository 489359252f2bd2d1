"""dbt layer: every dbt model and seed is an asset; the dbt tests of each mart one asset check.

One `dbt build` per run (models, seeds and data tests in dependency order; unit tests run in
CI, not here), in the `duckdb_writer` pool. The tests of each mart are one `dbt_tests` check
(`dbt_checks.py`); a run of the whole job with nothing new since the last complete run builds
nothing (`orchestration/pipeline_state.py`). Assets are grouped by layer and tier
(`staging`, `intermediate`, `tier1_fundamentals`, `empathy_index`, ...; seeds in
`reference`). dbt sources keep dagster-dbt's default keys `[source_name, table]`, i.e.
`raw/<entity>` and `enrichment/<table>`, the keys of the ingestion and text-analytics
assets. Models and seeds keep the default `[schema, name]`, e.g. `marts/fct_csat`,
`staging/stg_crm__customers`, `reference/kpi_targets`: the key says where the table is in
the build database.
"""

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stdout
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject
from dagster_dbt.asset_utils import build_dbt_specs
from dagster_dbt.dbt_manifest import validate_manifest
from dbt.version import __version__ as dbt_core_version
from packaging.version import Version

from orchestration.dbt_manifest import dbt_executable, manifest_is_stale, run_target_path
from orchestration.defs import dbt_checks
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.resources import SettingsResource
from orchestration.incremental_basis import forget, history_basis, rebuild_reason, record
from orchestration.pipeline_state import (
    FULL_REFRESH_TAG,
    current_state,
    nothing_new,
    record_pending,
)
from orchestration.publish.fingerprints import (
    LEDGER_KEY,
    METADATA_KEY,
    mart_fingerprints,
    newest_ledger_seq,
)
from orchestration.settings import DBT_PROJECT_DIR, MARTS_SCHEMA, Settings

SEED_GROUP = "reference"
PIPELINE_JOB = "empathy_pipeline"
# Unit tests check the metric math on fixed inputs: they run in CI (tests/test_dbt_unit_tests.py),
# not on every production build, where they would test the same code against the same inputs.
PRODUCTION_EXCLUDE = ("--exclude", "resource_type:unit_test")
# No dbt file log: it would repeat the console's events, which dagster-dbt reads as JSON from
# dbt's output and echoes (to the step's log, or `dbt_console.log` under `empathy run`), and
# writing each event a second time as JSON cost the demo's build about 2 s (DECISIONLOG,
# "One statement per table").
FILE_LOG_LEVEL = ("--log-level-file", "none")


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """Set one environment variable for the duration of the block, then restore it.

    dbt runs in a subprocess that dagster-dbt starts with this process's environment, and
    profiles.yml reads the build database's path from EMPATHY_BUILD_DB: the one setting that
    has to travel by environment."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


class LayerAndTierTranslator(DagsterDbtTranslator):
    """Groups dbt assets by the folder under `models/`: the layer, or the tier for marts."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return SEED_GROUP
        if dbt_resource_props["resource_type"] != "model":
            return super().get_group_name(dbt_resource_props)
        # fqn: [project, layer, (tier or source folder,) model name]
        layer = dbt_resource_props["fqn"][1]
        return dbt_resource_props["fqn"][2] if layer == "marts" else layer

    def get_asset_check_spec(self, *args: Any, **kwargs: Any) -> dg.AssetCheckSpec | None:
        """No check per dbt test: one `dbt_tests` check per mart instead (`dbt_checks`)."""
        return None


# One rule to prepare the manifest: parse when a dbt file changed. `make setup` does (Makefile
# rule); `dagster dev` does on start and on reload (`prepare_if_dev` parses only under it).
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
if manifest_is_stale(dbt_project.manifest_path, DBT_PROJECT_DIR):
    dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    raise FileNotFoundError(
        f"{dbt_project.manifest_path} is missing: run `make setup` (it runs `dbt parse`)"
    )


class InstalledDbtCliResource(DbtCliResource):
    """`DbtCliResource` that takes dbt's version from the installed dbt-core package.

    dagster-dbt asks `dbt --version` on every run, and that command asks PyPI for the latest
    release: about 2 CPU-seconds and up to 10 s of waiting on the network (or its timeout
    offline) before each build. The dbt the pipeline runs is the virtualenv's
    (`dbt_executable`), the same install as this package.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(dbt_core_version)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        """No dbt adapter in this process: dagster-dbt builds one before every `dbt build`
        (profile, project and dbt's 600 macros: 1.2-1.5 s before dbt starts) only for
        `fetch_row_counts` / `fetch_column_metadata`, which this pipeline does not use."""
        return None


@contextmanager
def _dbt_echo(log_file: Path) -> Iterator[None]:
    """dagster-dbt echoes every dbt event (~1,500 lines) to stdout; under `empathy run`
    (EMPATHY_QUIET_DBT=1) they go to `log_file` instead, so the run's summary stays readable.
    The Dagster UI's step logs keep them (the variable is not set there)."""
    if os.environ.get("EMPATHY_QUIET_DBT") != "1":
        yield
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w", encoding="utf-8") as sink, redirect_stdout(sink):
        yield


_translator = LayerAndTierTranslator()
_manifest = validate_manifest(dbt_project.manifest_path)


def _key_of(node: Mapping[str, Any]) -> dg.AssetKey:
    return _translator.get_asset_key(node)


_specs, _ = build_dbt_specs(
    translator=_translator,
    manifest=_manifest,
    select="fqn:*",
    exclude="",
    selector="",
    io_manager_key=None,
    project=dbt_project,
)


# What `@dbt_assets` does, with one `dbt_tests` check per mart in place of a check per test.
@dg.multi_asset(
    name="dbt_models",
    specs=_specs,
    check_specs=dbt_checks.check_specs(_manifest, _key_of),
    can_subset=True,
    pool=WRITER_POOL,
    retry_policy=TRANSIENT_RETRY,
    allow_arbitrary_check_specs=True,
)
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: SettingsResource
) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and their tests, on the build database.

    In a run of the whole pipeline with nothing new since the last complete run, it builds
    nothing (see `orchestration.pipeline_state`): Dagster then skips what comes after.
    """
    resolved = settings.get()
    build_db = resolved.build_db
    full_refresh = context.run.tags.get(FULL_REFRESH_TAG) == "true"
    state = current_state(resolved)
    if context.run.job_name == PIPELINE_JOB and not full_refresh:
        why = nothing_new(resolved, state)
        if why:
            context.log.info(why)
            return
    record_pending(resolved, context.run.run_id, state)
    basis, why_full = _incremental_basis(resolved, full_refresh)
    context.log.info(
        f"full refresh of the incremental models: {why_full}"
        if why_full
        else "incremental build: the incremental models add the rows of newer exports only"
    )
    forget(resolved)
    args = [
        "build",
        *PRODUCTION_EXCLUDE,
        *FILE_LOG_LEVEL,
        *(["--full-refresh"] if why_full else []),
    ]
    # DbtCliResource hands this process's environment to the dbt subprocess it starts in
    # `cli`; profiles.yml reads the database path from EMPATHY_BUILD_DB and DuckDB's memory
    # limit from EMPATHY_DBT_MEMORY_LIMIT. dbt's artifacts go
    # next to the database they describe (one writer at a time: the pool), which also lets
    # dbt parse only what changed since the last run.
    with (
        only_transient_retried(),
        environment_variable("EMPATHY_BUILD_DB", str(build_db)),
        environment_variable("EMPATHY_DBT_MEMORY_LIMIT", resolved.dbt_memory_limit),
    ):
        invocation = dbt.cli(
            args,
            context=context,
            target_path=run_target_path(build_db),
            raise_on_error=False,
            manifest=_manifest,
            dagster_dbt_translator=_translator,
        )
        tests = dbt_checks.TestCollector(_manifest)
        with _dbt_echo(invocation.target_path / "dbt_console.log"):
            for event in invocation.stream_raw_events():
                if tests.take(event.raw_event):
                    continue
                yield from event.to_default_asset_events(
                    manifest=_manifest,
                    dagster_dbt_translator=_translator,
                    context=context,
                    target_path=invocation.target_path,
                    project=dbt_project,
                )
        yield from tests.check_results(_key_of, context.selected_asset_check_keys)
        error = invocation.get_error()
        if error is not None:
            raise error
    # A build of some models only (a UI selection) leaves the others as they were: the next
    # whole build then rebuilds in full.
    if basis is not None and not context.is_subset:
        record(resolved, basis)
    yield from _mart_fingerprints(context, build_db)


def _incremental_basis(
    settings: Settings, full_refresh: bool
) -> tuple[dict[str, object] | None, str | None]:
    """(what this build reads, why it must be a full refresh or None: incremental)."""
    if not settings.build_db.exists():
        return None, "no build database yet"
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        basis = history_basis(con)
        return basis, "asked for" if full_refresh else rebuild_reason(settings, con, basis)


def _mart_fingerprints(context: dg.AssetExecutionContext, build_db: Path) -> Iterator[Any]:
    """What dbt left in each mart it built: publication must publish exactly that."""
    marts = {
        key.path[-1]: key for key in context.selected_asset_keys if key.path[0] == MARTS_SCHEMA
    }
    if not marts:
        return
    with duckdb.connect(str(build_db), read_only=True) as con:
        (catalog,) = con.execute("SELECT current_database()").fetchone()
        prints = mart_fingerprints(con, catalog, MARTS_SCHEMA, list(marts))
        ledger_seq = newest_ledger_seq(con, catalog)
    extra = {} if ledger_seq is None else {LEDGER_KEY: ledger_seq}
    for table, fingerprint in prints.items():
        yield dg.AssetObservation(
            asset_key=marts[table], metadata={METADATA_KEY: fingerprint, **extra}
        )


defs = dg.Definitions(
    assets=[dbt_models],
    resources={
        "dbt": InstalledDbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=dbt_executable(),
        )
    },
)
