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
The worker reads the marts from the build database (read-only, then closed) and validates
them, half of them in a forked copy of itself: GX's work is Python on one core, and nothing
else runs while the run waits for the suites. It leaves the outcomes (counts, never values)
in a file, serves that one request and exits. (A worker of its own rather than
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
from typing import TYPE_CHECKING

from orchestration.quality.gx_validation import Outcome
from orchestration.quality.suites import Suite

if TYPE_CHECKING:
    from orchestration.quality.marts import MartBatch

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


def _pickled(result: object) -> bytes:
    """`result` pickled; an error that cannot be pickled travels as its type and message."""
    try:
        return pickle.dumps(result)
    except Exception:
        if not isinstance(result, BaseException):
            raise
        return pickle.dumps(RuntimeError(f"{type(result).__name__}: {result}"))


def _halves(batches: Mapping[str, MartBatch]) -> tuple[list[str], list[str]]:
    """The marts split in two of about the same GX time, largest first to the lighter half."""
    halves: tuple[list[str], list[str]] = ([], [])
    loads = [0.0, 0.0]
    for table in sorted(batches, key=lambda t: -batches[t].cost()):
        lighter = loads.index(min(loads))
        halves[lighter].append(table)
        loads[lighter] += batches[table].cost()
    return halves


def _validate_each(batches: Mapping[str, MartBatch], tables: list[str]) -> dict[str, list[Outcome]]:
    from orchestration.quality.marts import validate_batch

    return {table: validate_batch(batches[table]) for table in tables}


def validate_in_two_processes(batches: Mapping[str, MartBatch]) -> dict[str, list[Outcome]]:
    """Every batch validated, half of the GX time in a forked copy of this process (GX's Python
    uses one core; the run waits for the suites with the other one idle). Outcomes in the
    batches' order; an error in either half is raised here. On Linux only: elsewhere (macOS
    forks unsafely once system frameworks are loaded) one process validates them all."""
    here, there = _halves(batches)
    if not there or not sys.platform.startswith("linux"):  # macOS: forking is unsafe there
        return _validate_each(batches, list(batches))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: validate its half, hand back the outcomes or the error, exit
        try:  # whatever happens, the copy never returns into the worker's code
            os.close(read_end)
            try:
                answer = _pickled(_validate_each(batches, there))
            except BaseException as error:
                answer = _pickled(error)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(answer)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        outcomes = _validate_each(batches, here)
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            answer = pipe.read()
        _, status = os.waitpid(pid, 0)
    theirs = pickle.loads(answer) if answer else None
    if not isinstance(theirs, dict):
        raise theirs or RuntimeError(f"the second GX process ended with status {status}")
    outcomes |= theirs
    return {table: outcomes[table] for table in batches}


def _validate(build_db: str, suites: Mapping[str, Suite]) -> dict[str, list[Outcome]]:
    """Read every mart, close the database (no DuckDB handle crosses the fork), validate."""
    import duckdb

    from orchestration.quality.marts import read_marts

    with duckdb.connect(build_db, read_only=True) as con:
        batches = read_marts(con, suites)
    return validate_in_two_processes(batches)


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
    Path(answer).write_bytes(_pickled(result))


if __name__ == "__main__":
    _serve()
    # The run waits for this process to end: skip tearing down GX's modules (about 0.8 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
