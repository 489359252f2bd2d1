"""The instance's event log keeps a connection per file and writes what Dagster reads."""

import shutil
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.dagster_instance import (
    KEPT_RUN_FILES,
    EmpathyInstance,
    PooledSqliteEventLogStorage,
)
from orchestration.settings import PROJECT_ROOT, Settings


@dg.asset
def counted() -> int:
    return 1


def _latest_run_id(storage: SqliteEventLogStorage) -> str | None:
    event = storage.get_latest_materialization_events([counted.key]).get(counted.key)
    return event.run_id if event else None


def test_the_projects_instance_writes_runs_that_dagsters_storage_reads(
    isolated_settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "another_home"  # not $DAGSTER_HOME: the history is the instance's own
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance, EmpathyInstance)
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        run_ids = [dg.materialize([counted], instance=instance).run_id for _ in range(6)]
        assert len(storage._engines) == 1 + KEPT_RUN_FILES  # the index and the last runs
        assert storage.get_logs_for_run(run_ids[0])  # a run whose engine was let go
        # what a run worker of the UI rebuilds from the instance's reference
        with dg.DagsterInstance.from_ref(instance.get_ref()) as worker:
            assert isinstance(worker.event_log_storage, PooledSqliteEventLogStorage)
            assert _latest_run_id(worker.event_log_storage) == run_ids[-1]
    stock = SqliteEventLogStorage(str(home / "history" / "runs"))
    assert _latest_run_id(stock) == run_ids[-1]
    assert all(stock.get_logs_for_run(run_id) for run_id in run_ids)


def test_a_wiped_history_keeps_no_connection_to_a_deleted_file(isolated_settings: Settings) -> None:
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        before = dg.materialize([counted], instance=instance).run_id
        instance.wipe()
        assert before not in storage._engines
        assert _latest_run_id(storage) is None
        after = dg.materialize([counted], instance=instance).run_id
        base_dir = storage._base_dir
    assert _latest_run_id(SqliteEventLogStorage(base_dir)) == after
    assert SqliteEventLogStorage(base_dir).get_logs_for_run(after)
