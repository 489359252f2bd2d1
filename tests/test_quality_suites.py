"""Suites as files, run by Great Expectations on pandas frames: verdicts, counts, privacy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from quality_kit import DEFECT_EXPECTATIONS, DEFECTS, frame_batch, write_build_db

from orchestration.ingest import load_contract
from orchestration.quality import gx_worker
from orchestration.quality.batch import validate_batch
from orchestration.quality.gx_validation import validate_frame
from orchestration.quality.gx_worker import start_worker, stop_worker, validate_marts_in_worker
from orchestration.quality.marts import MartBatch, data_horizon, validate_marts
from orchestration.quality.suites import Rule, Suite, SuiteFileError, load_suites
from orchestration.settings import DBT_PROJECT_DIR, Settings


def test_one_raw_suite_per_contract_entity_and_one_mart_suite_per_published_mart() -> None:
    entities = set(load_contract().entities)
    assert set(load_suites("raw")) == entities
    marts = {p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    assert marts, "the dbt project has no marts yet"
    assert marts <= set(load_suites("marts"))


def test_every_mart_suite_has_rules_and_every_rule_says_why() -> None:
    for suite in load_suites("marts").values():
        assert suite.rules, suite.name
        assert all(rule.why for rule in suite.rules), suite.name


@pytest.mark.parametrize(
    ("meta", "problem"),
    [
        ({"name": "x_ok"}, "meta.severity"),
        ({"severity": "blocking"}, "meta.name"),
        ({"name": "Bad Name", "severity": "warning"}, "meta.name"),
    ],
)
def test_a_bad_suite_file_is_refused_naming_the_file(
    tmp_path: Path, meta: dict, problem: str
) -> None:
    (tmp_path / "marts").mkdir()
    rule = {"type": "expect_column_to_exist", "kwargs": {"column": "n"}, "meta": meta}
    path = tmp_path / "marts" / "fct_x.json"
    path.write_text(json.dumps({"expectations": [rule]}))
    with pytest.raises(SuiteFileError, match=problem) as error:
        load_suites("marts", tmp_path)
    assert str(path) in str(error.value)


def test_adding_an_expectation_to_a_file_adds_a_rule_without_code(tmp_path: Path) -> None:
    (tmp_path / "marts").mkdir()
    rules = [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "n", "min_value": 0},
            "meta": {"name": f"rule_{i}", "severity": "warning", "why": "test"},
        }
        for i in range(2)
    ]
    (tmp_path / "marts" / "fct_x.json").write_text(json.dumps({"expectations": rules}))
    suite = load_suites("marts", tmp_path)["fct_x"]
    outcomes = validate_frame(suite, pd.DataFrame({"n": [1, -1, 2]}))
    assert [(o.name, o.passed, o.unexpected_count) for o in outcomes] == [
        ("rule_0", False, 1),
        ("rule_1", False, 1),
    ]


def test_results_are_matched_to_rules_by_id_not_by_position() -> None:
    def between(name: str, high: int) -> Rule:
        kwargs = {"column": "score", "min_value": 0, "max_value": high}
        return Rule(name, "blocking", "expect_column_values_to_be_between", kwargs, "test")

    # Same type and column, different bounds: only the id tells the results apart.
    rules = (
        between("score_up_to_10", 10),
        between("score_up_to_5", 5),
        between("score_up_to_7", 7),
    )
    suite = Suite(kind="marts", target="t", private=False, rules=rules)
    outcomes = validate_frame(suite, pd.DataFrame({"score": [1, 6, 8, 9]}))
    assert {o.name: o.unexpected_count for o in outcomes} == {
        "score_up_to_10": 0,
        "score_up_to_5": 3,
        "score_up_to_7": 2,
    }


def test_a_file_with_misread_dates_is_rejected_with_counts_and_no_values() -> None:
    frame = pd.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r4"],
            "survey_type": ["csat", "nps", "csat", "ces"],
            "score": [4.0, 9.0, 5.0, 6.0],
            "responded_at": pd.to_datetime(["2024-03-01", "2024-03-02", "2091-12-03", None]),
            "comment": ["reach me at jane@example.com", None, None, None],
        }
    )
    verdict = validate_batch("survey_responses", *frame_batch(frame))
    assert not verdict.passed and verdict.blocking
    assert "responded_at_not_in_future (blocking): 1 of 4 rows" in verdict.message
    failed = {d["name"]: d for d in verdict.details}
    assert failed["responded_at_not_in_future"]["unexpected_count"] == 1
    # A warning failed too (dates missing on a quarter of the rows), without blocking alone.
    assert failed["responded_at_mostly_present"]["severity"] == "warning"
    shown = verdict.message + json.dumps(verdict.details)
    assert "2091" not in shown and "jane" not in shown and "r3" not in shown


def test_warnings_alone_let_the_file_load_and_a_clean_file_passes() -> None:
    interactions = pd.DataFrame(
        {
            "interaction_id": ["i1", "i2", "i3"],
            "channel": ["chat", "email", "phone"],
            "handled_by": [None, None, "agent"],
            "interaction_type": ["billing", "technical", "billing"],
            "opened_at": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]),
        }
    )
    warned = validate_batch("interactions", *frame_batch(interactions))
    assert not warned.passed and not warned.blocking
    assert "handled_by_mostly_present (warning)" in warned.message
    clean = validate_batch("interactions", *frame_batch(interactions.assign(handled_by="agent")))
    assert clean.passed and not clean.details


def test_private_suites_report_no_counts_and_no_error_text() -> None:
    employees = pd.DataFrame(
        {
            "employee_id": ["emp_1", "emp_2"],
            "agent_id": ["agt_7", "agt_7"],
            "team": ["north", "north"],
            "hired_at": pd.to_datetime(["2020-01-01", "2021-01-01"]),
        }
    )
    assert load_suites("raw")["employees"].private
    verdict = validate_batch("employees", *frame_batch(employees))
    assert verdict.blocking and "agent_id_unique (blocking) failed" in verdict.message
    detail = next(d for d in verdict.details if d["name"] == "agent_id_unique")
    assert detail["element_count"] is None and detail["unexpected_count"] is None
    assert "agt_7" not in verdict.message + json.dumps(verdict.details)


def test_aggregates_marked_skip_if_empty_pass_on_an_empty_mart() -> None:
    suite = load_suites("marts")["fct_nps"]
    columns = {
        "grain": "str",
        "grain_value": "str",
        "period_start": "datetime64[us]",
        "is_reportable": "bool",
    }
    numeric = {
        value
        for rule in suite.rules
        for key, value in rule.kwargs.items()
        if key in ("column", "column_A", "column_B") and value not in columns
    }
    frame = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    frame = frame.assign(**{c: pd.Series([], dtype="float64") for c in numeric})
    outcomes = validate_frame(suite, frame, {"data_horizon": "2024-03-01"})
    assert all(o.passed for o in outcomes), [o.describe() for o in outcomes if not o.passed]
    fresh = next(o for o in outcomes if o.name == "fresh_vs_newest_data")
    assert fresh.note and "no rows" in fresh.note


def test_clean_marts_pass_and_each_defect_fails_the_rule_that_names_it(
    isolated_settings: Settings,
) -> None:
    suites = load_suites("marts")
    wanted = {table: suites[table] for table in ("fct_csat", "fct_nps", "fct_ces")}
    write_build_db(isolated_settings)
    with duckdb.connect(str(isolated_settings.build_db), read_only=True) as con:
        assert str(data_horizon(con)) == "2024-02-28"
        clean = validate_marts(con, wanted)
    assert [o.describe() for items in clean.values() for o in items if not o.passed] == []

    for defect, (_, check) in DEFECTS.items():
        write_build_db(isolated_settings, defect)
        with duckdb.connect(str(isolated_settings.build_db), read_only=True) as con:
            outcomes = validate_marts(con, wanted)
        failed = {
            (table, o.name)
            for table, items in outcomes.items()
            for o in items
            if not o.passed and o.blocking
        }
        assert (check.asset_key.path[-1], DEFECT_EXPECTATIONS[defect]) in failed, defect


def test_the_worker_gives_the_outcomes_of_the_calling_process(
    isolated_settings: Settings,
) -> None:
    suites = load_suites("marts")
    wanted = {table: suites[table] for table in ("fct_csat", "fct_nps", "fct_ces")}
    write_build_db(isolated_settings, next(iter(DEFECTS)))
    with duckdb.connect(str(isolated_settings.build_db), read_only=True) as con:
        here = validate_marts(con, wanted)
    assert any(not o.passed for items in here.values() for o in items)
    start_worker()
    worker = gx_worker._worker
    assert worker is not None and worker.pid != os.getpid()
    there = validate_marts_in_worker(isolated_settings.build_db, wanted)
    assert there == here and list(there) == list(here)  # the same outcomes, in the same order
    assert worker.returncode == 0 and gx_worker._worker is None  # one request, then it ends


def test_the_worker_splits_the_marts_in_two_halves_of_about_the_same_gx_time() -> None:
    def batch(rules: int, rows: int) -> MartBatch:
        rule = Rule("r", "blocking", "expect_column_to_exist", {"column": "n"}, "why")
        return MartBatch(
            Suite("marts", "t", False, (rule,) * rules), pd.DataFrame(index=range(rows)), {}
        )

    batches = {
        "a": batch(5, 0),
        "b": batch(4, 0),
        "c": batch(3, 0),
        "d": batch(3, 0),
        "e": batch(1, 0),
    }
    here, there = gx_worker._halves(batches)
    assert sorted(here + there) == sorted(batches)
    load = [sum(batches[t].cost() for t in half) for half in (here, there)]
    assert load == [8, 8]
    # rows weigh too: one large per-customer mart balances several small suites
    large = {"large": batch(4, 120_000), **batches}
    here, there = gx_worker._halves(large)
    assert here == ["large"] and set(there) == set(batches)


def test_an_error_in_the_forked_half_is_raised_in_the_run(isolated_settings: Settings) -> None:
    write_build_db(isolated_settings)
    suites = load_suites("marts")
    unknown = Rule("no_such_expectation", "blocking", "expect_nothing", {"column": "n"}, "why")
    wanted = {
        "fct_csat": suites["fct_csat"],
        "fct_nps": Suite("marts", "fct_nps", False, (unknown,)),
    }
    # the suite that fails is the lighter one, so it goes to the forked process
    halves = gx_worker._halves({t: MartBatch(s, pd.DataFrame(), {}) for t, s in wanted.items()})
    assert halves == (["fct_csat"], ["fct_nps"])
    with pytest.raises(KeyError, match="no_such_expectation"):
        validate_marts_in_worker(isolated_settings.build_db, wanted)


def test_an_error_in_the_worker_is_raised_in_the_run(tmp_path: Path) -> None:
    suites = load_suites("marts")
    start_worker()
    try:
        with pytest.raises(duckdb.IOException, match=r"missing\.duckdb"):
            validate_marts_in_worker(tmp_path / "missing.duckdb", {"fct_csat": suites["fct_csat"]})
    finally:
        stop_worker()


def test_the_suites_run_from_a_process_whose_main_is_no_file(isolated_settings: Settings) -> None:
    """Like a step of a UI run (Dagster's multiprocess executor) or `python -c`: where GX's
    import of PySpark (installed with the `spark` extra) would end the process with status 0.
    The outcomes come back and GX is not imported there."""
    write_build_db(isolated_settings)
    script = (
        "import sys; from pathlib import Path\n"
        "from orchestration.quality.gx_worker import validate_marts_in_worker\n"
        "from orchestration.quality.suites import load_suites\n"
        "suites = {'fct_csat': load_suites('marts')['fct_csat']}\n"
        f"outcomes = validate_marts_in_worker(Path({str(isolated_settings.build_db)!r}), suites)\n"
        "print(all(o.passed for o in outcomes['fct_csat']), 'great_expectations' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout) == (0, "True False\n"), done.stderr[-2000:]
