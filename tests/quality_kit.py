"""Helpers of the quality-gate and publication tests: a small synthetic build database.

The marts have the columns of the real dbt models, a few rows each, so the real suites in
`expectations/marts/` apply; `DEFECTS` plant the three kinds of bad data the gate must stop.
`gated_assets()` is the publication path of the pipeline with no-op stand-ins for dbt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.publish.asset import build_serving_asset
from orchestration.publish.gate import blocking_checks_on
from orchestration.quality.checks import build_mart_checks
from orchestration.settings import Settings

MART_TABLES = ("fct_csat", "fct_nps", "fct_ces")
MART_KEYS = [dg.AssetKey(["marts", table]) for table in MART_TABLES]

# grain, grain_value, period_start, n, and the counts each mart derives its rates from.
_ROWS = """
    ('overall', 'all', NULL, 120, 70, 20),
    ('month', '2024-01-01', '2024-01-01', 60, 36, 9),
    ('month', '2024-02-01', '2024-02-01', 60, 34, 11),
    ('day', '2024-02-28', '2024-02-28', 4, 2, 1)
"""

_MARTS_SQL = f"""
CREATE SCHEMA IF NOT EXISTS marts;
CREATE OR REPLACE TEMP VIEW grains AS
SELECT grain, grain_value, period_start::DATE AS period_start, n, hi, lo
FROM (VALUES {_ROWS}) AS t(grain, grain_value, period_start, n, hi, lo);

CREATE OR REPLACE TABLE marts.fct_csat AS
SELECT grain, grain_value, period_start, n, hi AS n_top2,
       lo AS n_score_1, 0 AS n_score_2, n - hi - lo AS n_score_3,
       hi - 1 AS n_score_4, 1 AS n_score_5,
       hi / n AS csat_top2_share,
       greatest(hi / n - 0.1, 0) AS csat_top2_share_ci_low,
       least(hi / n + 0.1, 1) AS csat_top2_share_ci_high,
       3.0 * n AS score_sum, 10.0 * n AS score_sum_of_squares,
       3.4 AS csat_mean, 3.1 AS csat_mean_ci_low, 3.7 AS csat_mean_ci_high,
       n >= 30 AS is_reportable
FROM grains;

CREATE OR REPLACE TABLE marts.fct_nps AS
SELECT grain, grain_value, period_start, n, hi AS n_promoters, n - hi - lo AS n_passives,
       lo AS n_detractors, hi / n AS promoter_share, (n - hi - lo) / n AS passive_share,
       lo / n AS detractor_share, 100 * (hi - lo) / n AS nps,
       greatest(100 * (hi - lo) / n - 15, -100) AS nps_ci_low,
       least(100 * (hi - lo) / n + 15, 100) AS nps_ci_high,
       n >= 30 AS is_reportable
FROM grains;

CREATE OR REPLACE TABLE marts.fct_ces AS
SELECT grain, grain_value, period_start, 'agree_1_7' AS ces_scale, n, hi AS n_easy,
       n AS n_agree_1_7, 0 AS n_effort_1_5, hi / n AS ces_easy_share,
       greatest(hi / n - 0.1, 0) AS ces_easy_share_ci_low,
       least(hi / n + 0.1, 1) AS ces_easy_share_ci_high,
       5.0 * n AS score_sum, 27.0 * n AS score_sum_of_squares,
       5.0 AS ces_mean, 4.7 AS ces_mean_ci_low, 5.3 AS ces_mean_ci_high,
       n >= 30 AS is_reportable
FROM grains;

CREATE SCHEMA IF NOT EXISTS ingest;
CREATE TABLE IF NOT EXISTS ingest.ledger (
    seq BIGINT, file_hash VARCHAR, file_path VARCHAR, source VARCHAR, entity VARCHAR,
    status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
    finished_at TIMESTAMP
);
"""

# The three kinds of bad data of the acceptance test, each with the check that must name it.
DEFECTS = {
    "out_of_range_scores": (
        "UPDATE marts.fct_csat SET csat_mean = 6.2, csat_mean_ci_low = 5.9, "
        "csat_mean_ci_high = 6.5 WHERE grain = 'month'",
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_csat"]), "gx_csat_mean_in_range"),
    ),
    "duplicate_keys": (
        "INSERT INTO marts.fct_nps SELECT * FROM marts.fct_nps WHERE grain = 'month'",
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_nps"]), "gx_keys_unique"),
    ),
    "stale_source": (
        "UPDATE marts.fct_ces SET period_start = period_start - INTERVAL 120 DAY, "
        "grain_value = strftime(period_start - INTERVAL 120 DAY, '%Y-%m-%d') "
        "WHERE period_start IS NOT NULL",
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_ces"]), "gx_fresh_vs_newest_data"),
    ),
}


def write_build_db(settings: Settings, defect: str | None = None, export: str = "a") -> None:
    """(Re)write the synthetic marts, optionally with a defect, and log one loaded export."""
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute(_MARTS_SQL)
        if defect is not None:
            con.execute(DEFECTS[defect][0])
        file_hash = hashlib.sha256(export.encode()).hexdigest()
        con.execute(
            "INSERT INTO ingest.ledger SELECT coalesce(max(seq), 0) + 1, ?, ?, 'surveys', "
            "'survey_responses', 'loaded', 10, 10, 0, now() FROM ingest.ledger "
            "WHERE NOT EXISTS (SELECT 1 FROM ingest.ledger WHERE file_hash = ?)",
            [file_hash, f"surveys/export_{export}.csv", file_hash],
        )


def _stand_in(key: dg.AssetKey) -> dg.AssetsDefinition:
    @dg.asset(key=key, group_name="tier1_fundamentals")
    def mart() -> None:
        """Stands in for the dbt model; the test wrote its table already."""

    return mart


def gated_assets() -> list[dg.AssetsDefinition]:
    """Stand-in marts, their GX checks and the publication asset."""
    checks = build_mart_checks(MART_KEYS)
    serving = build_serving_asset(MART_KEYS, blocking_checks_on(MART_KEYS, [checks]))
    return [*(_stand_in(key) for key in MART_KEYS), checks, serving]


def run_gated(instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialize marts, checks and publication once, like the pipeline's last steps."""
    return dg.materialize(gated_assets(), instance=instance, raise_on_error=False)


def publication_log(path: Path) -> list[tuple]:
    """The publication log of a serving (or version) file."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM publication_log ORDER BY version").fetchall()
