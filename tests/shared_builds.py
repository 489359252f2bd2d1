"""Builds that the session's pytest-xdist workers share: built once, by the first worker that
asks, in the session's common folder, behind a file lock.

Each takes about a minute on 2 cores. A worker that finds the build it needs in progress on
another worker builds, meanwhile, another one the session's tests need and nobody has
started, instead of waiting idle on the lock (every worker collects the whole session, so
each knows which builds the session needs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock, Timeout


def session_folder(factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The session's temporary folder, common to all workers."""
    base = factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@dataclass(frozen=True)
class SharedBuild:
    """A build into `<session folder>/<name>`, marked done by `<name>.done`."""

    name: str
    build: Callable[[Path], None]

    def root(self, shared: Path) -> Path:
        return shared / self.name

    def _done(self, shared: Path) -> Path:
        return shared / f"{self.name}.done"

    def _lock(self, shared: Path) -> FileLock:
        return FileLock(f"{self._done(shared)}.lock")

    def _build_locked(self, shared: Path) -> None:
        if not self._done(shared).exists():
            self.build(self.root(shared))
            self._done(shared).touch()

    def _try_build(self, shared: Path) -> bool:
        """Build it unless another worker is building it; True when it is built."""
        lock = self._lock(shared)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        try:
            self._build_locked(shared)
        finally:
            lock.release()
        return True

    def get(self, shared: Path, others: Iterable[SharedBuild]) -> Path:
        """Its root once built; while another worker builds it, build `others` not started."""
        if not self._try_build(shared):
            for other in others:
                if self._done(shared).exists():
                    break
                if other is not self and not other._done(shared).exists():
                    other._try_build(shared)
            with self._lock(shared):
                self._build_locked(shared)  # built by then, unless that worker's build failed
        return self.root(shared)


def needed_by(session: pytest.Session, builds: dict[str, SharedBuild]) -> list[SharedBuild]:
    """The builds (keyed by fixture name) that the session's collected tests use."""
    used = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    return [build for fixture, build in builds.items() if fixture in used]
