"""The test files are collected longest first (tests/file_order.py), from figures that name
files that exist."""

from __future__ import annotations

import json

import pytest
from file_order import DURATIONS_FILE, file_of

from orchestration.settings import PROJECT_ROOT


def test_the_measured_files_are_collected_longest_first(request: pytest.FixtureRequest) -> None:
    expected = json.loads(DURATIONS_FILE.read_text())
    files = list(dict.fromkeys(file_of(item.nodeid) for item in request.session.items))
    seconds = [expected.get(f, 0.0) for f in files]  # a file not measured yet: last
    assert seconds == sorted(seconds, reverse=True)
    assert max(seconds) > 0


def test_every_measured_file_exists() -> None:
    expected = json.loads(DURATIONS_FILE.read_text())
    assert [f for f in expected if not (PROJECT_ROOT / f).is_file()] == []
