"""Helpers of the scorecard tests: a published serving file with planted, known numbers.

The marts are created with the columns and types of the real dbt models (read from their
YAML contracts in `dbt_project/models/marts/`), filled with a small planted data set, and
published by the real publication code, so the scorecard reads exactly what it reads in
production. Planted: a Tuesday CSAT dip flagged as significant, a significant NPS rise in the
latest month, a non-significant CSAT move (no arrow), a significant CSAT dip months ago (no
longer news), no CES survey at all (counted as 0, coverage 80%), an index rising 2.4 points
a month (not a significant change) with NPS its largest mover, and a quote with markup that
must be escaped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
import yaml

from orchestration.ingest.tables import LEDGER, ensure_tables
from orchestration.publish.serving import Publication, publish
from orchestration.settings import DBT_PROJECT_DIR, MARTS_SCHEMA, Settings

LATEST_MONTH = "2025-06-01"
LATEST_DAY = "2025-06-28"
HEADLINE_INDEX = "70"  # June 2025, the reporting month: 56 + 2.4 x 6
NPS_LATEST = 42.0
NPS_RISE = 14.0
TUESDAY_SHARE = 0.55
CES_REASON = "no CES survey responses in the exports"
PRAISED_AGENT = "agt_0a1b2c3d4e5f6a7b"
SOURCE_FILES = 3
CHECKS_PASSED = (
    "marts/fct_csat:gx_fct_csat",
    "marts/fct_csat:not_null_fct_csat_grain",
    "raw/reviews:gx_file_batches",
)

_KPIS = """
    ('csat_top2_share', 'CSAT: share of customers satisfied (4-5 of 5)', 'tier1_fundamentals',
        'share', 0.80, 0.70, 'Head of Customer Service', 0.76, 600),
    ('csat_mean', 'CSAT: average score (1-5)', 'tier1_fundamentals',
        'score_1_5', 4.2, 3.8, 'Head of Customer Service', 4.05, 600),
    ('nps', 'Net Promoter Score', 'tier1_fundamentals',
        'points', 30, 0, 'Managing Director', 42.0, 300),
    ('ces_easy_share', 'CES: share who found it easy', 'tier1_fundamentals',
        'share', 0.75, 0.60, 'Head of Operations', NULL, NULL),
    ('net_sentiment', 'Net sentiment of customer texts', 'tier1_fundamentals',
        'share_difference', 0.30, 0.10, 'Head of Marketing', 0.21, 900),
    ('empathy_language_ratio', 'Empathy language: positive share of empathy words',
        'tier1_fundamentals', 'share', 0.70, 0.55, 'Head of Customer Service', 0.64, 400),
    ('empathy_index', 'Company-wide empathy index (0-100)', 'empathy_index',
        'index_0_100', 75, 60, 'Managing Director', 68.5, 4)
"""

_PLANT_SQL = f"""
-- KPIs: (kpi, label, tier, unit, target, amber, owner, latest value, latest n)
CREATE TEMP TABLE kpis AS SELECT * FROM (VALUES {_KPIS})
    AS t(kpi, kpi_label, tier, unit, target, amber_threshold, owner, latest_value, latest_n);
CREATE TEMP TABLE months AS
    SELECT range::DATE AS period_start, row_number() OVER (ORDER BY range) AS k
    FROM range(DATE '2025-01-01', DATE '{LATEST_MONTH}' + INTERVAL 1 MONTH, INTERVAL 1 MONTH);

-- Survey marts: CSAT at every grain the scorecard charts; NPS overall and by month; no CES.
CREATE TEMP TABLE csat_groups AS SELECT * FROM (VALUES
    ('overall', 'overall', NULL, 600, 456), ('day', '{LATEST_DAY}', '{LATEST_DAY}', 12, 9),
    ('weekday', '1-Monday', NULL, 90, 74), ('weekday', '2-Tuesday', NULL, 100, 55),
    ('weekday', '3-Wednesday', NULL, 90, 73), ('weekday', '4-Thursday', NULL, 80, 66),
    ('weekday', '5-Friday', NULL, 90, 72), ('weekday', '6-Saturday', NULL, 80, 65),
    ('weekday', '7-Sunday', NULL, 70, 51),
    ('channel', 'phone', NULL, 250, 205), ('channel', 'email', NULL, 200, 148),
    ('channel', 'chat', NULL, 140, 98), ('channel', 'social', NULL, 10, 5),
    ('team', 'Team North', NULL, 320, 250), ('team', 'Team South', NULL, 280, 206),
    ('location', 'Leeds', NULL, 300, 240), ('location', 'York', NULL, 260, 190),
    ('location', 'unknown', NULL, 40, 26),
    ('handled_by', 'agent', NULL, 450, 365), ('handled_by', 'bot', NULL, 150, 91)
) AS t(grain, grain_value, period_start, n, n_top2);
INSERT INTO csat_groups
    SELECT 'month', strftime(period_start, '%Y-%m-%d'), period_start, 100, 74 + k FROM months;
INSERT INTO {MARTS_SCHEMA}.fct_csat BY NAME
    SELECT grain, grain_value, period_start::DATE AS period_start, n, n_top2,
        n_top2 / n AS csat_top2_share,
        greatest(n_top2 / n - 0.05, 0) AS csat_top2_share_ci_low,
        least(n_top2 / n + 0.05, 1) AS csat_top2_share_ci_high,
        n >= 30 AS is_reportable
    FROM csat_groups;
INSERT INTO {MARTS_SCHEMA}.fct_nps BY NAME
    SELECT 'month' AS grain, strftime(period_start, '%Y-%m-%d') AS grain_value, period_start,
        50 AS n, CASE WHEN k = 6 THEN {NPS_LATEST} ELSE {NPS_LATEST - NPS_RISE} END AS nps,
        true AS is_reportable
    FROM months;

-- KPI values by month and overall; CES has none.
INSERT INTO {MARTS_SCHEMA}.fct_kpi_values BY NAME
    SELECT kpi, 'month' AS grain, strftime(period_start, '%Y-%m-%d') AS period, period_start,
        latest_value AS value, latest_n AS n, latest_value * 0.9 AS ci_low,
        latest_value * 1.1 AS ci_high, true AS is_reportable
    FROM kpis CROSS JOIN months
    WHERE latest_value IS NOT NULL AND kpi <> 'empathy_index';
INSERT INTO {MARTS_SCHEMA}.dim_kpis BY NAME
    SELECT kpi, kpi_label, tier, unit, 'higher_is_better' AS direction, owner, target,
        amber_threshold,
        CASE WHEN latest_value IS NOT NULL THEN '{LATEST_MONTH}' END AS latest_period,
        CASE WHEN latest_value IS NOT NULL THEN DATE '{LATEST_MONTH}' END AS latest_period_start,
        latest_value, latest_n,
        CASE WHEN latest_value IS NULL THEN 'no_data'
             WHEN latest_value >= target THEN 'green'
             WHEN latest_value >= amber_threshold THEN 'amber' ELSE 'red' END AS status,
        CASE WHEN latest_value IS NULL THEN '{CES_REASON}' END AS status_reason
    FROM kpis;

-- Alerts: two significant moves, one that is not, and an old one that is no news.
INSERT INTO {MARTS_SCHEMA}.fct_metric_alerts BY NAME SELECT * FROM (VALUES
    ('csat_top2_share', 'weekday', '2-Tuesday', NULL, 'other_weekdays', 'other weekdays',
        100, 500, {TUESDAY_SHARE}, 0.80, {TUESDAY_SHARE} - 0.80, -5.5, 0.00001, 0.0002, true,
        'down'),
    ('nps', 'month', '{LATEST_MONTH}', DATE '{LATEST_MONTH}', 'previous_month', '2025-05-01',
        50, 50, {NPS_LATEST}, {NPS_LATEST - NPS_RISE}, {NPS_RISE}, 3.9, 0.0001, 0.001, true,
        'up'),
    ('csat_top2_share', 'month', '{LATEST_MONTH}', DATE '{LATEST_MONTH}', 'previous_month',
        '2025-05-01', 100, 100, 0.80, 0.79, 0.01, 0.2, 0.84, 1.0, false, 'up'),
    ('csat_top2_share', 'month', '2025-03-01', DATE '2025-03-01', 'previous_month',
        '2025-02-01', 100, 100, 0.70, 0.82, -0.12, -3.0, 0.002, 0.01, true, 'down')
) AS t(metric, grain, grain_value, period_start, comparison, baseline_grain_value, n,
       baseline_n, value, baseline_value, difference, z, p_value, p_value_adjusted,
       is_significant, direction);

-- The index: four of five components measured (CES counted as 0), an upward trend.
INSERT INTO {MARTS_SCHEMA}.fct_empathy_index_components BY NAME
    SELECT p.period, p.period_start, c.component, c.pillar, k.latest_value AS raw_value,
        k.latest_n AS n, CASE WHEN k.latest_value IS NOT NULL THEN p.period END AS value_period,
        CASE WHEN k.latest_value IS NOT NULL THEN 'measured' ELSE 'no_data' END AS basis,
        CASE WHEN k.latest_value IS NOT NULL THEN 70.0 ELSE 0.0 END AS score,
        CASE WHEN k.latest_value IS NOT NULL THEN 66.0 ELSE 0.0 END AS score_ci_low,
        CASE WHEN k.latest_value IS NOT NULL THEN 74.0 ELSE 0.0 END AS score_ci_high,
        c.weight, c.weight AS weight_share,
        c.weight * CASE WHEN k.latest_value IS NOT NULL THEN 70.0 ELSE 0.0 END AS contribution,
        k.target, k.amber_threshold, k.owner,
        CASE WHEN k.latest_value IS NOT NULL THEN 'amber' END AS status,
        k.latest_value IS NOT NULL AS is_available,
        CASE WHEN k.latest_value IS NULL THEN '{CES_REASON}; counted as 0' END
            AS unavailable_reason
    FROM (SELECT strftime(period_start, '%Y-%m-%d') AS period, period_start FROM months
          UNION ALL SELECT 'overall', NULL) AS p
    CROSS JOIN (VALUES ('csat_top2_share', 'customer_feeling', 0.30),
        ('nps', 'relationship_outcomes', 0.20), ('ces_easy_share', 'service_delivery', 0.20),
        ('net_sentiment', 'voice_of_the_customer', 0.15),
        ('empathy_language_ratio', 'voice_of_the_customer', 0.15)) AS c(component, pillar, weight)
    JOIN kpis AS k ON k.kpi = c.component;
INSERT INTO {MARTS_SCHEMA}.fct_empathy_index BY NAME
    SELECT period, period_start, index_value, index_value - 3 AS index_ci_low,
        index_value + 3 AS index_ci_high,
        CASE WHEN index_value >= 75 THEN 'green' WHEN index_value >= 60 THEN 'amber'
             ELSE 'red' END AS band,
        'published' AS status, 0.8 AS coverage, 0.7 AS coverage_floor,
        4 AS n_components_used, 5 AS n_components_configured,
        'csat_top2_share, empathy_language_ratio, net_sentiment, nps' AS components_used,
        'ces_easy_share' AS components_missing,
        period <> 'overall' AS is_complete_period,
        coalesce(period = '{LATEST_MONTH}', false) AS is_latest,
        CASE WHEN k > 1 THEN strftime(period_start - INTERVAL 1 MONTH, '%Y-%m-%d') END
            AS previous_period,
        CASE WHEN k > 1 THEN 2.4 END AS change,
        CASE WHEN k > 1 THEN -0.6 END AS change_ci_low,
        CASE WHEN k > 1 THEN 5.4 END AS change_ci_high,
        CASE WHEN k > 1 THEN false END AS change_is_significant,
        CASE WHEN k > 1 THEN 'flat' END AS change_direction
    FROM (SELECT strftime(period_start, '%Y-%m-%d') AS period, period_start, k,
              56.0 + 2.4 * k AS index_value FROM months
          UNION ALL SELECT 'overall', NULL, NULL, 64.0);
INSERT INTO {MARTS_SCHEMA}.fct_empathy_index_changes BY NAME SELECT * FROM (VALUES
    ('{LATEST_MONTH}', DATE '{LATEST_MONTH}', '2025-05-01', 'nps', 1.6, 1),
    ('{LATEST_MONTH}', DATE '{LATEST_MONTH}', '2025-05-01', 'csat_top2_share', 0.8, 2)
) AS t(period, period_start, previous_period, component, contribution_to_change, mover_rank);

-- Accountability: one overdue commitment, one on time; two departments.
INSERT INTO {MARTS_SCHEMA}.fct_commitments BY NAME SELECT * FROM (VALUES
    ('C-1', 'ces_easy_share', 'CES: share who found it easy', 'Publish a billing FAQ',
        'Head of Operations', DATE '2025-06-15', 'in_progress', 'no_data', DATE '{LATEST_DAY}',
        true, 13),
    ('C-2', 'nps', 'Net Promoter Score', 'Call back every detractor', 'Managing Director',
        DATE '2025-09-30', 'open', 'green', DATE '{LATEST_DAY}', false, NULL)
) AS t(commitment_id, kpi, kpi_label, action, owner, due_date, status, kpi_status, as_of_date,
       is_overdue, days_overdue);
INSERT INTO {MARTS_SCHEMA}.fct_customer_centricity BY NAME SELECT * FROM (VALUES
    ('Customer Service', DATE '{LATEST_MONTH}', 3, 1, 1 / 3, 0.06, 0.79, 427, 329, 0.77, 0.73,
        0.81, true, 2, 55.2),
    ('Operations', DATE '{LATEST_MONTH}', 1, 0, 0.0, 0.0, 0.79, 0, 0, NULL, NULL, NULL, false,
        1, 0.0)
) AS t(department, reporting_month, n_kpis_with_status, n_kpis_on_target, kpi_on_target_share,
       kpi_on_target_share_ci_low, kpi_on_target_share_ci_high, n_csat_answers, n_csat_top2,
       contacts_csat_top2_share, contacts_csat_top2_share_ci_low,
       contacts_csat_top2_share_ci_high, contacts_csat_is_reportable, n_proxies,
       centricity_score);

-- Voice of the customer.
INSERT INTO {MARTS_SCHEMA}.fct_verbatims BY NAME SELECT * FROM (VALUES
    ('reviews', 'staff', 'positive', 1, 'h1', DATE '2025-06-20', 0.9, 'staff',
        'Our agent [name] was so caring and helpful.'),
    ('survey_responses', 'no_topic', 'positive', 1, 'h2', DATE '2025-06-02', 0.7, NULL,
        'Quick and kind, thank you.'),
    ('reviews', 'billing', 'negative', 1, 'h3', DATE '2025-06-25', -0.8, 'billing',
        'Charged twice and nobody called back, call me on [phone].'),
    ('interactions', 'wait_time', 'negative', 1, 'h4', DATE '2025-05-30', -0.6, 'wait_time',
        'On hold for forty minutes <script>alert(1)</script>')
) AS t(source_entity, topic, polarity, verbatim_rank, text_hash, text_date, sentiment_score,
       topics, masked_text);
INSERT INTO {MARTS_SCHEMA}.fct_staff_recognition BY NAME SELECT * FROM (VALUES
    ('{PRAISED_AGENT}', 'Team North', 9, 8, 1, 1,
        'Our agent [name] was so caring and helpful. | Thanks a lot'),
    ('agt_ffeeddccbbaa9988', 'Team South', 4, 3, 0, 2, 'She understood me'),
    ('agt_1111222233334444', 'Team South', 2, 0, 2, 3, NULL)
) AS t(agent_key, team, n_mentions, praise_count, negative_mentions, recognition_rank,
       example_verbatims);
"""

# Removing the surveys: what the marts hold when the exports have no survey at all.
_WITHOUT_SURVEYS_SQL = f"""
DELETE FROM {MARTS_SCHEMA}.fct_csat; DELETE FROM {MARTS_SCHEMA}.fct_nps;
DELETE FROM {MARTS_SCHEMA}.fct_ces;
DELETE FROM {MARTS_SCHEMA}.fct_metric_alerts;
DELETE FROM {MARTS_SCHEMA}.fct_kpi_values WHERE kpi IN ('csat_top2_share', 'csat_mean', 'nps');
UPDATE {MARTS_SCHEMA}.dim_kpis SET latest_period = NULL, latest_period_start = NULL,
    latest_value = NULL, latest_n = NULL, status = 'no_data',
    status_reason = CASE kpi
        WHEN 'nps' THEN 'no NPS survey responses in the exports'
        WHEN 'ces_easy_share' THEN '{CES_REASON}'
        ELSE 'no CSAT survey responses in the exports' END
    WHERE kpi IN ('csat_top2_share', 'csat_mean', 'nps', 'ces_easy_share');
UPDATE {MARTS_SCHEMA}.fct_empathy_index_components SET raw_value = NULL, n = NULL,
    value_period = NULL, basis = 'no_data', score = 0, score_ci_low = 0, score_ci_high = 0,
    contribution = 0, status = NULL, is_available = false,
    unavailable_reason = CASE component
        WHEN 'nps' THEN 'no NPS survey responses in the exports'
        WHEN 'ces_easy_share' THEN '{CES_REASON}'
        ELSE 'no CSAT survey responses in the exports' END || '; counted as 0'
    WHERE component IN ('csat_top2_share', 'nps', 'ces_easy_share');
UPDATE {MARTS_SCHEMA}.fct_empathy_index SET coverage = 0.3, index_value = NULL,
    index_ci_low = NULL, index_ci_high = NULL, band = NULL, status = 'not_enough_data',
    status_reason = 'coverage 30% of the configured weight, below the floor of 70%; missing: '
        || 'ces_easy_share, csat_top2_share, nps',
    previous_period = NULL, change = NULL, change_ci_low = NULL, change_ci_high = NULL,
    change_is_significant = NULL, change_direction = NULL,
    components_used = 'empathy_language_ratio, net_sentiment',
    components_missing = 'ces_easy_share, csat_top2_share, nps';
DELETE FROM {MARTS_SCHEMA}.fct_empathy_index_changes;
"""


def mart_contracts() -> dict[str, list[tuple[str, str]]]:
    """Every mart's columns and types, from the dbt model YAML files."""
    marts: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            marts[model["name"]] = [(c["name"], c["data_type"]) for c in model["columns"]]
    return marts


def build_marts(build_db: Path, with_surveys: bool = True) -> None:
    """Create every mart of the dbt contracts in `build_db` and fill in the planted data."""
    build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(build_db)) as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {MARTS_SCHEMA}")
        for name, columns in mart_contracts().items():
            typed = ", ".join(f'"{column}" {data_type}' for column, data_type in columns)
            con.execute(f"CREATE OR REPLACE TABLE {MARTS_SCHEMA}.{name} ({typed})")
        con.execute(_PLANT_SQL)
        ensure_tables(con)
        con.execute(
            f"INSERT INTO {LEDGER} SELECT range, 'hash' || range, 'exports/file' || range, "
            "'crm', 'interactions', 10, 'mapping', 'loaded', 5, 5, 0, NULL, [], NULL, "
            "now(), now() FROM range(?)",
            [SOURCE_FILES],
        )
        if not with_surveys:
            con.execute(_WITHOUT_SURVEYS_SQL)


def publish_planted(settings: Settings, with_surveys: bool = True) -> int:
    """Build the planted marts and publish them as the serving file; returns the version."""
    build_marts(settings.build_db, with_surveys=with_surveys)
    return publish(settings, Publication("test-run", CHECKS_PASSED, ()))


def headline_kpis(settings: Settings) -> set[str]:
    """The KPIs the published `dim_kpis` lists outside the index's own tier."""
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        rows = con.execute(f"select kpi from {MARTS_SCHEMA}.dim_kpis where tier <> 'empathy_index'")
        return {kpi for (kpi,) in rows.fetchall()}


_CARD = re.compile(r'<article[^>]*data-kpi="(\w+)"[^>]*>(.*?)</article>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def headline_cards(page: str) -> dict[str, str]:
    """The visible text of each headline card of a scorecard page, by KPI."""
    return {kpi: _text(body) for kpi, body in _CARD.findall(page)}


def section_text(page: str, testid: str) -> str:
    """The visible text of the page's section (or footer) with this `data-testid`."""
    match = re.search(rf'<(section|footer)[^>]*data-testid="{testid}".*?</\1>', page, re.DOTALL)
    assert match, f"the page has no section {testid}"
    return _text(match.group(0))
