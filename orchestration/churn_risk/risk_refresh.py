"""One risk target in one run: nothing (unchanged inputs), retrain (when due, see `cadence`),
or score the current snapshot with the stored model under its version."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb

from orchestration.churn_risk import cadence
from orchestration.churn_risk.pipeline import (
    ChurnResult,
    Target,
    create_tables,
    current_as_of,
    input_fingerprint,
    model_config,
    newest_run,
    run_model,
    score_current,
    stored_fingerprint,
    write_predictions,
    write_tables,
)

UNCHANGED, RETRAINED, SCORED, KEPT = "unchanged", "retrained", "scored", "kept"


@dataclass(frozen=True)
class Outcome:
    """What a run did for one target and why; `result` is the training run, if any."""

    action: str
    reason: str
    result: ChurnResult | None = None
    model_version: str | None = None
    predictions: int | None = None


def _champion(
    result: ChurnResult, state: cadence.ModelState | None, config: str
) -> dict[str, object] | None:
    if result.published:
        if result.model is None:  # a stratified (undated) model: nothing to score on a cadence
            return None
        return {"version": str(result.card["model_version"]), "parameters": result.model}
    # Withheld or not available: the model published before keeps scoring (same config only).
    return state.champion if state is not None and state.config == config else None


def refresh_target(
    con: duckdb.DuckDBPyConnection, target: Target, refresh: cadence.Refresh
) -> Outcome:
    """Retrain the target when due, else score with its stored model; write what changed."""
    directory, schema, now = refresh.directory, refresh.schema, refresh.now
    fingerprint = input_fingerprint(con, target)
    config = model_config(con, target)
    state = cadence.load_state(directory, target.name)
    run = newest_run(con, schema, target)
    if not refresh.full_refresh and (state is None or state.config == config):
        if fingerprint == stored_fingerprint(con, schema, target):
            return Outcome(UNCHANGED, "features unchanged since the newest training run")
        scored = state is not None and state.scored_fingerprint == fingerprint
        if scored and run is not None and state.is_run(*run):
            return Outcome(UNCHANGED, "features unchanged since the last scoring")
    reason = cadence.retrain_reason(
        state,
        full_refresh=refresh.full_refresh,
        newest_run=run,
        config=config,
        as_of=current_as_of(con),
        retrain_after_days=refresh.retrain_after_days,
    )
    if reason is None:
        champion = state.champion
        if champion is None:
            cadence.save_state(directory, state.scored(fingerprint))
            return Outcome(
                KEPT,
                f"the newest training run is {state.status} and no model of this configuration "
                "was published: nothing to score with until retraining is due",
            )
        version = str(champion["version"])
        predictions = score_current(con, target, champion["parameters"], version)
        write_predictions(con, target, predictions, schema)
        cadence.save_state(directory, state.scored(fingerprint))
        return Outcome(
            SCORED,
            f"scored with the stored model trained on data as of {state.trained_as_of}",
            model_version=version,
            predictions=len(predictions),
        )
    result = run_model(con, target, now, fingerprint)
    write_tables(con, result, schema)
    card = result.card
    cadence.save_state(
        directory,
        cadence.new_state(
            target.name,
            card["model_version"],
            now,
            result.as_of,
            config,
            str(card["status"]),
            _champion(result, state, config),
            fingerprint,
        ),
    )
    return Outcome(RETRAINED, reason, result, str(card["model_version"]))


def refresh_targets(
    con: duckdb.DuckDBPyConnection, targets: Sequence[Target], refresh: cadence.Refresh
) -> list[Outcome]:
    """`refresh_target` for several targets at once, each in a thread on a cursor of its own.

    A target's work is NumPy, SciPy and scikit-learn on whole arrays, mostly outside the GIL,
    and DuckDB lets two connections of one database write different rows of the same tables
    (the targets' rows are keyed by target). A cursor sees the database's tables, not frames
    registered on `con`. The tables are created first, one after the other: two threads
    creating the same table would conflict."""
    for target in targets:
        create_tables(con, target, refresh.schema)

    def refresh_one(target: Target) -> Outcome:
        with con.cursor() as cursor:
            return refresh_target(cursor, target, refresh)

    with ThreadPoolExecutor(max_workers=max(len(targets), 1)) as pool:
        return list(pool.map(refresh_one, targets))
