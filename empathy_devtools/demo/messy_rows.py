"""A few messy rows, as real exports have them, each recorded with its expected outcome.

Kinds (about one row in 2,000 of the file each, at least one in a file of 200 rows or more):
a blank required field, an unparseable date, an out-of-range score, a duplicated id, and
category spelling variants that the contract's lower-case/trim acceptance absorbs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from empathy_devtools.demo.exports import Export

ROWS_PER_MESSY_ROW = 2000
MIN_ROWS = 200  # smaller files stay clean, so messy rows stay well under 1%
_KEYS = {"survey_responses": "response_id", "orders": "order_id", "interactions": "interaction_id"}


@dataclass(frozen=True)
class MessyRows:
    """One kind of messy row planted in one file."""

    kind: str
    file: str
    entity: str
    column: str  # canonical column
    export_column: str
    ids: list[str]  # business keys of the affected rows
    outcome: str  # "quarantined", "one copy quarantined" or "loaded"
    reason: str

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def rows_quarantined(self) -> int:
        """Rows of the file that ingestion must quarantine for this kind."""
        return 0 if self.outcome == "loaded" else self.count

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"count": self.count, "rows_quarantined": self.rows_quarantined}


def _record(
    kind: str, export: Export, column: str, rows: np.ndarray, outcome: str, reason: str
) -> MessyRows:
    key = export.export_column(_KEYS[export.entity])
    ids = export.frame[key].iloc[rows].astype(str).tolist()
    return MessyRows(
        kind, export.path, export.entity, column, export.export_column(column), ids, outcome, reason
    )


def _count(export: Export) -> int:
    rows = len(export.frame)
    return 0 if rows < MIN_ROWS else max(1, rows // ROWS_PER_MESSY_ROW)


def _take(rng: np.random.Generator, candidates: np.ndarray, taken: set[int], k: int) -> np.ndarray:
    free = np.setdiff1d(candidates, np.fromiter(taken, dtype=int, count=len(taken)))
    rows = np.sort(rng.choice(free, min(k, len(free)), replace=False))
    taken.update(rows.tolist())
    return rows


def _surveys(rng: np.random.Generator, export: Export) -> list[MessyRows]:
    """A blank score, a CSAT of 6, and responses exported twice."""
    frame, k, taken = export.frame, _count(export), set()
    score = export.export_column("score")
    every = np.arange(len(frame))
    blank = _take(rng, every, taken, k)
    csat = _take(
        rng, np.flatnonzero(frame[export.export_column("survey_type")] == "CSAT"), taken, k
    )
    twice = _take(rng, every, taken, k)
    frame.loc[blank, score] = pd.NA
    frame.loc[csat, score] = 6
    records = [
        _record("blank_required_field", export, "score", blank, "quarantined", "score is blank"),
        _record(
            "out_of_range_score", export, "score", csat, "quarantined", "CSAT 6 is outside 1-5"
        ),
        _record(
            "duplicate_id",
            export,
            "response_id",
            twice,
            "one copy quarantined",
            "the same response exported twice: one copy loads, the other is quarantined as a "
            "duplicate business key",
        ),
    ]
    export.frame = pd.concat([frame, frame.iloc[twice]], ignore_index=True)
    return records


def _orders(rng: np.random.Generator, export: Export) -> list[MessyRows]:
    """Day-first dates (day > 12) slipped into a month-first column."""
    column = export.export_column("ordered_at")
    dates = export.frame[column]
    day_over_12 = np.flatnonzero(dates.str.slice(3, 5).astype(int).to_numpy() > 12)
    rows = _take(rng, day_over_12, set(), _count(export))
    picked = dates.iloc[rows]
    swapped = picked.str.slice(3, 5) + "/" + picked.str.slice(0, 2) + picked.str.slice(5)
    export.frame.loc[rows, column] = swapped
    reason = "day-first date in a month-first column (month > 12)"
    return [_record("unparseable_date", export, "ordered_at", rows, "quarantined", reason)]


def _tickets(rng: np.random.Generator, export: Export) -> list[MessyRows]:
    """'Phone ' and 'EMAIL': accepted after trimming and lower-casing."""
    column, k, taken = export.export_column("channel"), _count(export), set()
    records = []
    for value, variant in (("phone", "Phone "), ("email", "EMAIL")):
        rows = _take(rng, np.flatnonzero((export.frame[column] == value).to_numpy()), taken, k)
        export.frame.loc[rows, column] = variant
        reason = f"channel written {variant!r}: accepted as {value!r} after trim and lower-case"
        records.append(_record("category_variant", export, "channel", rows, "loaded", reason))
    return records


def plant_messy_rows(rng: np.random.Generator, exports: list[Export]) -> list[MessyRows]:
    """Mutate the export frames in place; return what was planted where."""
    planters = {"survey_responses": _surveys, "orders": _orders, "interactions": _tickets}
    records: list[MessyRows] = []
    for export in exports:
        if export.entity in planters and _count(export):
            records += planters[export.entity](rng, export)
    return records
