"""The longest test files start first, so that two xdist workers finish together.

`make test` hands whole files to its two workers (`--dist loadfile`), in collection order
(`--no-loadscope-reorder`). A file started last that runs for minutes (the Spark build)
leaves the other worker idle meanwhile, so the files are collected longest first: the
seconds each took in a measured run (`file_durations.json`, written by `pytest
--store-durations`). A file not measured yet keeps its place after the measured ones; a stale
figure only balances the workers less well.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS_FILE = Path(__file__).with_name("file_durations.json")
_measured: defaultdict[str, float] = defaultdict(float)


def file_of(nodeid: str) -> str:
    """The test file a test id belongs to."""
    return nodeid.split("::", 1)[0]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-durations",
        action="store_true",
        help=f"write each test file's seconds to {DURATIONS_FILE.name} (the order files start in)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    expected = json.loads(DURATIONS_FILE.read_text()) if DURATIONS_FILE.exists() else {}
    items.sort(key=lambda item: -expected.get(file_of(item.nodeid), 0.0))  # stable


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _measured[file_of(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if config.getoption("store_durations") and not hasattr(config, "workerinput"):
        ordered = dict(sorted(_measured.items(), key=lambda item: -item[1]))
        figures = {name: round(seconds, 1) for name, seconds in ordered.items()}
        DURATIONS_FILE.write_text(json.dumps(figures, indent=1) + "\n")
