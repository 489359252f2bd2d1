"""Must-show 1 and 2 of the index v2 on the planted demo warehouse: a component that drops
below its minimum n never raises the index, coverage below the floor publishes no value, a
planted change in one component is attributed to that component, and the monthly index
carries its interval and the significance of its changes.

The scoring rules themselves (on target = the green threshold, the pessimistic bound, the
carry-forward) are dbt unit tests in models/marts/empathy_index/_empathy_index__unit_tests.yml;
here the real models run on a copy of the demo warehouse whose KPI values are altered.
"""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from dbt_kit import run_dbt
from effects_warehouse import Warehouse

from orchestration.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow

INDEX_MODELS = ("fct_empathy_index_components", "fct_empathy_index", "fct_empathy_index_changes")
THINNED = ("csat_top2_share", "nps", "ces_easy_share", "net_sentiment", "empathy_language_ratio")
DROPPED = ("csat_top2_share", "nps")  # 0.5 of the configured weight


def _component_weights() -> dict[str, float]:
    with (DBT_PROJECT_DIR / "seeds" / "empathy_index_components.csv").open(newline="") as handle:
        return {row["component"]: float(row["weight"]) for row in csv.DictReader(handle)}


def _contributions(con: duckdb.DuckDBPyConnection, period: str) -> list[tuple[str, float]]:
    return con.execute(
        "SELECT component, contribution_to_change FROM marts.fct_empathy_index_changes "
        "WHERE period = ? ORDER BY mover_rank",
        [period],
    ).fetchall()


def _indices(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT period, index_value, status, status_reason, change FROM marts.fct_empathy_index"
    ).fetchall()
    return {period: tuple(rest) for period, *rest in rows}


@pytest.fixture(scope="module")
def altered(planted: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The index rebuilt after thinning one component per month (months 2-6), dropping half
    the weight for three months (months 8-10), and raising CSAT in the last month."""
    root = tmp_path_factory.mktemp("index_v2")
    db = root / "build.duckdb"
    shutil.copy(planted.build_db, db)
    with duckdb.connect(str(db)) as con:
        before = _indices(con)
        months = [
            m
            for (m,) in con.execute(
                "SELECT DISTINCT period FROM marts.fct_kpi_values WHERE grain = 'month' ORDER BY 1"
            ).fetchall()
        ]
        for month, kpi in zip(months[1:6], THINNED, strict=True):
            con.execute(
                "UPDATE marts.fct_kpi_values SET n = 10, is_reportable = false "
                "WHERE kpi = ? AND period = ?",
                [kpi, month],
            )
        con.execute(
            "DELETE FROM marts.fct_kpi_values "
            "WHERE list_contains(?, kpi) AND list_contains(?, period)",
            [list(DROPPED), months[7:10]],
        )
        con.execute(
            "UPDATE marts.fct_kpi_values SET value = value + 0.08, ci_low = ci_low + 0.08, "
            "ci_high = ci_high + 0.08 WHERE kpi = 'csat_top2_share' AND period = ?",
            [months[-1]],
        )
        movers_before = dict(_contributions(con, months[-1]))
    run_dbt(db, "run", "--select", *INDEX_MODELS)
    with duckdb.connect(str(db), read_only=True) as con:
        after = _indices(con)
        movers = _contributions(con, months[-1])
        bases = dict(
            con.execute(
                "SELECT period || ':' || component, basis FROM marts.fct_empathy_index_components"
            ).fetchall()
        )
    return {
        "before": before,
        "after": after,
        "months": months,
        "movers": movers,
        "movers_before": movers_before,
        "bases": bases,
    }


def test_a_component_below_its_minimum_never_raises_the_index(altered: dict) -> None:
    for month, kpi in zip(altered["months"][1:6], THINNED, strict=True):
        assert altered["bases"][f"{month}:{kpi}"] == "low_sample_bound"
        before, after = altered["before"][month][0], altered["after"][month][0]
        assert after <= before, f"{month}: thinning {kpi} raised the index {before} -> {after}"


def test_coverage_below_the_floor_publishes_no_value(altered: dict) -> None:
    eighth, ninth, tenth = altered["months"][7:10]
    assert altered["bases"][f"{ninth}:nps"] == "carried_forward"  # within three months
    value, status, reason, _ = altered["after"][tenth]
    assert (value, status) == (None, "not_enough_data")
    weights = _component_weights()
    dropped = sum(weights[c] for c in DROPPED) / sum(weights.values())
    assert f"coverage {round(100 * (1 - dropped))}%" in reason and "floor of 70%" in reason
    assert "csat_top2_share" in reason and "nps" in reason
    assert altered["after"][eighth][0] is not None


def test_a_planted_change_is_attributed_to_its_component(altered: dict) -> None:
    # The component whose contribution the alteration moved most is the altered one (the
    # demo's own month-to-month noise, e.g. CES on ~55 answers, can move more in absolute
    # terms: compare each contribution with its value before the alteration).
    last = altered["months"][-1]
    before = altered["movers_before"]
    shifts = {c: v - before.get(c, 0.0) for c, v in altered["movers"]}
    top = max(shifts, key=lambda c: abs(shifts[c]))
    assert top == "csat_top2_share"
    raised = altered["after"][last][3] - altered["before"][last][3]
    assert raised > 0
    assert shifts["csat_top2_share"] > 0.5 * raised


def test_monthly_index_has_an_interval_and_tested_changes(planted: Warehouse) -> None:
    rows = planted.records(
        "SELECT * FROM marts.fct_empathy_index WHERE period <> 'overall' ORDER BY period_start"
    )
    assert len(rows) >= 12
    published = [r for r in rows if r["status"] == "published"]
    assert published, "the demo publishes a monthly index"
    for r in published:
        assert r["index_ci_low"] <= r["index_value"] <= r["index_ci_high"]
        assert 0 < r["index_ci_high"] - r["index_ci_low"] < 20
    for r in published[1:]:
        assert r["previous_period"] is not None
        significant = r["change_ci_low"] > 0 or r["change_ci_high"] < 0
        assert r["change_is_significant"] == significant
        assert (r["change_direction"] != "flat") == significant
    assert sum(r["is_latest"] for r in rows) == 1
    changes = planted.records(
        "SELECT period, sum(contribution_to_change) AS total, any_value(index_change) AS change "
        "FROM marts.fct_empathy_index_changes GROUP BY 1"
    )
    for c in changes:
        assert c["total"] == pytest.approx(c["change"], abs=0.01)
