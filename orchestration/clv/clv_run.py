"""Predictive CLTV end to end on a DuckDB database: check, refit, tables.

1. Calibration/holdout check: both models fitted on orders up to `as_of - holdout_days`;
   BG/NBD's expected repeat purchases in the holdout window compared with the actual ones,
   per calibration-frequency bucket and in total.
2. Refit on all history up to `as_of` (the newest order day, so a rerun on the same orders
   gives the same numbers) and per-customer predictions for the next `horizon_months`.

A missing or too small orders source gives an empty predictions table and one fit row with
status `not_available` and the reason; nothing raises.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from orchestration.clv import bgnbd, gamma_gamma, holdout, rfm, value
from orchestration.clv.config import FIT_TABLE, MODEL_VERSION, PREDICTIONS_TABLE, ClvConfig

ORDERS_RELATION = ("staging", "stg_crm__orders")

PREDICTIONS_COLUMNS = {
    "customer_id": "VARCHAR NOT NULL",
    "as_of": "DATE NOT NULL",
    "first_purchase": "DATE NOT NULL",
    "last_purchase": "DATE NOT NULL",
    "frequency": "INTEGER NOT NULL",
    "recency_units": "DOUBLE NOT NULL",
    "t_units": "DOUBLE NOT NULL",
    "time_unit_days": "DOUBLE NOT NULL",
    "historical_revenue": "DOUBLE NOT NULL",
    "monetary_value": "DOUBLE",
    "probability_alive": "DOUBLE NOT NULL",
    "expected_purchases_12m": "DOUBLE NOT NULL",
    "expected_order_value": "DOUBLE",
    "expected_value_12m": "DOUBLE",
    "horizon_months": "INTEGER NOT NULL",
    "monthly_discount_rate": "DOUBLE NOT NULL",
    "model_version": "VARCHAR NOT NULL",
    "fitted_at": "TIMESTAMP NOT NULL",
}

FIT_COLUMNS = {
    "model_version": "VARCHAR NOT NULL",
    "fitted_at": "TIMESTAMP NOT NULL",
    "as_of": "DATE",
    "fit_stage": "VARCHAR NOT NULL",
    "frequency_bucket": "VARCHAR NOT NULL",
    "status": "VARCHAR NOT NULL",
    "reason": "VARCHAR",
    "fit_window_start": "DATE",
    "fit_window_end": "DATE",
    "holdout_start": "DATE",
    "holdout_end": "DATE",
    "time_unit_days": "DOUBLE NOT NULL",
    "n_customers": "INTEGER",
    "n_repeat_customers": "INTEGER",
    "bgnbd_r": "DOUBLE",
    "bgnbd_alpha": "DOUBLE",
    "bgnbd_a": "DOUBLE",
    "bgnbd_b": "DOUBLE",
    "bgnbd_log_likelihood": "DOUBLE",
    "bgnbd_converged": "BOOLEAN",
    "gg_p": "DOUBLE",
    "gg_q": "DOUBLE",
    "gg_gamma": "DOUBLE",
    "gg_log_likelihood": "DOUBLE",
    "gg_n_customers": "INTEGER",
    "gg_converged": "BOOLEAN",
    "spend_frequency_correlation": "DOUBLE",
    "bucket_customers": "INTEGER",
    "predicted_holdout_purchases": "DOUBLE",
    "actual_holdout_purchases": "DOUBLE",
    "predicted_to_actual": "DOUBLE",
    "input_fingerprint": "VARCHAR NOT NULL",
}


@dataclass(frozen=True)
class ClvResult:
    """The two tables to write, and what happened (for logs and metadata)."""

    predictions: pd.DataFrame
    fit: pd.DataFrame
    status: str
    reason: str | None
    fingerprint: str


@dataclass(frozen=True)
class _Models:
    bg: bgnbd.BgNbdFit
    gg: gamma_gamma.GammaGammaFit | None
    gg_reason: str | None
    correlation: float | None


def orders_source(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
    """(query over the staged orders, None), or (None, why there are none)."""
    schema, table = ORDERS_RELATION
    (exists,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    if not exists:
        return None, f"table {schema}.{table} does not exist: the CRM staging was not built"
    query = f"SELECT customer_id, ordered_at, amount FROM {schema}.{table}"
    (rows,) = con.execute(
        f"SELECT count(*) FROM ({query}) WHERE customer_id IS NOT NULL "
        "AND ordered_at IS NOT NULL AND amount IS NOT NULL"
    ).fetchone()
    if rows == 0:
        return None, "no orders: the CRM export has no orders file (or no usable order rows)"
    return query, None


def input_fingerprint(
    con: duckdb.DuckDBPyConnection, orders_sql: str | None, config: ClvConfig
) -> str:
    """Hash of every order (customer, day, amount; order-independent) and the settings."""
    if orders_sql is None:
        digest = "no-orders"
    else:
        (digest,) = con.execute(
            f"SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(customer_id, "
            f"CAST(ordered_at AS DATE), amount)::HUGEINT), 0)::VARCHAR FROM ({orders_sql})"
        ).fetchone()
    (fingerprint,) = con.execute("SELECT md5(?)", [f"{digest}|{config.describe()}"]).fetchone()
    return fingerprint


def _has_fit_table(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    (exists,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, FIT_TABLE],
    ).fetchone()
    return bool(exists)


def stored_fingerprint(con: duckdb.DuckDBPyConnection, schema: str) -> str | None:
    """The input fingerprint of the fit table already written, if any."""
    if not _has_fit_table(con, schema):
        return None
    row = con.execute(f"SELECT max(input_fingerprint) FROM {schema}.{FIT_TABLE}").fetchone()
    return row[0] if row else None


def _fit_models(summary: pd.DataFrame, config: ClvConfig) -> tuple[_Models | None, str | None]:
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if len(summary) < config.min_customers:
        return None, f"{len(summary)} customers with orders; the model needs {config.min_customers}"
    if len(repeat) < config.min_repeat_customers:
        return None, (
            f"{len(repeat)} customers with a repeat purchase; the model needs "
            f"{config.min_repeat_customers}"
        )
    try:
        bg = bgnbd.fit(summary["frequency"], summary["recency"], summary["T"])
        gg = gamma_gamma.fit(repeat["frequency"], repeat["monetary_value"])
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
        return None, f"the model could not be fitted: {error}"
    if not all(np.isfinite([*bg.params, *gg.params])):
        return None, "the model could not be fitted: non-finite parameters"
    gg_reason = None
    if gg.q <= 1:
        gg_reason = f"Gamma-Gamma q = {gg.q:.3g} <= 1: mean spend not defined, no value"
    correlation = float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])
    return _Models(bg, None if gg_reason else gg, gg_reason, correlation), None


def _fit_row(
    stage: str,
    models: _Models | None,
    summary: pd.DataFrame | None,
    window: tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None],
    reason: str | None,
) -> dict[str, object]:
    start, end, holdout_start, holdout_end = window
    row: dict[str, object] = {
        "fit_stage": stage,
        "frequency_bucket": "all",
        "status": "fitted" if models else "not_available",
        "reason": reason,
        "fit_window_start": start,
        "fit_window_end": end,
        "holdout_start": holdout_start,
        "holdout_end": holdout_end,
    }
    if summary is not None:
        row["n_customers"] = len(summary)
        row["n_repeat_customers"] = int((summary["frequency"] > 0).sum())
    if models is not None:
        bg = models.bg
        row.update(
            bgnbd_r=bg.r,
            bgnbd_alpha=bg.alpha,
            bgnbd_a=bg.a,
            bgnbd_b=bg.b,
            bgnbd_log_likelihood=bg.log_likelihood,
            bgnbd_converged=bg.converged,
            spend_frequency_correlation=models.correlation,
        )
        if models.gg is not None:
            gg = models.gg
            row.update(
                gg_p=gg.p,
                gg_q=gg.q,
                gg_gamma=gg.gamma,
                gg_log_likelihood=gg.log_likelihood,
                gg_n_customers=gg.n_customers,
                gg_converged=gg.converged,
            )
    return row


Window = tuple[dt.date, dt.date, dt.date, dt.date]


def _calibration_summary(
    con: duckdb.DuckDBPyConnection,
    orders_sql: str,
    config: ClvConfig,
    first_day: dt.date,
    as_of: dt.date,
) -> tuple[Window, pd.DataFrame | None]:
    """The calibration and holdout windows and the calibration summary (None when the history
    is too short for a holdout)."""
    calibration_end = as_of - dt.timedelta(days=config.holdout_days)
    window = (first_day, calibration_end, calibration_end + dt.timedelta(days=1), as_of)
    if (calibration_end - first_day).days < config.holdout_days:
        return window, None
    return window, rfm.summarize(con, orders_sql, calibration_end, config.unit_days, as_of)


def _calibration_rows(
    window: Window, summary: pd.DataFrame | None, config: ClvConfig
) -> list[dict[str, object]]:
    first_day, _, _, as_of = window
    if summary is None:
        reason = (
            f"history of {(as_of - first_day).days + 1} days is shorter than twice the "
            f"{config.holdout_days}-day holdout: no calibration/holdout check"
        )
        return [_fit_row("calibration", None, None, window, reason)]
    models, reason = _fit_models(summary, config)
    row = _fit_row("calibration", models, summary, window, reason or (models and models.gg_reason))
    if models is None:
        return [row]
    try:
        comparison = holdout.holdout_comparison(
            models.bg.params, summary, config.holdout_days / config.unit_days
        )
    except ValueError as error:
        return [{**row, "status": "not_available", "reason": str(error)}]
    rows = []
    for bucket in comparison.to_dict("records"):
        bucket_row = (
            dict(row)
            if bucket["frequency_bucket"] == "all"
            else {
                k: v
                for k, v in row.items()
                if k
                in {
                    "fit_stage",
                    "status",
                    "fit_window_start",
                    "fit_window_end",
                    "holdout_start",
                    "holdout_end",
                }
            }
        )
        bucket_row.update(
            frequency_bucket=bucket["frequency_bucket"],
            bucket_customers=int(bucket["customers"]),
            predicted_holdout_purchases=float(bucket["predicted"]),
            actual_holdout_purchases=float(bucket["actual"]),
            predicted_to_actual=bucket["predicted_to_actual"],
        )
        rows.append(bucket_row)
    return rows


def _predictions(
    summary: pd.DataFrame, models: _Models, config: ClvConfig, as_of: dt.date
) -> pd.DataFrame:
    x, t_x, T = summary["frequency"], summary["recency"], summary["T"]
    by_month = value.monthly_purchases(
        models.bg.params, config.horizon_months, config.unit_days, x, t_x, T
    )
    frame = pd.DataFrame(
        {
            "customer_id": summary["customer_id"],
            "as_of": as_of,
            "first_purchase": summary["first_purchase"].dt.date,
            "last_purchase": summary["last_purchase"].dt.date,
            "frequency": x,
            "recency_units": t_x,
            "t_units": T,
            "time_unit_days": config.unit_days,
            "historical_revenue": summary["revenue"],
            "monetary_value": summary["monetary_value"],
            "probability_alive": bgnbd.probability_alive(models.bg.params, x, t_x, T),
            "expected_purchases_12m": by_month.sum(axis=1),
            "horizon_months": config.horizon_months,
            "monthly_discount_rate": config.monthly_discount_rate,
        }
    )
    if models.gg is None:
        frame["expected_order_value"] = np.nan
        frame["expected_value_12m"] = np.nan
    else:
        order_value = gamma_gamma.expected_order_value(
            models.gg.params, x, summary["monetary_value"].fillna(0.0).clip(lower=0.0)
        )
        frame["expected_order_value"] = order_value
        frame["expected_value_12m"] = value.discounted_value(
            by_month, order_value, config.monthly_discount_rate
        )
    return frame


def _finish(
    predictions: pd.DataFrame,
    rows: list[dict[str, object]],
    config: ClvConfig,
    fitted_at: dt.datetime,
    as_of: dt.date | None,
    fingerprint: str,
    reason: str | None,
) -> ClvResult:
    common = {
        "model_version": MODEL_VERSION,
        "fitted_at": fitted_at,
        "as_of": as_of,
        "time_unit_days": config.unit_days,
        "input_fingerprint": fingerprint,
    }
    fit = pd.DataFrame([{**common, **row} for row in rows]).reindex(columns=list(FIT_COLUMNS))
    predictions = predictions.assign(model_version=MODEL_VERSION, fitted_at=fitted_at)
    predictions = predictions.reindex(columns=list(PREDICTIONS_COLUMNS))
    status = "fitted" if len(predictions) else "not_available"
    return ClvResult(predictions, fit, status, reason, fingerprint)


def _unusable(predictions: pd.DataFrame) -> int:
    numbers = predictions[["probability_alive", "expected_purchases_12m"]].to_numpy(dtype=float)
    return int((~np.isfinite(numbers)).any(axis=1).sum())


def run_clv(
    con: duckdb.DuckDBPyConnection,
    orders_sql: str | None,
    config: ClvConfig,
    fitted_at: dt.datetime,
    unavailable_reason: str | None = None,
) -> ClvResult:
    """Check on the holdout, refit on all history, and build both tables (not written)."""
    fingerprint = input_fingerprint(con, orders_sql, config)
    empty = pd.DataFrame(columns=list(PREDICTIONS_COLUMNS))
    if orders_sql is None:
        reason = unavailable_reason or "no orders source"
        row = _fit_row("full_history", None, None, (None, None, None, None), reason)
        return _finish(empty, [row], config, fitted_at, None, fingerprint, reason)
    first_day, as_of = con.execute(
        f"SELECT min(CAST(ordered_at AS DATE)), max(CAST(ordered_at AS DATE)) FROM ({orders_sql}) "
        "WHERE customer_id IS NOT NULL AND amount IS NOT NULL"
    ).fetchone()
    window, calibration = _calibration_summary(con, orders_sql, config, first_day, as_of)
    summary = rfm.summarize(con, orders_sql, as_of, config.unit_days)
    # The calibration fit and the full-history fit are independent, and most of their work is
    # NumPy and SciPy on whole arrays, outside the GIL: the calibration's runs in a thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        calibration_rows = pool.submit(_calibration_rows, window, calibration, config)
        models, reason = _fit_models(summary, config)
        rows = calibration_rows.result()
    full_reason = reason or (models.gg_reason if models else None)
    rows.append(
        _fit_row("full_history", models, summary, (first_day, as_of, None, None), full_reason)
    )
    predictions = empty if models is None else _predictions(summary, models, config, as_of)
    unusable = _unusable(predictions)
    if unusable:
        full_reason = f"predictions not finite for {unusable} customers: nothing published"
        rows[-1].update(status="not_available", reason=full_reason)
        predictions = empty
    return _finish(predictions, rows, config, fitted_at, as_of, fingerprint, full_reason)


def stored_model(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, object] | None:
    """The stored fit's full-history row (parameters, as-of, fitted_at), if the table has one."""
    if not _has_fit_table(con, schema):
        return None
    cursor = con.execute(
        f"SELECT * FROM {schema}.{FIT_TABLE} WHERE fit_stage = 'full_history' "
        "AND frequency_bucket = 'all' ORDER BY fitted_at DESC LIMIT 1"
    )
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def _stored_models(fit: dict[str, object]) -> _Models | None:
    bg_names = ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b")
    if fit["status"] != "fitted" or any(fit[name] is None for name in bg_names):
        return None
    bg = bgnbd.BgNbdFit(
        *(float(fit[name]) for name in bg_names),
        log_likelihood=float(fit["bgnbd_log_likelihood"]),
        n_customers=int(fit["n_customers"]),
        converged=bool(fit["bgnbd_converged"]),
        message="stored",
    )
    gg = None
    if fit["gg_p"] is not None:
        gg = gamma_gamma.GammaGammaFit(
            float(fit["gg_p"]),
            float(fit["gg_q"]),
            float(fit["gg_gamma"]),
            log_likelihood=float(fit["gg_log_likelihood"]),
            n_customers=int(fit["gg_n_customers"]),
            converged=bool(fit["gg_converged"]),
            message="stored",
        )
    correlation = fit["spend_frequency_correlation"]
    return _Models(bg, gg, None if gg else fit["reason"], correlation)


def score_clv(
    con: duckdb.DuckDBPyConnection,
    orders_sql: str,
    config: ClvConfig,
    fit: dict[str, object],
    fingerprint: str,
    as_of: dt.date,
) -> ClvResult | None:
    """Predictions as of `as_of` (the newest order day) from the stored fit's parameters (no refit:
    `fitted_at` and the model version stay the fit's); None when the fit has no usable model
    or its predictions are not finite. `fit` is `stored_model`'s row; the result's fit table
    is that row only (not written)."""
    models = _stored_models(fit)
    if models is None:
        return None
    summary = rfm.summarize(con, orders_sql, as_of, config.unit_days)
    predictions = _predictions(summary, models, config, as_of)
    if _unusable(predictions):
        return None
    predictions = predictions.assign(model_version=MODEL_VERSION, fitted_at=fit["fitted_at"])
    predictions = predictions.reindex(columns=list(PREDICTIONS_COLUMNS))
    fit_frame = pd.DataFrame([fit]).reindex(columns=list(FIT_COLUMNS))
    return ClvResult(predictions, fit_frame, "scored", None, fingerprint)


def _replace(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    columns: dict[str, str],
    frame: pd.DataFrame,
) -> None:
    body = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
    con.execute(f"CREATE OR REPLACE TABLE {schema}.{table} ({body})")
    if len(frame):
        con.register("clv_frame", frame)
        con.execute(f"INSERT INTO {schema}.{table} BY NAME SELECT * FROM clv_frame")
        con.unregister("clv_frame")


def write_tables(
    con: duckdb.DuckDBPyConnection, result: ClvResult, schema: str, fit: bool = True
) -> None:
    """Replace both tables in `schema` in one transaction (only the predictions when `fit` is
    false: a scoring run keeps the stored fit)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute("BEGIN TRANSACTION")
    try:
        _replace(con, schema, PREDICTIONS_TABLE, PREDICTIONS_COLUMNS, result.predictions)
        if fit:
            _replace(con, schema, FIT_TABLE, FIT_COLUMNS, result.fit)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
