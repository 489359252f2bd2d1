"""Measure on the generated business what the ground truth reports.

Measurements are DuckDB SQL over the canonical rows that ingestion will load (the
quarantined messy rows left out), so the pipeline's marts can be compared with them.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from empathy_devtools.demo.messy_rows import MessyRows
from empathy_devtools.demo.world import World

_KEYS = {"survey_responses": "response_id", "orders": "order_id"}
_TABLES = (
    "customers", "orders", "interactions", "cancellations", "survey_responses", "exit_surveys",
    "reviews", "social_mentions", "employees", "pulse_surveys", "empathy_assessments", "trainings",
)  # fmt: skip
TOP2 = "avg(CASE WHEN score >= 4 THEN 1.0 ELSE 0.0 END)"


def records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    """Query result rows as JSON-ready dicts (floats rounded to 4 decimals, NaN as None)."""
    frame = con.execute(sql).df()
    return [
        {
            k: (None if pd.isna(v) else round(v, 4) if isinstance(v, float) else v)
            for k, v in row.items()
        }
        for row in frame.to_dict(orient="records")
    ]


def one(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, object]:
    """The single result row of a query."""
    return records(con, sql)[0]


def difference(a: object, b: object) -> float | None:
    """a - b, or None when either is missing."""
    return None if a is None or b is None else round(float(a) - float(b), 4)


def connect(world: World, messy: list[MessyRows]) -> duckdb.DuckDBPyConnection:
    """An in-memory database with every canonical table, quarantined messy rows left out."""
    con = duckdb.connect()
    for table in _TABLES:
        frame = getattr(world, table)
        dropped = {
            i for m in messy if m.entity == table and m.outcome == "quarantined" for i in m.ids
        }
        if dropped:
            frame = frame[~frame[_KEYS[table]].isin(dropped)]
        con.register(f"{table}_frame", frame)
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM {table}_frame")
    return con


def headline_metrics(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Overall CSAT, NPS and CES of the rows ingestion will load."""
    promoters, detractors = "count(*) FILTER (score >= 9)", "count(*) FILTER (score <= 6)"
    return {
        "csat": one(
            con,
            f"""SELECT count(*) AS n, {TOP2} AS top2_share, avg(score) AS mean
                FROM survey_responses WHERE survey_type = 'csat'""",
        ),
        "nps": one(
            con,
            f"""SELECT count(*) AS n, {promoters} AS promoters,
                       count(*) FILTER (score BETWEEN 7 AND 8) AS passives,
                       {detractors} AS detractors,
                       100.0 * ({promoters} - {detractors}) / count(*) AS nps
                FROM survey_responses WHERE survey_type = 'nps'""",
        ),
        "ces": one(
            con,
            """SELECT count(*) AS n, any_value(ces_scale) AS scale,
                      avg(CASE WHEN score >= 5 THEN 1.0 ELSE 0.0 END) AS easy_share,
                      avg(score) AS mean
               FROM survey_responses WHERE survey_type = 'ces'""",
        ),
    }


def staff_praise(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Texts that name a frontline employee by display name, per text column."""
    names = con.execute(
        "SELECT string_agg(regexp_escape(display_name), '|') FROM employees WHERE is_frontline"
    ).fetchone()[0]
    pattern = names.replace("'", "''")
    texts = {"review_text": "reviews", "comment": "survey_responses", "transcript": "interactions"}
    return {
        column: con.execute(
            f"SELECT count(*) FROM {table} WHERE regexp_matches({column}, '{pattern}')"
        ).fetchone()[0]
        for column, table in texts.items()
    }
