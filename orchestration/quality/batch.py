"""The ingestion hook: validate one export file's typed rows before they are loaded.

`validate_batch` is the plain hook; `recording_validator` returns the same hook that also
writes each file's outcomes (counts only) to this run's batch log, which the raw asset checks
and the validation report read. The raw suites run as one DuckDB query per file over the
rows the loader staged (`sql_validation`), with the rules read from `expectations/raw/`.
"""

from __future__ import annotations

import functools

import duckdb

from orchestration.ingest import BatchValidator, BatchVerdict
from orchestration.quality.batch_log import record_batch
from orchestration.quality.gx_validation import Outcome
from orchestration.quality.sql_validation import CompiledSuite, compile_suite, evaluate
from orchestration.quality.suites import load_suites
from orchestration.settings import Settings


@functools.cache
def raw_suites() -> dict[str, CompiledSuite]:
    """Every raw suite translated to SQL; an expectation type without a translation raises."""
    return {entity: compile_suite(suite) for entity, suite in load_suites("raw").items()}


def verdict_for(entity: str, outcomes: list[Outcome]) -> BatchVerdict:
    """Summarize one batch's outcomes into the ingestion engine's verdict."""
    failed = [o for o in outcomes if not o.passed]
    blocking = any(o.blocking for o in failed)
    if not failed:
        return BatchVerdict(passed=True, blocking=False, message=f"{entity}: all expectations met")
    message = f"{entity} expectations failed: " + "; ".join(o.describe() for o in failed)
    return BatchVerdict(
        passed=False, blocking=blocking, message=message, details=[o.as_dict() for o in failed]
    )


def _outcomes(
    entity: str, con: duckdb.DuckDBPyConnection, relation: str
) -> tuple[int | None, list[Outcome]]:
    suite = raw_suites().get(entity)
    return evaluate(suite, con, relation) if suite else (None, [])


def validate_batch(entity: str, con: duckdb.DuckDBPyConnection, relation: str) -> BatchVerdict:
    """Validate one file's rows of `entity` (in `relation`) against its raw suite."""
    return verdict_for(entity, _outcomes(entity, con, relation)[1])


def recording_validator(settings: Settings, run_id: str) -> BatchValidator:
    """`validate_batch` that also logs each file's outcomes under this run's id.

    The raw suites are translated here, before any file is read: a suite the SQL engine
    cannot evaluate stops the run instead of being skipped.
    """
    raw_suites()

    def validate(entity: str, con: duckdb.DuckDBPyConnection, relation: str) -> BatchVerdict:
        rows, outcomes = _outcomes(entity, con, relation)
        if rows is None:
            row = con.execute(f"SELECT count(*) FROM {relation} AS _batch").fetchone()
            rows = int(row[0]) if row else 0
        record_batch(settings, run_id, entity, rows, outcomes)
        return verdict_for(entity, outcomes)

    return validate
