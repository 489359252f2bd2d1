"""Shared fixtures: isolated settings, and one real pipeline run on demo exports per session.

Tests that use `demo_pipeline` are grouped on one xdist worker (`xdist_group("pipeline")`)
so the pipeline runs once per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT, Settings, environment_under

REALDATA_DIR = PROJECT_ROOT.parent / "shared" / "realdata"
DEMO_CUSTOMERS = 800
DEMO_AGENTS = 20
DEMO_SEED = 11


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


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    """Generate demo exports and run the whole pipeline once, as `make run` does."""
    root = tmp_path_factory.mktemp("demo_pipeline")
    env = environment_under(root)
    landing = Path(env["EMPATHY_LANDING_DIR"])
    demo = run_empathy(
        env,
        "demo",
        f"--customers={DEMO_CUSTOMERS}",
        f"--agents={DEMO_AGENTS}",
        f"--seed={DEMO_SEED}",
        f"--out={landing}",
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    run = run_empathy(env, "run")
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        settings = Settings.from_env()
    yield PipelineRun(settings=settings, env=env, output=run.stdout)
