"""The project's Dagster instance: Dagster's, with an event log that keeps its SQLite connections.

Dagster's `SqliteEventLogStorage` creates a SQLAlchemy engine, connects, commits and disposes
for every event it stores (asset events twice: the run's file and the index). A demo run stores
about 900 events (materializations, check results, step events), and the engine per event cost
2.2 of the 3 ms each event took. `PooledSqliteEventLogStorage` keeps one engine per file: the
index and the few runs used last. Everything else, the files, their place, their schema and
what is written, is Dagster's, so the UI and any other Dagster process read the same history.

`orchestration/dagster.yaml` names `EmpathyInstance` as the instance class: its default storage
is Dagster's SQLite storage in the instance's folder with that event log. (A storage entry in
the file could not say where the folder is: Dagster gives the folder to the instance class
only.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

# Engines kept for run files besides the index: the running run's, and a few the UI reads.
KEPT_RUN_FILES = 4


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` that reuses one engine (one open connection) per database file.

    Dagster holds the storage's lock for the whole of each connection's use, so a file never
    has two connections of this process open at once, and the kept ones stay consistent.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
        self._engines[shard] = engine
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for name in runs[:-KEPT_RUN_FILES]:
            self._engines.pop(name).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        """Close the kept connections first: `wipe` deletes the run files under them."""
        self._dispose_engines()
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()


class PooledSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, event log, schedules) with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)


class EmpathyInstance(DagsterInstance):
    """Dagster's instance whose default storage is `PooledSqliteStorage` in its own folder."""

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        storage = ConfigurableClassData(
            __name__, PooledSqliteStorage.__name__, yaml.dump({"base_dir": base_dir})
        )
        return {**InstanceRef.config_defaults(base_dir), "storage": storage}
