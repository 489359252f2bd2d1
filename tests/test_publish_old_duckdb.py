"""Acceptance 4: the serving file opens in DuckDB 1.4, as BI tools with older drivers have.

DuckDB 1.4 is installed into a throwaway virtualenv from the package registry (about 10 s).
"""

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from quality_kit import MART_TABLES, write_build_db

from orchestration.publish.serving import Publication, publish
from orchestration.settings import Settings

_READ = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1").fetchall()
rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in tables)
version = con.execute("SELECT max(version) FROM publication_log").fetchone()[0]
print(duckdb.__version__, version, len(tables), rows)
"""


@pytest.fixture(scope="module")
def duckdb_14(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a virtualenv with duckdb 1.4."""
    venv = tmp_path_factory.mktemp("duckdb14") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "duckdb==1.4.*"]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    return python


def _open_with(python: Path, serving: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-c", _READ, str(serving)], capture_output=True, text=True, timeout=120
    )


def test_the_configured_storage_version_is_what_lets_duckdb_14_open_the_file(
    isolated_settings: Settings, duckdb_14: Path
) -> None:
    write_build_db(isolated_settings)
    publish(isolated_settings, Publication("run-1", (), ()))
    opened = _open_with(duckdb_14, isolated_settings.serving_db)
    assert opened.returncode == 0, opened.stderr
    version, published, tables, rows = opened.stdout.split()
    assert version.startswith("1.4.") and published == "1"
    assert int(tables) == len(MART_TABLES) + 2  # the marts, publication_log and _sources
    assert int(rows) > 0

    newest = dataclasses.replace(isolated_settings, serving_storage_version="v2.0.0")
    publish(newest, Publication("run-2", (), ()))
    refused = _open_with(duckdb_14, newest.serving_db)
    assert refused.returncode != 0 and "newer version of DuckDB" in refused.stderr


@pytest.mark.slow
def test_the_serving_file_of_a_pipeline_run_opens_in_duckdb_14(
    demo_pipeline, duckdb_14: Path
) -> None:
    opened = _open_with(duckdb_14, demo_pipeline.settings.serving_db)
    assert opened.returncode == 0, opened.stderr
    version, published, tables, rows = opened.stdout.split()
    assert version.startswith("1.4.") and int(published) >= 1
    assert int(tables) >= 12 and int(rows) > 0
