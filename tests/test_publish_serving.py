"""The serving file: copied marts, storage version, publication log, versions, rollback."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest
from quality_kit import MART_TABLES, publication_log, write_build_db, write_variant

from orchestration.publish.serving import (
    Publication,
    content_fingerprint,
    publish,
    rollback,
    served_version,
    unchanged_version,
    version_files,
)
from orchestration.settings import Settings


def _publish(settings: Settings, run: str) -> int:
    return publish(settings, Publication(run, ("marts/fct_csat:gx_keys_unique",), ("w:x",)))


def test_a_publication_copies_every_mart_in_the_configured_storage_version(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    assert _publish(isolated_settings, "run-1") == 1
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{isolated_settings.serving_db}' AS s (READ_ONLY)")
        (tags,) = con.execute(
            "SELECT tags FROM duckdb_databases() WHERE database_name = 's'"
        ).fetchone()
        assert tags["storage_version"].startswith(isolated_settings.serving_storage_version)
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 's' "
            "AND schema_name = 'marts' ORDER BY 1"
        ).fetchall()
        assert [t for (t,) in tables] == sorted(MART_TABLES)
        con.execute(f"ATTACH '{isolated_settings.build_db}' AS b (READ_ONLY)")
        for table in MART_TABLES:
            differences = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM s.marts.{table} "
                f"EXCEPT ALL SELECT * FROM b.marts.{table})"
            ).fetchone()[0]
            assert differences == 0, table
        sources = con.execute("SELECT file_path, rows_loaded FROM s.publication_sources").fetchall()
        assert sources == [("surveys/export_a.csv", 10)]


def test_the_log_keeps_the_history_and_names_new_files_and_checks(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings, export="a")
    _publish(isolated_settings, "run-1")
    write_build_db(isolated_settings, export="b")
    assert _publish(isolated_settings, "run-2") == 2
    log = publication_log(isolated_settings.serving_db)
    columns = ["version", "run_id", "source_files", "new_source_files", "checks_passed"]
    with duckdb.connect(str(isolated_settings.serving_db), read_only=True) as con:
        rows = con.execute(
            f"SELECT {', '.join(columns)} FROM publication_log ORDER BY 1"
        ).fetchall()
    assert len(log) == 2
    assert rows == [
        (1, "run-1", 1, ["surveys/export_a.csv"], ["marts/fct_csat:gx_keys_unique"]),
        (2, "run-2", 2, ["surveys/export_b.csv"], ["marts/fct_csat:gx_keys_unique"]),
    ]


def test_only_the_last_n_versions_are_kept_and_rollback_restores_one(
    isolated_settings: Settings,
) -> None:
    settings = dataclasses.replace(isolated_settings, keep_versions=2)
    write_build_db(settings)
    for run in range(3):
        _publish(settings, f"run-{run}")
    assert sorted(version_files(settings)) == [2, 3]
    assert served_version(settings) == 3

    assert rollback(settings) == 2
    assert served_version(settings) == 2
    assert len(publication_log(settings.serving_db)) == 2
    with pytest.raises(ValueError, match="version 1 is not kept"):
        rollback(settings, to_version=1)
    assert rollback(settings, to_version=3) == 3
    assert served_version(settings) == 3
    # A publication after a rollback continues the numbering and the full history.
    assert _publish(settings, "run-after-rollback") == 4
    assert [row[0] for row in publication_log(settings.serving_db)] == [1, 2, 3, 4]


def test_leftovers_of_an_interrupted_publication_are_cleared_by_the_next(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    _publish(isolated_settings, "run-1")
    serving_dir = isolated_settings.serving_dir
    leftovers = [
        serving_dir / ".publishing-0002.duckdb",
        serving_dir / ".publishing-0002.duckdb.wal",
    ]
    for path in leftovers:
        path.write_bytes(b"half a database")
    assert _publish(isolated_settings, "run-2") == 2
    assert not any(path.exists() for path in leftovers)
    assert served_version(isolated_settings) == 2


def test_an_unknown_storage_version_is_refused_before_anything_is_written(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    settings = dataclasses.replace(isolated_settings, serving_storage_version="latest'; --")
    with pytest.raises(ValueError, match="storage version"):
        _publish(settings, "run-1")
    assert not settings.serving_db.exists()


def test_a_rebuild_with_the_same_content_is_recognised_from_the_fingerprint_recorded(
    isolated_settings: Settings,
) -> None:
    """The fingerprint the run computed once is the one the log records and the next run's
    rebuild is compared with: the same content matches the served version, new content not."""
    write_build_db(isolated_settings, export="a")
    fingerprint = content_fingerprint(isolated_settings)
    assert unchanged_version(isolated_settings, fingerprint) is None  # nothing served yet
    run = Publication("run-1", (), (), content_fingerprint=fingerprint)
    assert publish(isolated_settings, run) == 1
    log = publication_log(isolated_settings.serving_db)
    assert [row[-1] for row in log] == [fingerprint]  # content_fingerprint: the last column
    write_build_db(isolated_settings, export="a")  # rebuilt: the same rows
    assert unchanged_version(isolated_settings, content_fingerprint(isolated_settings)) == 1
    write_variant(isolated_settings, "b")
    assert unchanged_version(isolated_settings, content_fingerprint(isolated_settings)) is None
