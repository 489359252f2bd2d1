"""What ingesting a file produces, and the hook for per-file batch validation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb


class FileRejected(Exception):
    """A whole file refused; the message names the file, the problem and the fix.

    `validation` is "failed" when a blocking batch validation refused it.
    """

    def __init__(self, message: str, validation: str | None = None) -> None:
        super().__init__(message)
        self.validation = validation


@dataclass(frozen=True)
class BatchVerdict:
    """Outcome of validating one file's typed valid rows before they are committed.

    A failed blocking verdict rejects the file whole with `message`; a failed non-blocking
    verdict loads the file and records the message in the ledger. `message` and `details`
    must not carry raw values.
    """

    passed: bool
    blocking: bool
    message: str
    details: list[Any] = field(default_factory=list)


BatchValidator = Callable[[str, duckdb.DuckDBPyConnection, str], BatchVerdict]
"""`validate_batch(entity, con, relation)`: `relation` (what follows FROM in a query on `con`)
holds the file's valid rows with the entity's raw (non-personal) columns; no frame is built."""


@dataclass(frozen=True)
class FileResult:
    """What happened to one export file for one entity.

    `recorded` is false for a file this run left alone because the ledger already has it
    (same content and path loaded, or rejected under the same mapping).
    """

    path: str
    source: str
    entity: str
    file_hash: str
    status: str  # loaded, rejected or skipped
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    ignored_columns: tuple[str, ...] = ()
    ledger_seq: int | None = None
    recorded: bool = True
