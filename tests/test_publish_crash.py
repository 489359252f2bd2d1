"""Acceptance 3: a run killed with SIGKILL mid-build or mid-publication harms nothing.

The serving file stays the last good version and opens cleanly, and the next run recovers
without manual steps (the dead runs are marked failed and their pool slots freed, stale
temporary files are cleared, the build database replays its write-ahead log).
"""

from pathlib import Path

import dagster as dg
from quality_kit import kill_when, publication_log, run_gated, start, write_build_db

from orchestration.publish.serving import served_version
from orchestration.settings import Settings


def test_runs_killed_mid_build_and_mid_publication_leave_the_last_good_version(
    isolated_settings: Settings, tmp_path: Path
) -> None:
    write_build_db(isolated_settings, export="a")
    assert run_gated().success
    serving = isolated_settings.serving_db
    good_bytes, good_log = serving.read_bytes(), publication_log(serving)
    write_build_db(isolated_settings, export="b")

    for phase in ("build", "publish"):
        marker = tmp_path / f"paused-in-{phase}"
        kill_when(marker, start("run", "--pause-in", phase, "--marker", str(marker)))
        # The kill hit the phase: its half-written files are there.
        if phase == "build":
            assert Path(f"{isolated_settings.build_db}.wal").exists()
        else:
            assert list(isolated_settings.serving_dir.glob(".publishing-*"))
        assert serving.read_bytes() == good_bytes, phase
        assert publication_log(serving) == good_log, phase

    recovery = start("run")
    assert recovery.wait(timeout=600) == 0
    assert served_version(isolated_settings) == 2
    assert not list(isolated_settings.serving_dir.glob(".publishing-*"))
    with dg.DagsterInstance.get() as instance:
        statuses = sorted(run.status.value for run in instance.get_runs())
    assert statuses == ["FAILURE", "FAILURE", "SUCCESS"]
