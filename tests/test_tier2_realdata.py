"""Tier 2 must-show 3 (telco part): the IBM telco churn figures are reproduced exactly from
the mapped export (1,869 of 7,043 customers churned, and by contract type), and the Cognos
status table's churn category, reason and satisfaction score flow into the churn, exit-reason
and CLTV marts. Expected figures are computed here from the files with the csv module.
Skipped when ../shared/realdata is absent.
"""

from __future__ import annotations

import csv
import math
import shutil
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from conftest import REALDATA_DIR
from tier2_kit import build_tier2, ingest_and_enrich, rows

from orchestration.settings import PROJECT_ROOT, Settings

EXAMPLES_DIR = PROJECT_ROOT / "examples" / "realdata"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(
        not REALDATA_DIR.is_dir(),
        reason=f"real exports not found at {REALDATA_DIR} (see its README)",
    ),
]


def _build(example: str, relative: str, monkeypatch) -> tuple[Settings, list[dict[str, str]]]:
    monkeypatch.setenv("EMPATHY_MAPPINGS_DIR", str(EXAMPLES_DIR / example))
    settings = Settings.from_env()
    target = settings.landing_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REALDATA_DIR / relative, target)  # ingestion never follows links out of landing
    ingest_and_enrich(settings)
    build = build_tier2(settings)
    assert build.returncode == 0, build.stdout[-4000:]
    with (REALDATA_DIR / relative).open(encoding="utf-8-sig", newline="") as handle:
        return settings, list(csv.DictReader(handle))


def _churn(settings: Settings, grain: str) -> dict[str, tuple[int, int]]:
    return {
        value: (n, k)
        for value, n, k in rows(
            settings,
            "SELECT grain_value, n_customers, n_churned FROM marts.fct_churn_rates "
            f"WHERE grain = '{grain}'",
        )
    }


@pytest.mark.usefixtures("isolated_settings")
def test_telco_churn_rate_overall_and_by_contract_type(monkeypatch) -> None:
    settings, export = _build("telco_churn", "crm/telco_customer_churn.csv", monkeypatch)
    by_contract: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in export:
        by_contract[row["Contract"]][0] += 1
        by_contract[row["Contract"]][1] += row["Churn"] == "Yes"

    assert _churn(settings, "overall") == {"overall": (7043, 1869)}
    assert (len(export), sum(r["Churn"] == "Yes" for r in export)) == (7043, 1869)
    assert _churn(settings, "customer_segment") == {k: tuple(v) for k, v in by_contract.items()}
    assert rows(
        settings,
        "SELECT churn_definition, population FROM marts.fct_churn_rates WHERE grain = 'overall'",
    ) == [("contractual", "all_customers")]
    # No dates in the export: no monthly churn, no segment as of a date, and the build says so.
    assert _churn(settings, "month") == {}
    assert rows(
        settings, "SELECT DISTINCT is_time_ordered FROM marts.fct_customer_empathy_segments"
    ) == [(False,)]
    assert rows(settings, "SELECT count(*) FROM marts.fct_relationship_kpis") == [(0,)]


@pytest.mark.usefixtures("isolated_settings")
def test_telco_status_category_reason_and_satisfaction_flow_into_the_marts(monkeypatch) -> None:
    settings, export = _build("telco_status", "crm/telco_11_status.csv", monkeypatch)
    churned = [r for r in export if r["Churn Label"] == "Yes"]
    reasons = rows(
        settings,
        "SELECT grain, grain_value, n_responses, n_with_csat, csat_mean "
        "FROM marts.fct_exit_reasons WHERE source = 'crm_churn_flag'",
    )
    got = {(g, v): (n, k, mean) for g, v, n, k, mean in reasons}
    assert got[("overall", "overall")][:2] == (len(churned), len(churned))
    for grain, column in [("category", "Churn Category"), ("reason", "Churn Reason")]:
        counts = Counter(r[column].strip().lower() for r in churned)
        assert {v: n for (g, v), (n, *_) in got.items() if g == grain} == counts
        for value in counts:
            scores = [
                int(r["Satisfaction Score"]) for r in churned if r[column].strip().lower() == value
            ]
            assert got[(grain, value)][2] == pytest.approx(sum(scores) / len(scores))

    # Satisfaction (one CSAT answer per customer) sets the perceived-empathy segment:
    # 4-5 high, 1-2 low, 3 mixed; churn by segment and the reported CLTV follow it.
    def segment(row: dict[str, str]) -> str:
        score = int(row["Satisfaction Score"])
        return "high" if score >= 4 else "low" if score < 3 else "mixed"

    expected: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for row in export:
        expected[segment(row)][0] += 1
        expected[segment(row)][1] += row["Churn Label"] == "Yes"
        expected[segment(row)][2] += float(row["CLTV"])
    assert _churn(settings, "empathy_segment") == {k: (v[0], v[1]) for k, v in expected.items()}
    cltv = {
        s: (n, mean)
        for s, n, mean in rows(
            settings,
            "SELECT segment, n_customers, mean_value FROM marts.fct_cltv_by_segment "
            "WHERE value_measure = 'reported_cltv' AND segmentation = 'empathy_segment'",
        )
    }
    assert set(cltv) == set(expected)
    for s, (n, _, total) in expected.items():
        assert cltv[s][0] == n and cltv[s][1] == pytest.approx(total / n)


@pytest.mark.usefixtures("isolated_settings")
def test_cdnow_non_contractual_churn_from_the_purchase_cadence(monkeypatch) -> None:
    """A retailer without contracts: churn = no purchase for 3 x the median gap between a
    customer's order days; historical CLTV = the sum of each customer's purchases."""
    settings, export = _build("cdnow", "crm/cdnow_transactions.csv", monkeypatch)
    days: dict[str, set[date]] = defaultdict(set)
    revenue: dict[str, float] = defaultdict(float)
    for row in export:
        days[row["customer_id"]].add(date.fromisoformat(row["date"]))
        revenue[row["customer_id"]] += float(row["dollar_value"])
    gaps = sorted((b - a).days for d in days.values() for a, b in pairwise(sorted(d)))
    inactivity = max(30, math.ceil(3 * statistics.median(gaps)))
    end = max(max(d) for d in days.values())
    churned = sum(max(d) + timedelta(days=inactivity) <= end for d in days.values())

    assert rows(
        settings,
        "SELECT churn_definition, churn_inactivity_days, n_customers, n_churned "
        "FROM marts.fct_churn_rates WHERE grain = 'overall'",
    ) == [("non_contractual", inactivity, len(days), churned)]
    cltv = dict(rows(settings, "SELECT customer_id, historical_cltv FROM marts.fct_customer_value"))
    assert cltv.keys() == revenue.keys()
    assert all(cltv[c] == pytest.approx(v, abs=1e-6) for c, v in revenue.items())
    assert rows(settings, "SELECT count(*) > 0 FROM marts.fct_churn_rates WHERE grain = 'month'")[
        0
    ][0]
