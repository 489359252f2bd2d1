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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.jobs import WRITER_POOL
from orchestration.settings import DBT_PROJECT_DIR, Settings

SEED_GROUP = "reference"


def dbt_executable() -> str:
    """The `dbt` next to this interpreter (the virtualenv's), else whatever is on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def ensure_manifest(project: DbtProject) -> Path:
    """Parse the project when no manifest exists yet (`make setup` normally does it).

    The manifest is written in a temporary folder and moved into place in one rename, so
    processes that load the definitions at the same time never read half a file.
    """
    if not project.manifest_path.exists():
        project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=project.manifest_path.parent) as target:
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
                cwd=project.project_dir,
                check=True,
            )
            os.replace(Path(target) / "manifest.json", project.manifest_path)
    return project.manifest_path


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


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


@dbt_assets(
    manifest=ensure_manifest(dbt_project),
    project=dbt_project,
    dagster_dbt_translator=LayerAndTierTranslator(),
    pool=WRITER_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and their tests, on the build database."""
    # DbtCliResource hands this process's environment to the dbt subprocess it starts in
    # `cli`; profiles.yml reads the database path from EMPATHY_BUILD_DB.
    with environment_variable("EMPATHY_BUILD_DB", str(Settings.from_env().build_db)):
        invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()


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
