"""Dagster's SQLite event log, with one kept connection per database file instead of one per event.

Dagster's `SqliteEventLogStorage` creates a SQLAlchemy engine, connects, commits and disposes
for every event it stores (asset events twice: the run's file and the index). A demo run stores
about 900 events (materializations, check results, step events); the engine per event cost
2.3 of the 3 ms each event took (`docs/benchmarks/pipeline.md`). This subclass keeps one engine
per file: the index and the few runs used last. Everything else, the files, their schema and
what is written, is Dagster's, so the UI and any other Dagster process read the same history.

Configured in `orchestration/dagster.yaml` (`event_log_storage`); the files stay where Dagster
keeps them by default (`$DAGSTER_HOME/history/runs/`).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

# Engines kept for run files besides the index: the running run's, and a few the UI reads.
KEPT_RUN_FILES = 4


def default_base_dir() -> str:
    """Where Dagster keeps the event log of the instance in `DAGSTER_HOME` by default."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise RuntimeError(
            "DAGSTER_HOME is not set: the event log storage of orchestration/dagster.yaml keeps "
            "its files under $DAGSTER_HOME/history/runs (`make setup` sets it up)"
        )
    return str(Path(home) / "history" / "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` that reuses one engine (one open connection) per database file.

    Dagster holds the storage's lock for the whole of each connection's use, so a file never
    has two connections of this process open at once, and the kept ones stay consistent.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        from dagster import Field, StringSource

        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(config_value.get("base_dir") or default_base_dir(), inst_data=inst_data)

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
