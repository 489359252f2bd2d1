"""Acceptances 2 and 3 on the real pipeline (`empathy run`): kill it in the middle of the dbt
build, then run it again while a BI-style reader holds the serving file open throughout."""

import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import copy_pipeline_state
from quality_kit import kill_when, publication_log, start

from orchestration.publish.serving import served_version
from orchestration.settings import Settings

pytestmark = pytest.mark.slow


def _resend_survey_export(landing: Path) -> None:
    """The survey tool exports again (one answer fewer): new bytes for the rerun to publish."""
    lines = (landing / "surveys" / "survey_responses.csv").read_bytes().splitlines(keepends=True)
    (landing / "surveys" / "survey_responses_resent.csv").write_bytes(b"".join(lines[:-1]))


def test_killed_mid_dbt_then_rerun_under_an_open_reader(
    demo_pipeline, isolated_settings: Settings, tmp_path
) -> None:
    copy_pipeline_state(demo_pipeline.settings, isolated_settings)
    serving = isolated_settings.serving_db
    good_bytes, good_log = serving.read_bytes(), publication_log(serving)
    first_version = good_log[-1][0]

    marker = tmp_path / "dbt-started"
    # Nothing is new in the copied state, so only a forced run starts dbt at all.
    killed = start("pipeline", "--full-refresh", "--pause-in", "dbt", "--marker", str(marker))
    kill_when(marker, killed)
    assert serving.read_bytes() == good_bytes
    assert publication_log(serving) == good_log

    reader = start("read", str(serving), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        before = reader.stdout.readline().split()
        assert before[0] == str(first_version)
        _resend_survey_export(isolated_settings.landing_dir)
        rerun = start("pipeline", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, _ = rerun.communicate(timeout=1200)
        assert rerun.returncode == 0, output[-4000:]
        assert "Recovered abandoned run" in output
        assert served_version(isolated_settings) == first_version + 1
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == before
        with duckdb.connect(str(serving), read_only=True) as new_reader:
            (version,) = new_reader.execute("SELECT max(version) FROM publication_log").fetchone()
        assert version == first_version + 1
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=60) == 0
