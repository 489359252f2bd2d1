"""Shared fixtures: isolated settings, and one real pipeline run on demo exports per session.

`demo_pipeline` runs once per test session, as do the `planted` and `unplanted` warehouses
(tests/shared_builds.py: whichever xdist worker asks first builds, in the session's shared
temporary folder); every test treats them as read-only, and a test that runs the pipeline
again works on a copy (`copy_pipeline_state`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dbt_kit
import pytest
from effects_warehouse import Warehouse, build_warehouse
from file_order import (  # noqa: F401 (hooks: the longest files start first)
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_runtest_logreport,
    pytest_sessionfinish,
)
from shared_builds import SharedBuild, needed_by, session_folder

from orchestration.settings import PROJECT_ROOT, Settings, environment_under

REALDATA_DIR = PROJECT_ROOT.parent / "shared" / "realdata"
DEMO_CUSTOMERS = 800
DEMO_AGENTS = 20
DEMO_SEED = 11

# With the `spark` extra installed, Great Expectations imports `pyspark.sql.connect`, whose
# doctest guard ends the process (sys.exit(0)) when `__main__` has neither a spec nor a file:
# exactly what a pytest-xdist worker's main module is. Name it, so GX imports normally.
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest-xdist worker>"


@pytest.fixture
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose every path is in this test's temporary folder."""
    for name, value in environment_under(tmp_path).items():
        monkeypatch.setenv(name, value)
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return Settings.from_env()


@dataclass(frozen=True)
class PipelineRun:
    """A finished `empathy run` on demo exports: its settings, environment and output."""

    settings: Settings
    env: dict[str, str]
    output: str

    @property
    def ground_truth(self) -> Path:
        return self.settings.landing_dir / "ground_truth.json"


def run_empathy(env: dict[str, str], *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the `empathy` command in a subprocess with `env` added to this environment."""
    full_env = {**os.environ, **env}
    full_env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), full_env["PATH"]])
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


RUN_OUTPUT = "empathy_run.out"


def _build_demo_pipeline(root: Path) -> None:
    """Demo exports under `root`, then `empathy run`, whose output goes to `root/RUN_OUTPUT`."""
    shutil.rmtree(root, ignore_errors=True)
    env = environment_under(root)
    demo = run_empathy(
        env,
        "demo",
        f"--customers={DEMO_CUSTOMERS}",
        f"--agents={DEMO_AGENTS}",
        f"--seed={DEMO_SEED}",
        f"--out={env['EMPATHY_LANDING_DIR']}",
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    run = run_empathy(env, "run")
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    (root / RUN_OUTPUT).write_text(run.stdout)


SHARED_BUILDS = {
    "demo_pipeline": SharedBuild("demo_pipeline", _build_demo_pipeline),
    "planted": SharedBuild("effects_planted", lambda root: build_warehouse(root, None)),
    "unplanted": SharedBuild("effects_unplanted", lambda root: build_warehouse(root, frozenset())),
}


@pytest.fixture(scope="session", autouse=True)
def _dbt_parse_state(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests' dbt runs start from this worker's newest parse state (tests/dbt_kit.py)."""
    dbt_kit.PARSE_STATE_DIR = tmp_path_factory.mktemp("dbt_parse_state")


def _shared_build(request: pytest.FixtureRequest, worker_id: str) -> Path:
    """The root of the shared build that the requesting fixture is named after."""
    factory = request.getfixturevalue("tmp_path_factory")
    needed = needed_by(request.session, SHARED_BUILDS)
    return SHARED_BUILDS[request.fixturename].get(session_folder(factory, worker_id), needed)


@pytest.fixture(scope="session")
def demo_pipeline(request: pytest.FixtureRequest, worker_id: str) -> PipelineRun:
    """Generate demo exports and run the whole pipeline once, as `make run` does."""
    root = _shared_build(request, worker_id)
    env = environment_under(root)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        settings = Settings.from_env()
    return PipelineRun(settings=settings, env=env, output=(root / RUN_OUTPUT).read_text())


def copy_pipeline_state(source: Settings, target: Settings) -> None:
    """The published state of a pipeline run (exports, warehouse, serving file, key) under
    `target`'s paths, for a test that runs the pipeline again."""
    for src, dst in [
        (source.landing_dir, target.landing_dir),
        (source.serving_dir, target.serving_dir),
        (source.build_db.parent, target.build_db.parent),
    ]:
        shutil.copytree(src, dst)
    target.key_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source.key_file, target.key_file)


@pytest.fixture(scope="session")
def planted(request: pytest.FixtureRequest, worker_id: str) -> Warehouse:
    """The default-size demo warehouse with every planted effect (tests/effects_warehouse.py)."""
    return Warehouse.at(_shared_build(request, worker_id))


@pytest.fixture(scope="session")
def unplanted(request: pytest.FixtureRequest, worker_id: str) -> Warehouse:
    """The default-size demo warehouse with no planted effect: only noise to find."""
    return Warehouse.at(_shared_build(request, worker_id))
