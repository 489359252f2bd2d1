"""The mart suites run by Great Expectations in a worker process, never in a Dagster step's.

Two reasons:
- GX imports PySpark when it is installed (the `spark` extra), and PySpark exits, with status
  0, an interpreter whose `__main__` is neither a module nor a file. Dagster's multiprocess
  executor (runs launched from the UI) starts each step in such a process. A UI run then
  failed at `gx_mart_suites` with `SystemExit: 0` once the extra was installed. The worker
  is `python -m orchestration.quality.gx_worker`, whose `__main__` is a module.
- Importing GX takes about 2 s of one core, and the suites come late in a run. `empathy run`
  starts the worker first thing (`start_worker`), so GX is imported on the other core while
  the run imports its definitions. Elsewhere (UI runs, tests) the worker starts when the
  suites are due.
The worker validates the build database read-only and leaves the outcomes (counts, never
values) in a file. It serves that one request and exits. (A worker of its own rather than
`multiprocessing`: a spawned or forkserver child re-imports the parent's `__main__`, which
may be no file at all, as under pytest-xdist, and meets PySpark's exit as well.)
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


def start_worker() -> None:
    """Start the worker; it imports GX and waits for the suites on its standard input."""
    global _worker
    if _worker is None:
        _worker = subprocess.Popen(
            [sys.executable, "-m", "orchestration.quality.gx_worker"], stdin=subprocess.PIPE
        )


def stop_worker() -> None:
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


def validate_marts_in_worker(
    build_db: Path, suites: Mapping[str, Suite]
) -> dict[str, list[Outcome]]:
    """`validate_marts` on the build database, in the worker (started now if it was not).

    The worker serves one request; an error in it is raised here."""
    global _worker
    start_worker()
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
