"""Per-customer summaries for BG/NBD and Gamma-Gamma, computed in DuckDB SQL.

Orders are first collapsed to purchase days (several orders of one customer on one day are
one transaction, their amounts summed), as in Fader, Hardie & Lee's CDNOW analyses. For an
observation window ending on `calibration_end` (inclusive), per customer whose first
purchase day is on or before it:

- `frequency` x: purchase days after the first one, up to `calibration_end`;
- `recency` t_x: time from the first to the last purchase day, in `unit_days` units;
- `T`: time from the first purchase day to `calibration_end`, in the same units;
- `monetary_value` m_x: mean amount of the repeat purchase days (NULL when x = 0);
- `holdout_purchases`: purchase days in (`calibration_end`, `holdout_end`] when given.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

SUMMARY_COLUMNS = (
    "customer_id",
    "first_purchase",
    "last_purchase",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "revenue",
    "holdout_purchases",
)


def summarize(
    con: duckdb.DuckDBPyConnection,
    orders_sql: str,
    calibration_end: dt.date,
    unit_days: float,
    holdout_end: dt.date | None = None,
) -> pd.DataFrame:
    """One row per customer, ordered by customer id.

    `orders_sql` is a query (or table name) with columns `customer_id`, `ordered_at` (a
    date or timestamp) and `amount`; rows with a missing customer, date or amount are ignored.
    """
    if unit_days <= 0:
        raise ValueError("unit_days must be positive")
    end = holdout_end or calibration_end
    if end < calibration_end:
        raise ValueError("holdout_end must not be before calibration_end")
    query = f"""
        WITH orders AS (
            SELECT CAST(customer_id AS VARCHAR) AS customer_id,
                   CAST(ordered_at AS DATE) AS day,
                   -- exact decimal sums: a double sum's last bits depend on DuckDB's
                   -- threads, and the fits downstream amplify them (DECISIONLOG)
                   CAST(amount AS DECIMAL(18, 4)) AS amount
            FROM ({orders_sql}) AS source
            WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL AND amount IS NOT NULL
        ),
        days AS (
            SELECT customer_id, day, sum(amount) AS amount
            FROM orders WHERE day <= $end GROUP BY customer_id, day
        ),
        calibration AS (
            SELECT customer_id, min(day) AS first_purchase, max(day) AS last_purchase,
                   count(*) - 1 AS frequency, sum(amount) AS revenue
            FROM days WHERE day <= $calibration_end GROUP BY customer_id
        )
        SELECT c.customer_id, c.first_purchase, c.last_purchase,
               c.frequency::INTEGER AS frequency,
               date_diff('day', c.first_purchase, c.last_purchase) / $unit AS recency,
               date_diff('day', c.first_purchase, $calibration_end) / $unit AS "T",
               CAST(avg(d.amount) FILTER (
                   WHERE d.day > c.first_purchase AND d.day <= $calibration_end
               ) AS DOUBLE) AS monetary_value,
               CAST(c.revenue AS DOUBLE) AS revenue,
               count(*) FILTER (WHERE d.day > $calibration_end)::INTEGER AS holdout_purchases
        FROM calibration AS c JOIN days AS d USING (customer_id)
        GROUP BY ALL
        ORDER BY c.customer_id
    """
    params = {"end": end, "calibration_end": calibration_end, "unit": float(unit_days)}
    return con.execute(query, params).df()
