"""The table and view materializations on DuckDB (macros/duckdb_only/table_materialization.sql):
one statement replaces the relation, a failed build leaves the old one as it was, a relation
may change type, and nothing is left beside it. Run on a small project of their own that
uses the product's profile and that macro file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt_kit import run_dbt

from orchestration.settings import DBT_PROJECT_DIR

MATERIALIZATIONS = DBT_PROJECT_DIR / "macros" / "duckdb_only" / "table_materialization.sql"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, shared by the tests so that dbt parses it once (each has its database)."""
    root = tmp_path_factory.mktemp("materializations") / "project"
    (root / "models").mkdir(parents=True)
    (root / "macros").mkdir()
    shutil.copy(MATERIALIZATIONS, root / "macros")
    (root / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "materializations",
                "version": "1.0",
                "config-version": 2,
                "profile": "empathy_warehouse",
                "flags": {"send_anonymous_usage_stats": False},
            }
        )
    )
    (root / "models" / "plain.sql").write_text(
        "{{ config(materialized=env_var('TEST_MATERIALIZED', 'table')) }}\n"
        "select {{ env_var('TEST_VALUE', '1') }} as x"
    )
    (root / "models" / "contracted.sql").write_text("select {{ env_var('TEST_VALUE', '1') }} as x")
    contract = {
        "name": "contracted",
        "config": {"materialized": "table", "contract": {"enforced": True}},
        "columns": [{"name": "x", "data_type": "integer", "constraints": [{"type": "not_null"}]}],
    }
    (root / "models" / "contracted.yml").write_text(
        yaml.safe_dump({"version": 2, "models": [contract]})
    )
    return root


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "materializations.duckdb"


def _dbt(
    project: Path, database: Path, check: bool = True, value: str = "1", materialized: str = "table"
) -> int:
    """`dbt run` of the project; the models read the value and materialization from the
    environment (a change of `--vars` would make dbt parse the project again)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TEST_VALUE", value)
        patch.setenv("TEST_MATERIALIZED", materialized)
        return run_dbt(database, "run", project_dir=project, check=check).returncode


def _relations(database: Path) -> dict[str, tuple[str, list[int]]]:
    """Every relation of the database: its type and its values of x."""
    with duckdb.connect(str(database), read_only=True) as con:
        kinds = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables ORDER BY table_name"
        ).fetchall()
        return {
            name: (
                kind,
                [x for (x,) in con.execute(f'SELECT x FROM "{name}" ORDER BY x').fetchall()],
            )
            for name, kind in kinds
        }


def test_a_rebuild_replaces_the_relation_and_leaves_nothing_beside_it(
    project: Path, database: Path
) -> None:
    _dbt(project, database)
    assert _relations(database) == {
        "contracted": ("BASE TABLE", [1]),
        "plain": ("BASE TABLE", [1]),
    }
    _dbt(project, database, value="2")
    assert _relations(database) == {
        "contracted": ("BASE TABLE", [2]),
        "plain": ("BASE TABLE", [2]),
    }
    compiled = next((database.parent / "target" / "run").rglob("plain.sql")).read_text()
    assert compiled.lstrip().startswith('drop table if exists "materializations"."main"."plain";')


def test_a_failed_build_leaves_the_previous_relation_as_it_was(
    project: Path, database: Path
) -> None:
    _dbt(project, database, value="2")
    # A value the column's type cannot hold fails both models after the drop, inside the
    # same transaction; a null fails the contract's not_null only.
    assert _dbt(project, database, check=False, value="'two'::integer") == 1
    assert _relations(database) == {
        "contracted": ("BASE TABLE", [2]),
        "plain": ("BASE TABLE", [2]),
    }
    assert _dbt(project, database, check=False, value="null::integer") == 1
    assert _relations(database) == {
        "contracted": ("BASE TABLE", [2]),
        "plain": ("BASE TABLE", [None]),
    }


def test_a_relation_changes_between_table_and_view(project: Path, database: Path) -> None:
    _dbt(project, database, value="1")
    _dbt(project, database, materialized="view", value="3")
    assert _relations(database)["plain"] == ("VIEW", [3])
    _dbt(project, database, materialized="view", value="4")
    assert _relations(database)["plain"] == ("VIEW", [4])
    _dbt(project, database, value="5")
    assert _relations(database)["plain"] == ("BASE TABLE", [5])
