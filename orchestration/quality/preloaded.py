"""The mart suites in a worker process that imported Great Expectations while the run started.

Importing GX takes about 2 s of one core, and the mart suites come late in a run, where that
import would hold up everything after them. `empathy run` calls `start_preloading()` first
thing: a worker (`python -m orchestration.quality.preloaded`) imports GX on the other core
while this process imports the Dagster definitions. `validate_marts_preloaded` later hands it
the suites; it validates the build database read-only and leaves the outcomes in a file.
Without a started worker (the Dagster UI's runs, tests) the suites run in the calling process.

A worker of its own rather than `multiprocessing`: a spawned or forkserver child re-imports
the parent's `__main__` (which may be no file, as under pytest-xdist), and PySpark, which GX
imports when installed, exits an interpreter whose `__main__` is not a module or a file.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from orchestration.quality.gx_validation import Outcome
from orchestration.quality.suites import Suite

_worker: subprocess.Popen | None = None


def start_preloading() -> None:
    """Start the worker; it imports GX and waits for the suites on its standard input."""
    global _worker
    if _worker is None:
        _worker = subprocess.Popen(
            [sys.executable, "-m", "orchestration.quality.preloaded"], stdin=subprocess.PIPE
        )


def stop_preloading() -> None:
    """Stop the worker if the run ended without needing it."""
    global _worker
    if _worker is not None:
        _worker.kill()
        _worker.wait()
        _worker = None


def _validate(build_db: str, suites: Mapping[str, Suite]) -> dict[str, list[Outcome]]:
    import duckdb

    from orchestration.quality.marts import validate_marts

    with duckdb.connect(build_db, read_only=True) as con:
        return validate_marts(con, suites)


def validate_marts_preloaded(
    build_db: Path, suites: Mapping[str, Suite]
) -> dict[str, list[Outcome]]:
    """`validate_marts` on the build database, in the preloaded worker when there is one.

    The worker serves one request; an error in it is raised here."""
    global _worker
    if _worker is None:
        return _validate(str(build_db), suites)
    worker, _worker = _worker, None
    with tempfile.TemporaryDirectory(prefix="empathy-gx-") as folder:
        answer = Path(folder) / "outcomes.pickle"
        request = pickle.dumps((str(build_db), dict(suites), str(answer)))
        worker.communicate(request)
        if worker.returncode != 0 or not answer.exists():
            raise RuntimeError(
                f"the Great Expectations worker ended with exit code {worker.returncode} "
                "before validating the marts (its error is in the run's output above)"
            )
        result = pickle.loads(answer.read_bytes())
    if isinstance(result, BaseException):
        raise result
    return result


def _serve() -> None:
    """The worker: import GX and make its context, then validate the one request it gets."""
    from orchestration.quality import marts  # noqa: F401
    from orchestration.quality.gx_validation import gx_context

    gx_context()
    request = sys.stdin.buffer.read()
    if not request:  # the run ended (or died) without asking
        return
    build_db, suites, answer = pickle.loads(request)
    try:
        result: object = _validate(build_db, suites)
    except Exception as error:  # handed to the run, which raises it
        result = error
    Path(answer).write_bytes(pickle.dumps(result))


if __name__ == "__main__":
    _serve()
    # The run waits for this process to end: skip tearing down GX's modules (about 0.8 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
