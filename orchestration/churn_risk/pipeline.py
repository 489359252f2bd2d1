"""Risk models end to end on a DuckDB database: features, time split, gate, tables.

One library serves several targets (`Target`): churn within 90 days (`CHURN`) and the
support-need targets, an inbound contact (`INBOUND_CONTACT`) and a complaint (`COMPLAINT`)
within 30 days. Features come from the dbt model `intermediate.int_churn_features` (one row
per customer and snapshot; snapshot 0 = the data's as-of date, 1/2/3 = 90/180/270 days
before it), which carries every target's label.

1. Time split: fit on snapshots 2 and 3 (their labels end by the cutoff, 90 days before
   as-of), evaluate on snapshot 1 (labels observed after the cutoff), next to the
   recency-only baseline.
2. Gate: the model is published only when its holdout AUC beats the baseline's and its
   95% interval lies above 0.5; otherwise the model card says why and the predictions
   already published stay.
3. Refit on snapshots 1-3 and score every active customer at snapshot 0.

Exports without dates (e.g. the IBM telco file) cannot be split in time: when no snapshot
has labels but the customers carry a churned flag, the churn target is evaluated on a
stratified split of the customers (tenure, segment, value) instead and the card says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from orchestration.churn_risk import evaluation, model
from orchestration.churn_risk.targets import (
    CHURN,
    CUSTOMERS_RELATION,
    FEATURES_RELATION,
    Target,
)
from orchestration.publish.fingerprints import stable_value

SPLIT_SEED = 42
MIN_POSITIVES = 20

TIME_FEATURES = (
    "tenure_days",
    "days_since_last_order",
    "days_since_last_contact",
    "orders_365d",
    "order_value_365d",
    "complex_orders_365d",
    "complex_orders_150d",
    "inbound_contacts_365d",
    "inbound_contacts_90d",
    "technical_contacts_365d",
    "billing_contacts_365d",
    "complaint_contacts_365d",
    "unresolved_contacts_365d",
    "unresolved_technical_contacts_365d",
    "unresolved_technical_contacts_90d",
    "proactive_contacts_365d",
    "proactive_contacts_180d",
    "mean_contact_sentiment_365d",
)
STATIC_FEATURES = ("tenure_days", "reported_value", "value_per_tenure_month")


PREDICTIONS_COLUMNS = {
    "customer_id": "VARCHAR NOT NULL",
    "scoring_date": "DATE",
    "churn_risk_90d": "DOUBLE NOT NULL",
    "risk_decile": "INTEGER NOT NULL",
    "model_version": "VARCHAR NOT NULL",
}
CARD_COLUMNS = {
    "model_version": "VARCHAR NOT NULL",
    "trained_at": "TIMESTAMP NOT NULL",
    "status": "VARCHAR NOT NULL",
    "reason": "VARCHAR",
    "split": "VARCHAR NOT NULL",
    "training_window_start": "DATE",
    "training_window_end": "DATE",
    "holdout_window_start": "DATE",
    "holdout_window_end": "DATE",
    "features": "VARCHAR NOT NULL",
    "n_train": "INTEGER",
    "n_holdout": "INTEGER",
    "holdout_positives": "INTEGER",
    "auc": "DOUBLE",
    "auc_low": "DOUBLE",
    "auc_high": "DOUBLE",
    "pr_auc": "DOUBLE",
    "brier": "DOUBLE",
    "top_decile_lift": "DOUBLE",
    "baseline_auc": "DOUBLE",
    "baseline_auc_low": "DOUBLE",
    "baseline_auc_high": "DOUBLE",
    "baseline_pr_auc": "DOUBLE",
    "baseline_brier": "DOUBLE",
    "baseline_top_decile_lift": "DOUBLE",
    "is_published": "BOOLEAN NOT NULL",
    "input_fingerprint": "VARCHAR NOT NULL",
}
DECILES_COLUMNS = {
    "model_version": "VARCHAR NOT NULL",
    "scorer": "VARCHAR NOT NULL",
    "decile": "INTEGER NOT NULL",
    "n": "INTEGER NOT NULL",
    "mean_predicted": "DOUBLE NOT NULL",
    "observed_rate": "DOUBLE NOT NULL",
}


def _keyed(target: Target, columns: dict[str, str]) -> dict[str, str]:
    return {"target": "VARCHAR NOT NULL", **columns} if target.keyed else dict(columns)


def predictions_columns(target: Target) -> dict[str, str]:
    """The predictions table's columns for the target."""
    columns = {
        (target.risk_column if name == "churn_risk_90d" else name): kind
        for name, kind in PREDICTIONS_COLUMNS.items()
    }
    return _keyed(target, columns)


def card_columns(target: Target) -> dict[str, str]:
    """The model card's columns for the target."""
    return _keyed(target, CARD_COLUMNS)


def deciles_columns(target: Target) -> dict[str, str]:
    """The calibration table's columns for the target."""
    return _keyed(target, DECILES_COLUMNS)


@dataclass
class ChurnResult:
    """One training run: its card row, calibration rows and (if published) predictions."""

    card: dict[str, object]
    deciles: pd.DataFrame = field(default_factory=pd.DataFrame)
    predictions: pd.DataFrame | None = None
    target: Target = CHURN
    model: dict[str, object] | None = None  # the published model's parameters (time split)
    as_of: dt.date | None = None  # the data's as-of date (snapshot 0) it was trained at

    @property
    def published(self) -> bool:
        return bool(self.card["is_published"])


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, table = relation.split(".")
    (n,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    return n > 0


# Doubles of SQL aggregates (mean sentiment, summed amounts) can differ in their last bits
# from one build to the next (parallel summation order): the fingerprint reads them to 10
# significant digits (`stable_value`), as the publication's content fingerprint does, so a
# rebuild of the same exports is recognised as "nothing new".
_LINEAGE_COLUMNS = ("_ingest_seq", "_loaded_at")


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    """(name, type) of each column of `schema.table`, in order."""
    schema, table = relation.split(".")
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, table],
    ).fetchall()


def _digest(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    columns = _columns(con, relation)
    row = ", ".join(stable_value(c, t) for c, t in columns if c not in _LINEAGE_COLUMNS)
    (digest,) = con.execute(
        f"SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(row({row}))::HUGEINT), 0)"
        f"::VARCHAR FROM {relation}"
    ).fetchone()
    return digest


def input_fingerprint(con: duckdb.DuckDBPyConnection, target: Target = CHURN) -> str:
    """Hash of every feature row and customer row (order-independent, doubles to 10
    significant digits, without load lineage), the model family and its label."""
    parts = [target.family, str(SPLIT_SEED)]
    if target is not CHURN:  # churn keeps the composition its published cards were made with
        parts.append(target.label)
    for relation in (FEATURES_RELATION, CUSTOMERS_RELATION):
        parts.append(_digest(con, relation) if _exists(con, relation) else "missing")
    (fingerprint,) = con.execute("SELECT md5(?)", ["|".join(parts)]).fetchone()
    return fingerprint


def stored_fingerprint(
    con: duckdb.DuckDBPyConnection, schema: str, target: Target = CHURN
) -> str | None:
    """The input fingerprint of the target's newest model card row, if any."""
    if not _exists(con, f"{schema}.{target.card_table}"):
        return None
    where = "WHERE target = ?" if target.keyed else ""
    row = con.execute(
        f"SELECT input_fingerprint FROM {schema}.{target.card_table} {where} "
        "ORDER BY trained_at DESC LIMIT 1",
        [target.name] if target.keyed else [],
    ).fetchone()
    return row[0] if row else None


def _card(version: str, now: dt.datetime, fingerprint: str, **values: object) -> dict[str, object]:
    card: dict[str, object] = dict.fromkeys(CARD_COLUMNS)
    card |= {"model_version": version, "trained_at": now, "input_fingerprint": fingerprint}
    card |= {"is_published": False, "features": "", "split": "none"}
    card |= values
    return card


def _figure_columns(prefix: str, f: evaluation.Figures) -> dict[str, object]:
    return {
        f"{prefix}auc": f.auc,
        f"{prefix}auc_low": f.auc_low,
        f"{prefix}auc_high": f.auc_high,
        f"{prefix}pr_auc": f.pr_auc,
        f"{prefix}brier": f.brier,
        f"{prefix}top_decile_lift": f.top_decile_lift,
    }


def gate(m: evaluation.Figures, b: evaluation.Figures) -> str | None:
    """Why the model must not be published, or None when it beats the baseline."""
    if m.auc <= b.auc:
        return f"holdout AUC {m.auc:.3f} does not beat the recency-only baseline's {b.auc:.3f}"
    if m.auc_low <= 0.5:
        return f"holdout AUC interval [{m.auc_low:.3f}, {m.auc_high:.3f}] includes chance (0.5)"
    return None


def _add_recency(frame: pd.DataFrame) -> None:
    frame["recency_days"] = frame[["days_since_last_order", "days_since_last_contact"]].min(axis=1)


def _snapshots(features: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Rows of snapshots `first`..`last` of features sorted by snapshot: a slice, not a copy."""
    index = features["snapshot_index"].to_numpy()
    start, stop = np.searchsorted(index, [first, last + 1])
    return features.iloc[start:stop]


def _evaluate(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    features: tuple[str, ...],
    baseline: tuple[str, ...],
    label: str = CHURN.label,
) -> tuple[evaluation.Figures, evaluation.Figures, pd.DataFrame]:
    y = holdout[label].astype(int).to_numpy()
    scores = {
        "model": model.predict(model.fit(train, features, label), holdout, features),
        "baseline": model.predict(model.fit(train, baseline, label), holdout, baseline),
    }
    deciles = pd.concat(
        [evaluation.calibration_deciles(y, p).assign(scorer=name) for name, p in scores.items()]
    )
    return (
        evaluation.figures(y, scores["model"]),
        evaluation.figures(y, scores["baseline"]),
        deciles,
    )


def _scored(
    frame: pd.DataFrame, risk: np.ndarray, version: str, date: object, target: Target = CHURN
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "customer_id": frame["customer_id"].astype(str).to_numpy(),
            "scoring_date": date,
            target.risk_column: risk,
        }
    )
    if target.keyed:
        out.insert(0, "target", target.name)
    ranks = pd.Series(risk).rank(method="first").to_numpy()
    out["risk_decile"] = np.ceil(ranks * 10 / max(len(risk), 1)).astype(int)
    out["model_version"] = version
    return out


def _usable(labels: pd.Series, outcome: str = CHURN.outcome) -> str | None:
    positives = int(labels.astype(int).sum())
    if positives < MIN_POSITIVES or len(labels) - positives < MIN_POSITIVES:
        return f"{positives} {outcome} of {len(labels)}; the model needs {MIN_POSITIVES} of each"
    return None


def _time_split(
    features: pd.DataFrame, version: str, now: dt.datetime, fingerprint: str, target: Target
) -> ChurnResult | None:
    if target.label not in features.columns:
        return None
    _add_recency(features)
    train, holdout = _snapshots(features, 2, 3), _snapshots(features, 1, 1)
    current = _snapshots(features, 0, 0)
    if train.empty or holdout.empty:
        return None
    label = target.label
    reason = _usable(train[label], target.outcome) or _usable(holdout[label], target.outcome)
    hold_start = pd.Timestamp(holdout["snapshot_date"].iloc[0]).date()
    common = {
        "split": "time",
        "features": ",".join(TIME_FEATURES),
        "training_window_start": pd.Timestamp(train["snapshot_date"].min()).date(),
        "training_window_end": hold_start,
        "holdout_window_start": hold_start,
        "holdout_window_end": hold_start + dt.timedelta(days=target.horizon_days),
        "n_train": len(train),
        "n_holdout": len(holdout),
    }
    if reason:
        return ChurnResult(
            _card(version, now, fingerprint, status="not_available", reason=reason, **common),
            target=target,
        )
    m, b, deciles = _evaluate(train, holdout, TIME_FEATURES, model.BASELINE_FEATURES, label)
    card = _card(
        version,
        now,
        fingerprint,
        holdout_positives=m.positives,
        **common,
        **_figure_columns("", m),
        **_figure_columns("baseline_", b),
    )
    blocked = gate(m, b)
    deciles = deciles.assign(model_version=version)
    if target.keyed:
        card["target"] = target.name
        deciles = deciles.assign(target=target.name)
    if blocked:
        card |= {"status": "withheld", "reason": blocked}
        return ChurnResult(card, deciles, target=target)
    final = model.fit(_snapshots(features, 1, 3), TIME_FEATURES, label)
    scoring_date = pd.Timestamp(current["snapshot_date"].iloc[0]).date() if len(current) else None
    predictions = _scored(
        current, model.predict(final, current, TIME_FEATURES), version, scoring_date, target
    )
    card |= {"status": "published", "is_published": True}
    return ChurnResult(card, deciles, predictions, target, model.parameters(final))


def static_frame(customers: pd.DataFrame) -> pd.DataFrame:
    """Cross-sectional features of customers without dates: tenure, value, segment dummies."""
    frame = pd.DataFrame({"customer_id": customers["customer_id"].astype(str)})
    tenure = pd.to_numeric(customers["tenure_months"], errors="coerce")
    value = pd.to_numeric(customers["reported_cltv"], errors="coerce")
    frame["tenure_days"] = tenure * 30.4375
    frame["reported_value"] = value
    frame["value_per_tenure_month"] = value / tenure.where(tenure > 0)
    segments = customers["segment"].fillna("unknown").astype(str)
    for name in sorted(segments.unique()):
        frame[f"segment_{name}"] = (segments == name).astype(float).to_numpy()
    frame[CHURN.label] = customers["is_churned"].astype(bool).to_numpy()
    return frame


def stratified_evaluation(
    frame: pd.DataFrame, seed: int = SPLIT_SEED
) -> tuple[evaluation.Figures, evaluation.Figures, pd.DataFrame, tuple[str, ...]]:
    """70/30 split stratified on the label; the model vs the tenure-only baseline."""
    features = STATIC_FEATURES + tuple(c for c in frame.columns if c.startswith("segment_"))
    train, holdout = train_test_split(
        frame, test_size=0.3, stratify=frame[CHURN.label], random_state=seed
    )
    m, b, deciles = _evaluate(train, holdout, features, ("tenure_days",))
    return m, b, deciles, features


def _static_split(
    con: duckdb.DuckDBPyConnection, version: str, now: dt.datetime, fingerprint: str
) -> ChurnResult | None:
    if not _exists(con, CUSTOMERS_RELATION):
        return None
    customers = con.execute(f"SELECT * FROM {CUSTOMERS_RELATION} WHERE is_churned IS NOT NULL").df()
    if customers.empty:
        return None
    frame = static_frame(customers)
    reason = _usable(frame[CHURN.label])
    common = {"split": "stratified_no_dates", "n_train": len(frame)}
    if reason:
        return ChurnResult(
            _card(version, now, fingerprint, status="not_available", reason=reason, **common)
        )
    m, b, deciles, features = stratified_evaluation(frame)
    card = _card(
        version,
        now,
        fingerprint,
        holdout_positives=m.positives,
        **common,
        features=",".join(features),
        n_holdout=m.n,
        reason="the export has no dates: stratified 70/30 split of customers, not a time split",
        **_figure_columns("", m),
        **_figure_columns("baseline_", b),
    )
    deciles = deciles.assign(model_version=version)
    blocked = gate(m, b)
    if blocked:
        card |= {"status": "withheld", "reason": blocked}
        return ChurnResult(card, deciles)
    final = model.fit(frame, features)
    active = frame[~frame[CHURN.label]]
    predictions = _scored(active, model.predict(final, active, features), version, None)
    card |= {"status": "published", "is_published": True}
    return ChurnResult(card, deciles, predictions)


def run_model(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    now: dt.datetime,
    fingerprint: str,
    shuffle_labels_seed: int | None = None,
) -> ChurnResult:
    """Train, evaluate, gate one target. `shuffle_labels_seed` permutes the labels (a check
    of the gate)."""
    version = f"{target.family}-{fingerprint[:8]}"
    result = None
    if _exists(con, FEATURES_RELATION):
        # A fixed row order: the label shuffle, ties in rankings and the bootstrap depend on it
        # (and the snapshots are slices of it). Only the columns the models use.
        columns = ", ".join(f'"{c}"' for c in _feature_columns(con, target))
        features = con.execute(
            f"SELECT {columns} FROM {FEATURES_RELATION} ORDER BY snapshot_index, customer_id"
        ).df()
        if shuffle_labels_seed is not None and target.label in features.columns:
            rng = np.random.default_rng(shuffle_labels_seed)
            for k in (1, 2, 3):
                rows = features["snapshot_index"] == k
                features.loc[rows, target.label] = rng.permutation(
                    features.loc[rows, target.label].to_numpy()
                )
        result = _time_split(features, version, now, fingerprint, target)
        if result is not None:
            result.as_of = _as_of(features)
    if result is None and target.static_fallback:
        result = _static_split(con, version, now, fingerprint)
    if result is None:
        reason = (
            "no dated customer history and no churned flag in the exports"
            if target.static_fallback
            else "no dated customer and contact history in the exports"
        )
        result = ChurnResult(
            _card(version, now, fingerprint, status="not_available", reason=reason), target=target
        )
    if target.keyed:
        result.card["target"] = target.name
    return result


def _feature_columns(con: duckdb.DuckDBPyConnection, target: Target) -> list[str]:
    schema, table = FEATURES_RELATION.split(".")
    present = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?",
            [schema, table],
        ).fetchall()
    }
    wanted = ("snapshot_index", "snapshot_date", "customer_id", *TIME_FEATURES, target.label)
    return [name for name in dict.fromkeys(wanted) if name in present]


def _as_of(features: pd.DataFrame) -> dt.date | None:
    dates = features.loc[features["snapshot_index"] == 0, "snapshot_date"]
    return pd.Timestamp(dates.iloc[0]).date() if len(dates) else None


def current_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The data's as-of date: snapshot 0 of the features (None without dated history)."""
    if not _exists(con, FEATURES_RELATION):
        return None
    (as_of,) = con.execute(
        f"SELECT max(snapshot_date) FROM {FEATURES_RELATION} WHERE snapshot_index = 0"
    ).fetchone()
    return as_of


def model_config(con: duckdb.DuckDBPyConnection, target: Target) -> str:
    """Digest of what the target's model is made of: family, label, features, regression,
    split seed and the feature model's columns with their types."""
    columns = _columns(con, FEATURES_RELATION) if _exists(con, FEATURES_RELATION) else []
    parts = [
        target.family,
        target.label,
        str(target.horizon_days),
        ",".join(TIME_FEATURES),
        model.describe(),
        f"split_seed={SPLIT_SEED};min_positives={MIN_POSITIVES}",
        ",".join(f"{name}:{kind}" for name, kind in columns),
    ]
    (digest,) = con.execute("SELECT md5(?)", ["|".join(parts)]).fetchone()
    return digest


def newest_run(
    con: duckdb.DuckDBPyConnection, schema: str, target: Target = CHURN
) -> tuple[str, dt.datetime] | None:
    """(model_version, trained_at) of the target's newest model card row, if any."""
    if not _exists(con, f"{schema}.{target.card_table}"):
        return None
    where = "WHERE target = ?" if target.keyed else ""
    return con.execute(
        f"SELECT model_version, trained_at FROM {schema}.{target.card_table} {where} "
        "ORDER BY trained_at DESC LIMIT 1",
        [target.name] if target.keyed else [],
    ).fetchone()


def score_current(
    con: duckdb.DuckDBPyConnection, target: Target, params: dict[str, object], version: str
) -> pd.DataFrame:
    """The target's predictions for every customer of snapshot 0 from a stored model: the
    same rows, order and deciles the training run's scoring gives."""
    columns = ", ".join(f'"{c}"' for c in ("customer_id", "snapshot_date", *TIME_FEATURES))
    current = con.execute(
        f"SELECT {columns} FROM {FEATURES_RELATION} WHERE snapshot_index = 0 ORDER BY customer_id"
    ).df()
    date = pd.Timestamp(current["snapshot_date"].iloc[0]).date() if len(current) else None
    risk = model.predict_with(params, current, TIME_FEATURES)
    return _scored(current, risk, version, date, target)


def run_churn_risk(
    con: duckdb.DuckDBPyConnection,
    now: dt.datetime,
    fingerprint: str,
    shuffle_labels_seed: int | None = None,
) -> ChurnResult:
    """`run_model` for the churn target."""
    return run_model(con, CHURN, now, fingerprint, shuffle_labels_seed)


def _create(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: dict[str, str]
) -> None:
    body = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({body})")


def _insert(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pd.DataFrame) -> None:
    if len(frame):
        con.register("churn_frame", frame)
        con.execute(f"INSERT INTO {schema}.{table} BY NAME SELECT * FROM churn_frame")
        con.unregister("churn_frame")


def create_tables(con: duckdb.DuckDBPyConnection, target: Target, schema: str) -> None:
    """The target's three tables, empty, if they do not exist yet."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _create(con, schema, target.card_table, card_columns(target))
    _create(con, schema, target.deciles_table, deciles_columns(target))
    _create(con, schema, target.predictions_table, predictions_columns(target))


def _replace_predictions(
    con: duckdb.DuckDBPyConnection, target: Target, predictions: pd.DataFrame, schema: str
) -> None:
    where = f"WHERE target = '{target.name}'" if target.keyed else ""
    con.execute(f"DELETE FROM {schema}.{target.predictions_table} {where}")
    _insert(con, schema, target.predictions_table, predictions[list(predictions_columns(target))])


def write_predictions(
    con: duckdb.DuckDBPyConnection, target: Target, predictions: pd.DataFrame, schema: str
) -> None:
    """Replace the target's predictions (a scoring run: card and calibration stay)."""
    create_tables(con, target, schema)
    con.execute("BEGIN TRANSACTION")
    try:
        _replace_predictions(con, target, predictions, schema)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_tables(con: duckdb.DuckDBPyConnection, result: ChurnResult, schema: str) -> None:
    """Append the card and calibration rows; replace the target's predictions only when
    published."""
    target = result.target
    create_tables(con, target, schema)
    con.execute("BEGIN TRANSACTION")
    try:
        _insert(con, schema, target.card_table, pd.DataFrame([result.card]))
        if len(result.deciles):
            _insert(
                con, schema, target.deciles_table, result.deciles[list(deciles_columns(target))]
            )
        if result.predictions is not None:
            _replace_predictions(con, target, result.predictions, schema)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
