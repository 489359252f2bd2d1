"""`empathy dev` (`make dev`): `dagster dev` that stops within seconds on Ctrl-C or SIGTERM.

`dagster dev` runs the webserver, the daemon and a code server; left alone it took 40 s and
more to stop. Here it runs in its own process group: a SIGINT/SIGTERM is passed on as
SIGTERM to the whole group, and after `grace_seconds` the group is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def serve(host: str, port: int, grace_seconds: float = 7.0) -> int:
    """Run `dagster dev` on host:port until it ends or this process is told to stop.

    The signal handler only records the stop and sends SIGTERM; the waiting (and the SIGKILL
    after the grace) happens here, outside the handler.
    """
    dagster = str(Path(sys.executable).parent / "dagster")
    command = [dagster, "dev", "-m", "orchestration.definitions", "-h", host, "-p", str(port)]
    process = subprocess.Popen(command, start_new_session=True)
    pgid = process.pid
    stop_at: float | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stop_at
        if stop_at is None:
            stop_at = time.monotonic() + grace_seconds
            print(f"stopping the Dagster UI (at most {grace_seconds:.0f} s)", flush=True)
            _signal_group(pgid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        try:
            code = process.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if stop_at is not None and time.monotonic() >= stop_at:
                _signal_group(pgid, signal.SIGKILL)
    if stop_at is None:
        return code
    while _group_alive(pgid) and time.monotonic() < stop_at:
        time.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)  # whatever is left of the webserver, daemon, code server
    return 0
