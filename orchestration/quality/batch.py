"""The ingestion hook: validate one export file's typed rows before they are loaded.

`validate_batch` is the plain hook; `recording_validator` returns the same hook that also
writes each file's outcomes (counts only) to this run's batch log, which the raw asset checks
and the validation report read.
"""

from __future__ import annotations

import functools

import pandas as pd

from orchestration.ingest import BatchValidator, BatchVerdict
from orchestration.quality.batch_log import record_batch
from orchestration.quality.gx_validation import Outcome, validate_frame
from orchestration.quality.suites import Suite, load_suites
from orchestration.settings import Settings


@functools.cache
def _raw_suites() -> dict[str, Suite]:
    return load_suites("raw")


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


def _outcomes(entity: str, frame: pd.DataFrame) -> list[Outcome]:
    suite = _raw_suites().get(entity)
    return validate_frame(suite, frame) if suite else []


def validate_batch(entity: str, frame: pd.DataFrame) -> BatchVerdict:
    """Validate one file's typed rows of `entity` against `expectations/raw/<entity>.json`."""
    return verdict_for(entity, _outcomes(entity, frame))


def recording_validator(settings: Settings, run_id: str) -> BatchValidator:
    """`validate_batch` that also logs each file's outcomes under this run's id."""

    def validate(entity: str, frame: pd.DataFrame) -> BatchVerdict:
        outcomes = _outcomes(entity, frame)
        record_batch(settings, run_id, entity, len(frame), outcomes)
        return verdict_for(entity, outcomes)

    return validate
