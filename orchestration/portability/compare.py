"""Two builds of the same marts, model by model: same columns, same rows, same values.

Rows are matched after sorting both sides on every column (floating-point columns rounded for
the sort only); floating-point values are equal within a relative 1e-9 (with an absolute floor
of 1e-12 for values that are zero on one engine and a rounding residue on the other);
timestamps are compared in UTC; integer widths (DuckDB `integer`, Spark `int`/`bigint`) do not
matter, values do. A value the SQL rounds (`round(x, d)`) may come out one unit apart in its
last decimal when the unrounded value was a tie (0.8153125 to 6 places: DuckDB 0.815312, Spark
0.815313, which rounds the shortest decimal form half up): such a pair is noted, not a
difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.settings import MARTS_SCHEMA

REL_TOL = 1e-9
ABS_TOL = 1e-12
MAX_EXAMPLES = 3
ROUNDED_PLACES = range(1, 10)  # decimals a rounded tie is looked for at


@dataclass(frozen=True)
class MartComparison:
    """The verdict on one mart: its row counts on both engines and what differs."""

    model: str
    rows_duckdb: int | None
    rows_spark: int | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # ties rounded the other way

    @property
    def equal(self) -> bool:
        return not self.problems


def _normalize(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns=str.lower)
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            frame[name] = column.dt.tz_convert("UTC").dt.tz_localize(None)
    return frame


def _is_float(column: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(column.dtype)


def _sort_value(value: object, is_float: bool) -> tuple:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (0, "")
    if is_float:
        return (1, f"{float(value):.6e}")
    if isinstance(value, pd.Timestamp):
        return (1, value.isoformat())
    return (1, str(value))


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    floats = [_is_float(frame[c]) for c in columns]
    values = frame[columns].astype(object).where(frame[columns].notna(), None)
    rows = [tuple(r) for r in values.itertuples(index=False, name=None)]
    return sorted(
        rows, key=lambda r: tuple(_sort_value(v, f) for v, f in zip(r, floats, strict=True))
    )


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            x, y = float(a), float(b)
        except (TypeError, ValueError):
            return False
        return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def rounded_tie(duck: object, spark: object) -> bool:
    """Two roundings of one tie: DuckDB rounds the double's exact binary value, Spark the
    shortest decimal that reads back as the double, half up. When that decimal is a tie
    (0.8153125) but the binary value lies just below it (0.81531249999...), the two differ by
    one unit in the last place. True only for exactly that pair."""
    if not isinstance(duck, float) or not isinstance(spark, float) or duck == spark:
        return False
    a, b = Decimal(repr(duck)), Decimal(repr(spark))
    for places in ROUNDED_PLACES:
        unit = Decimal(1).scaleb(-places)
        if a != a.quantize(unit) or b != b.quantize(unit) or abs(a - b) != unit:
            continue
        tie = (a + b) / 2
        return (
            Decimal(float(tie)).quantize(unit, ROUND_HALF_UP) == a
            and tie.quantize(unit, ROUND_HALF_UP) == b
        )
    return False


def compare_frames(
    duck: pd.DataFrame, spark: pd.DataFrame, notes: list[str] | None = None
) -> list[str]:
    """What differs between two versions of one table (empty when they are equal). Values
    rounded the other way at a tie are not differences; they are added to `notes` if given."""
    duck, spark = _normalize(duck), _normalize(spark)
    missing = sorted(set(duck.columns) - set(spark.columns))
    extra = sorted(set(spark.columns) - set(duck.columns))
    problems = []
    if missing:
        problems.append(f"columns missing on Spark: {missing}")
    if extra:
        problems.append(f"columns only on Spark: {extra}")
    if len(duck) != len(spark):
        problems.append(f"{len(duck)} rows on DuckDB, {len(spark)} on Spark")
    if problems:
        return problems
    columns = list(duck.columns)
    for column in columns:
        if _is_float(spark[column]) and not _is_float(duck[column]):
            duck[column] = duck[column].astype("float64")
        if _is_float(duck[column]) and not _is_float(spark[column]):
            spark[column] = spark[column].astype("float64")
    differing: dict[str, list[str]] = {}
    ties: dict[str, list[str]] = {}
    for left, right in zip(_rows(duck, columns), _rows(spark, columns), strict=True):
        for name, a, b in zip(columns, left, right, strict=True):
            if not _same(a, b):
                examples = (ties if rounded_tie(a, b) else differing).setdefault(name, [])
                if len(examples) < MAX_EXAMPLES:
                    examples.append(f"{a!r} vs {b!r}")
    for name, examples in differing.items():
        problems.append(f"column {name} differs (DuckDB vs Spark): {'; '.join(examples)}")
    if notes is not None:
        notes.extend(
            f"column {name}: a tie rounded the other way (DuckDB vs Spark): {'; '.join(examples)}"
            for name, examples in ties.items()
        )
    return problems


def _spark_frame(con: duckdb.DuckDBPyConnection, folder: Path) -> pd.DataFrame | None:
    files = sorted(folder.glob("*.parquet"))
    if not files:
        return None
    return con.execute("select * from read_parquet(?)", [[str(f) for f in files]]).fetchdf()


def compare_marts(build_db: Path, spark_marts_dir: Path, models: list[str]) -> list[MartComparison]:
    """Each mart of `models` in `build_db` (DuckDB) against `spark_marts_dir/<model>/` (Spark)."""
    results = []
    with duckdb.connect(str(build_db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        for model in models:
            duck = con.execute(f'select * from {MARTS_SCHEMA}."{model}"').fetchdf()
            spark = _spark_frame(con, spark_marts_dir / model)
            if spark is None:
                results.append(MartComparison(model, len(duck), None, ["not built on Spark"]))
                continue
            notes: list[str] = []
            problems = compare_frames(duck, spark, notes)
            results.append(MartComparison(model, len(duck), len(spark), problems, notes))
    return results


def report(comparisons: list[MartComparison], non_portable: list[tuple[str, str]]) -> str:
    """A plain-text report: one line per mart, its differences, the non-portable models."""
    width = max((len(c.model) for c in comparisons), default=10)
    lines = [f"{'mart':<{width}}  {'DuckDB rows':>11}  {'Spark rows':>10}  verdict"]
    for c in comparisons:
        spark_rows = "-" if c.rows_spark is None else str(c.rows_spark)
        verdict = "equal" if c.equal else "DIFFERENT"
        lines.append(f"{c.model:<{width}}  {c.rows_duckdb:>11}  {spark_rows:>10}  {verdict}")
        lines.extend(f"    {p}" for p in [*c.problems, *c.notes])
    equal = sum(c.equal for c in comparisons)
    lines.append(f"{equal} of {len(comparisons)} marts equal on Spark and DuckDB.")
    if non_portable:
        lines.append("Models that run on DuckDB only:")
        lines.extend(f"  {name}: {reason}" for name, reason in non_portable)
    else:
        lines.append("Non-portable models: none.")
    return "\n".join(lines)
