"""One pipeline run writes the warehouse at a time: a lock file held for the whole run.

`empathy run`, `empathy rotate-key` and every in-process run hold an exclusive `flock` on
`<build database folder>/.pipeline-run.lock` while they run; a second one waits (or gives up
after `wait_seconds`). The kernel releases the lock when the holder dies, even by SIGKILL, so
a crash never leaves it stuck. Runs launched by the Dagster daemon (schedule, sensor, UI) are
queued one at a time by the `empathy/writes` tag limit in `orchestration/dagster.yaml`, and
the publication refuses marts that differ from the ones its gate checked in any case.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from orchestration.settings import Settings

LOCK_NAME = ".pipeline-run.lock"
# Every run of the pipeline carries this tag; `orchestration/dagster.yaml` queues runs with it
# one at a time, so two runs never interleave their writes (the writer pool serialises steps).
WRITER_RUN_TAG = "empathy/writes"


class RunLockBusy(RuntimeError):
    """Another pipeline run held the lock longer than this one was willing to wait."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_path(settings: Settings) -> Path:
    """The lock file beside the build database."""
    return settings.build_db.parent / LOCK_NAME


@contextlib.contextmanager
def pipeline_run_lock(
    settings: Settings,
    wait_seconds: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the run lock for the block; wait for it (forever when `wait_seconds` is None)."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        started, told = time.monotonic(), False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if wait_seconds is not None and time.monotonic() - started >= wait_seconds:
                    raise RunLockBusy(
                        f"another pipeline run ({holder}) is writing {settings.build_db}; "
                        "try again when it has finished (its lock is released when it ends, "
                        f"even if it is killed): {path}"
                    ) from None
                if on_wait and not told:
                    on_wait(f"waiting for another pipeline run ({holder}) to finish")
                    told = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
