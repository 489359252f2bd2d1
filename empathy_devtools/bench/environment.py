"""Where the figures were measured: machine and its speed, versions, git commit, date."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import duckdb

from orchestration.settings import PROJECT_ROOT

PACKAGES = ("dagster", "dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "textblob")


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gb() -> float:
    return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def _fastest_seconds(work: Callable[[], object], rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


def _python_loop() -> int:
    total = 0
    for i in range(20_000_000):
        total += i
    return total


def machine_speed() -> dict[str, float]:
    """Seconds of two fixed pieces of work on one core, the fastest of five: a pure-Python
    loop (what dbt's, Dagster's and GX's per-node and per-event work is made of) and a DuckDB
    aggregate (what the models' SQL is made of). Figures from two dates or machines compare
    only as far as these agree (DECISIONLOG.md, "Machine speed beside the figures")."""
    with duckdb.connect() as con:
        con.execute("SET threads = 1")
        query = "SELECT sum(hash(range)) FROM range(200000000)"
        return {
            "python_loop_seconds": _fastest_seconds(_python_loop),
            "duckdb_aggregate_seconds": _fastest_seconds(lambda: con.execute(query).fetchone()),
        }


def environment() -> dict[str, object]:
    """The machine, package versions, git commit and UTC time of this benchmark."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "speed": machine_speed(),
        "python": platform.python_version(),
        "versions": {name: version(name) for name in PACKAGES},
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }
