"""Acceptance 3: a run killed with SIGKILL mid-build or mid-publication harms nothing.

The serving file stays the last good version and opens cleanly, and the next run recovers
without manual steps (the dead run is marked failed and its pool slot freed, stale temporary
files are cleared, the build database replays its write-ahead log).
"""

from pathlib import Path

import dagster as dg
import pytest
from quality_kit import kill_when, publication_log, run_gated, start, write_build_db

from orchestration.publish.serving import served_version
from orchestration.settings import Settings


@pytest.mark.parametrize("phase", ["build", "publish"])
def test_a_run_killed_mid_phase_leaves_the_last_good_version_and_the_next_run_recovers(
    isolated_settings: Settings, tmp_path: Path, phase: str
) -> None:
    write_build_db(isolated_settings, export="a")
    assert run_gated().success
    serving = isolated_settings.serving_db
    good_bytes, good_log = serving.read_bytes(), publication_log(serving)
    write_build_db(isolated_settings, export="b")

    marker = tmp_path / f"paused-in-{phase}"
    kill_when(marker, start("run", "--pause-in", phase, "--marker", str(marker)))

    # The kill hit the phase: half-written files are there.
    if phase == "build":
        assert Path(f"{isolated_settings.build_db}.wal").exists()
    else:
        assert list(isolated_settings.serving_dir.glob(".publishing-*"))
    assert serving.read_bytes() == good_bytes
    assert publication_log(serving) == good_log

    recovery = start("run")
    assert recovery.wait(timeout=600) == 0
    assert served_version(isolated_settings) == 2
    assert not list(isolated_settings.serving_dir.glob(".publishing-*"))
    with dg.DagsterInstance.get() as instance:
        statuses = sorted(run.status.value for run in instance.get_runs())
    assert statuses == ["FAILURE", "SUCCESS"]
