"""Predictive CLV in one run: nothing (orders and settings unchanged), refit (when due, see
`orchestration.churn_risk.cadence`), or score with the stored fit's parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from orchestration.churn_risk import cadence
from orchestration.clv.clv_run import (
    ClvResult,
    input_fingerprint,
    orders_source,
    run_clv,
    score_clv,
    stored_fingerprint,
    stored_model,
    write_tables,
)
from orchestration.clv.config import MODEL_VERSION, ClvConfig

STATE_NAME = "clv"
UNCHANGED, REFIT, SCORED = "unchanged", "refit", "scored"


@dataclass(frozen=True)
class ClvOutcome:
    """What the run did and why; `result` holds what was written (None when nothing was)."""

    action: str
    reason: str
    fingerprint: str
    result: ClvResult | None = None


def _as_of(con: duckdb.DuckDBPyConnection, orders_sql: str | None) -> dt.date | None:
    if orders_sql is None:
        return None
    (as_of,) = con.execute(
        f"SELECT max(CAST(ordered_at AS DATE)) FROM ({orders_sql}) "
        "WHERE customer_id IS NOT NULL AND amount IS NOT NULL"
    ).fetchone()
    return as_of


def refresh_clv(
    con: duckdb.DuckDBPyConnection, config: ClvConfig, refresh: cadence.Refresh
) -> ClvOutcome:
    """Refit when due, else score with the stored fit; write what changed."""
    directory, schema, now = refresh.directory, refresh.schema, refresh.now
    orders_sql, missing = orders_source(con)
    fingerprint = input_fingerprint(con, orders_sql, config)
    settings = config.describe()
    state = cadence.load_state(directory, STATE_NAME)
    fit = stored_model(con, schema)
    run = (MODEL_VERSION, fit["fitted_at"]) if fit else None
    if not refresh.full_refresh and (state is None or state.config == settings):
        if fingerprint == stored_fingerprint(con, schema):
            return ClvOutcome(UNCHANGED, "orders and settings unchanged since the fit", fingerprint)
        scored = state is not None and state.scored_fingerprint == fingerprint
        if scored and run is not None and state.is_run(*run):
            return ClvOutcome(UNCHANGED, "orders unchanged since the last scoring", fingerprint)
    as_of = _as_of(con, orders_sql)
    reason = cadence.retrain_reason(
        state,
        full_refresh=refresh.full_refresh,
        newest_run=run,
        config=settings,
        as_of=as_of,
        retrain_after_days=refresh.retrain_after_days,
    )
    if reason is None and orders_sql is not None and as_of is not None:
        result = score_clv(con, orders_sql, config, fit, fingerprint, as_of)
        if result is not None:
            write_tables(con, result, schema, fit=False)
            cadence.save_state(directory, state.scored(fingerprint))
            return ClvOutcome(
                SCORED,
                f"scored with the stored fit of data as of {state.trained_as_of}",
                fingerprint,
                result,
            )
        reason = "the stored fit has no usable model"
    reason = reason or "no orders to score"
    result = run_clv(con, orders_sql, config, now, missing)
    write_tables(con, result, schema)
    cadence.save_state(
        directory,
        cadence.new_state(
            STATE_NAME, MODEL_VERSION, now, as_of, settings, result.status, None, fingerprint
        ),
    )
    return ClvOutcome(REFIT, reason, fingerprint, result)
