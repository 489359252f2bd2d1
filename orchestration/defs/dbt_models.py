"""dbt layer: every dbt model and seed is an asset, and every dbt test an asset check.

One `dbt build` per run (models, seeds, data tests and unit tests in dependency order), in the
`duckdb_writer` pool. Assets are grouped by layer and tier (`staging`, `intermediate`,
`tier1_fundamentals`, `empathy_index`, ...; seeds in `reference`). dbt sources keep
dagster-dbt's default keys `[source_name, table]`, i.e. `raw/<entity>` and
`enrichment/<table>`, the keys of the ingestion and text-analytics assets. Models and seeds
keep the default `[schema, name]`, e.g. `marts/fct_csat`, `staging/stg_crm__customers`,
`reference/kpi_targets`: the key says where the table is in the build database.
"""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject
from dagster_dbt.asset_utils import build_dbt_specs
from dagster_dbt.dbt_manifest import validate_manifest

from orchestration.defs import dbt_checks
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
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
DBT_TARGET = "dbt_target"
PIPELINE_JOB = "empathy_pipeline"
# Unit tests check the metric math on fixed inputs: they run in CI (tests/test_dbt_unit_tests.py),
# not on every production build, where they would test the same code against the same inputs.
PRODUCTION_EXCLUDE = ("--exclude", "resource_type:unit_test")


def dbt_executable() -> str:
    """The `dbt` next to this interpreter (the virtualenv's), else whatever is on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


PROJECT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")


def _newest_source_mtime(project_dir: Path) -> float:
    paths = [project_dir / name for name in PROJECT_SOURCES]
    files = [p for p in paths if p.is_file()]
    files += [f for p in paths if p.is_dir() for f in p.rglob("*") if f.is_file()]
    return max(f.stat().st_mtime for f in files)


def ensure_manifest(project: DbtProject) -> Path:
    """Parse the project when its manifest is missing or older than a project file.

    `make setup` normally parses; this keeps `dagster dev`, tests and scripts right after an
    edit. The manifest is written in a temporary folder and moved into place in one rename,
    so processes loading the definitions at the same time never read half a file.
    """
    manifest = Path(project.manifest_path)
    project_dir = Path(project.project_dir)
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project_dir):
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=manifest.parent) as target:
        subprocess.run(
            [
                dbt_executable(),
                "parse",
                "--quiet",
                "--profiles-dir",
                str(project.profiles_dir),
                "--target-path",
                target,
            ],
            cwd=project_dir,
            check=True,
        )
        os.replace(Path(target) / "manifest.json", manifest)
    return manifest


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """Set one environment variable for the duration of the block, then restore it."""
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


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


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
_manifest = validate_manifest(ensure_manifest(dbt_project))


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
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and their tests, on the build database.

    In a run of the whole pipeline with nothing new since the last complete run, it builds
    nothing (see `orchestration.pipeline_state`): Dagster then skips what comes after.
    """
    settings = Settings.from_env()
    build_db = settings.build_db
    full_refresh = context.run.tags.get(FULL_REFRESH_TAG) == "true"
    state = current_state(settings)
    if context.run.job_name == PIPELINE_JOB and not full_refresh:
        why = nothing_new(settings, state)
        if why:
            context.log.info(why)
            return
    record_pending(settings, context.run.run_id, state)
    args = ["build", *PRODUCTION_EXCLUDE, *(["--full-refresh"] if full_refresh else [])]
    # DbtCliResource hands this process's environment to the dbt subprocess it starts in
    # `cli`; profiles.yml reads the database path from EMPATHY_BUILD_DB. dbt's artifacts go
    # next to the database they describe (one writer at a time: the pool), which also lets
    # dbt parse only what changed since the last run.
    with only_transient_retried(), environment_variable("EMPATHY_BUILD_DB", str(build_db)):
        invocation = dbt.cli(
            args,
            context=context,
            target_path=build_db.parent / DBT_TARGET,
            raise_on_error=False,
            manifest=_manifest,
            dagster_dbt_translator=_translator,
        )
        tests = dbt_checks.TestCollector(_manifest)
        with _dbt_echo(build_db.parent / DBT_TARGET / "dbt_console.log"):
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
    yield from _mart_fingerprints(context, build_db)


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
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=dbt_executable(),
        )
    },
)
