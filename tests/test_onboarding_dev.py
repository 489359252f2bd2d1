"""Issue 17: `make dev` (`empathy dev`) stops within 10 s on SIGTERM, leaving no process; it
parses the dbt project only when a dbt file changed (issue 11)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from dbt_kit import PARSE_STATE_FILE

from orchestration.dbt_manifest import manifest_is_stale
from orchestration.settings import DBT_PROJECT_DIR, environment_under

EMPATHY = str(Path(sys.executable).parent / "empathy")
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PARSE_STATE = DBT_PROJECT_DIR / "target" / PARSE_STATE_FILE
LOCATION_LOADED = (
    '{"query": "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"}'
)


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


def _location_loaded(port: int) -> bool:
    """The code location has loaded the definitions (and so run the dbt layer's module)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=LOCATION_LOADED.encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            answer = json.load(response)
    except OSError:
        return False
    workspace = (answer.get("data") or {}).get("workspaceOrError") or {}
    entries = workspace.get("locationEntries") or []
    return bool(entries) and all(entry.get("loadStatus") == "LOADED" for entry in entries)


def _parse_files() -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in (MANIFEST, PARSE_STATE) if path.exists()}


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
    # An up-to-date manifest is left alone: a parse with this test's build database would
    # rewrite it while other processes read it, and leave a parse state that fits only this
    # profile (the next `make run` would parse everything again).
    parsed = None if manifest_is_stale(MANIFEST, DBT_PROJECT_DIR) else _parse_files()
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
        while not _location_loaded(port):
            assert time.monotonic() < deadline, "the code location did not load in 240 s"
            time.sleep(1)
        if parsed is not None:
            assert _parse_files() == parsed, "empathy dev re-parsed an up-to-date dbt project"
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
