"""Expectation suites stored as JSON files in `expectations/raw/` and `expectations/marts/`.

A suite file is data: adding an expectation is adding an entry, no code change. Each entry is
a Great Expectations 1.x expectation (`type`, `kwargs`) whose `meta` carries its check `name`
(unique in the suite, letters, digits and `_`), its `severity` (`blocking`: a failure means
wrong numbers; `warning`: something to look at), `why`, and optionally `skip_if_empty`
(an aggregate such as freshness that means nothing when the source sent no data). A suite
whose `meta.private` is true (HR and personal-data tables) is validated with a result format
that returns no values.
Reading the files needs no Great Expectations import, so Dagster can build checks quickly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from orchestration.settings import EXPECTATIONS_DIR

SuiteKind = Literal["raw", "marts"]
SEVERITIES = ("blocking", "warning")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class SuiteFileError(ValueError):
    """A suite file that cannot be used, with the file and the fix in the message."""


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, as written in its file."""

    name: str
    severity: str
    type: str
    kwargs: dict[str, Any]
    why: str
    skip_if_empty: bool = False

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    def as_gx_dict(self) -> dict[str, Any]:
        """The expectation configuration Great Expectations reads."""
        meta = {"name": self.name, "severity": self.severity, "why": self.why}
        return {"type": self.type, "kwargs": self.kwargs, "meta": meta}


@dataclass(frozen=True)
class Suite:
    """The expectations of one ingested entity (`raw`) or one published mart (`marts`)."""

    kind: SuiteKind
    target: str
    private: bool
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:
        return f"{self.kind}.{self.target}"


def _rule(path: Path, entry: dict[str, Any]) -> Rule:
    meta = entry.get("meta") or {}
    name, severity = meta.get("name", ""), meta.get("severity")
    if not _NAME.match(name):
        raise SuiteFileError(
            f"{path}: expectation {entry.get('type')} needs meta.name, lower case letters, "
            f"digits and '_' (got {name!r})"
        )
    if severity not in SEVERITIES:
        raise SuiteFileError(
            f"{path}: expectation {name!r} needs meta.severity 'blocking' or 'warning' "
            f"(got {severity!r})"
        )
    if not str(entry.get("type", "")).startswith("expect_"):
        raise SuiteFileError(f"{path}: expectation {name!r} needs a GX `type` (expect_...)")
    return Rule(
        name=name,
        severity=severity,
        type=entry["type"],
        kwargs=dict(entry.get("kwargs") or {}),
        why=meta.get("why", ""),
        skip_if_empty=bool(meta.get("skip_if_empty", False)),
    )


def load_suite_file(path: Path, kind: SuiteKind) -> Suite:
    """Read and check one suite file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteFileError(f"{path}: not valid JSON ({exc})") from exc
    rules = tuple(_rule(path, entry) for entry in doc.get("expectations", []))
    names = [rule.name for rule in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SuiteFileError(f"{path}: expectation names must be unique, repeated: {duplicates}")
    private = bool((doc.get("meta") or {}).get("private", False))
    return Suite(kind=kind, target=path.stem, private=private, rules=rules)


def load_suites(kind: SuiteKind, directory: Path = EXPECTATIONS_DIR) -> dict[str, Suite]:
    """Every suite of a kind, by target (entity or mart table name)."""
    files = sorted((directory / kind).glob("*.json"))
    return {path.stem: load_suite_file(path, kind) for path in files}
