"""Issue 17: `make dev` (`empathy dev`) stops within 10 s on SIGTERM, leaving no process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from orchestration.settings import environment_under

EMPATHY = str(Path(sys.executable).parent / "empathy")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
            return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}").exists()
        and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_dev_server_stops_within_ten_seconds(tmp_path: Path, signum: int) -> None:
    env = {**os.environ, **environment_under(tmp_path)}
    Path(env["DAGSTER_HOME"]).mkdir(parents=True)
    port = _free_port()
    wrapper = subprocess.Popen(
        [EMPATHY, "dev", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while not _up(port):
            assert wrapper.poll() is None, "the dev server ended before it came up"
            assert time.monotonic() < deadline, "the dev server did not come up in 240 s"
            time.sleep(1)
        (dagster,) = [
            int(p)
            for p in subprocess.run(
                ["pgrep", "-P", str(wrapper.pid)], capture_output=True, text=True
            ).stdout.split()
        ]
        group = [
            int(p)
            for p in subprocess.run(
                ["pgrep", "-g", str(dagster)], capture_output=True, text=True
            ).stdout.split()
        ]
        assert len(group) >= 2  # dagster dev and its webserver/daemon/code server

        started = time.monotonic()
        wrapper.send_signal(signum)
        wrapper.wait(timeout=15)
        while any(_alive(p) for p in group) and time.monotonic() - started < 15:
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        assert elapsed <= 10, f"stopped after {elapsed:.1f} s"
        assert not any(_alive(p) for p in group)
        assert not _up(port)
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
