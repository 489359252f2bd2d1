"""Acceptance 2: a BI tool holding the serving file open never stops a run."""

import subprocess

import duckdb
from quality_kit import run_gated, start, write_build_db

from orchestration.publish.serving import served_version
from orchestration.settings import Settings


def test_a_reader_open_during_the_run_keeps_its_snapshot_and_a_new_one_sees_the_new_version(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings, export="a")
    assert run_gated().success
    serving = isolated_settings.serving_db
    reader = start("read", str(serving), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert reader.stdout.readline().split() == ["1", "4"]

        write_build_db(isolated_settings, export="b")
        result = run_gated()
        assert result.success
        assert served_version(isolated_settings) == 2

        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == ["1", "4"], "the open reader lost its snapshot"
        with duckdb.connect(str(serving), read_only=True) as new_reader:
            (version,) = new_reader.execute("SELECT max(version) FROM publication_log").fetchone()
        assert version == 2
    finally:
        reader.stdin.close()
        assert reader.wait(timeout=60) == 0
