"""The suites as Dagster asset checks: severities, metadata without values, the report."""

import dagster as dg
import duckdb
import pandas as pd
from quality_kit import MART_KEYS, frame_batch, gated_assets, run_gated, write_build_db
from resources_kit import resources

from orchestration.defs.quality import BATCH_CHECK, SUITE_CHECK, build_raw_batch_checks
from orchestration.quality.batch import recording_validator
from orchestration.quality.suites import load_suites
from orchestration.quality.validation_report import report_dir
from orchestration.settings import Settings


def test_each_suite_is_one_check_blocking_when_one_of_its_expectations_is() -> None:
    suites = load_suites("marts")
    checks = gated_assets()[len(MART_KEYS)]
    specs = {(spec.asset_key.path[-1], spec.name): spec for spec in checks.check_specs}
    expected = {
        (key.path[-1], SUITE_CHECK): any(rule.blocking for rule in suites[key.path[-1]].rules)
        for key in MART_KEYS
    }
    assert {k: spec.blocking for k, spec in specs.items()} == expected
    assert any(expected.values())
    for key in MART_KEYS:  # the description lists every expectation and its severity
        description = specs[(key.path[-1], SUITE_CHECK)].description or ""
        assert all(rule.name in description for rule in suites[key.path[-1]].rules)


def _outcomes(evaluation: dg.AssetCheckEvaluation) -> dict[str, dict]:
    return evaluation.metadata["outcomes"].value


def test_a_clean_run_evaluates_every_check_and_writes_the_report(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    result = run_gated()
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    suites = load_suites("marts")
    assert len(evaluations) == len(MART_KEYS)
    assert all(e.passed for e in evaluations)
    for evaluation in evaluations:
        rules = suites[evaluation.asset_key.path[-1]].rules
        assert set(_outcomes(evaluation)) == {rule.name for rule in rules}
        assert evaluation.metadata["expectations"].value == len(rules)
    csat = next(e for e in evaluations if e.asset_key == MART_KEYS[0])
    non_negative = _outcomes(csat)["n_top2_non_negative"]
    assert non_negative["expectation"] == "expect_column_values_to_be_between"
    assert (non_negative["element_count"], non_negative["unexpected_count"]) == (4, 0)
    assert non_negative["unexpected_share"] == 0.0 and non_negative["passed"]

    report = report_dir(isolated_settings) / "runs" / f"{result.run_id}.html"
    html = report.read_text()
    assert (report_dir(isolated_settings) / "latest.html").read_text() == html
    assert result.run_id in html and "0 blocking and 0 warning expectations failed" in html
    assert all(
        rule.name in html
        for suite in suites.values()
        for rule in suite.rules
        if suite.target in {k.path[-1] for k in MART_KEYS}
    )


def test_a_failing_check_carries_counts_and_shares_never_values(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings, "out_of_range_counts")
    result = run_gated()
    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [(e.asset_key.path[-1], e.check_name) for e in failed] == [("fct_csat", SUITE_CHECK)]
    (evaluation,) = failed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.metadata["failed_blocking"].value == "n_score_1_non_negative"
    outcome = _outcomes(evaluation)["n_score_1_non_negative"]
    assert (outcome["unexpected_count"], outcome["element_count"]) == (2, 4)
    assert outcome["unexpected_share"] == 0.5 and not outcome["passed"]
    assert "n_score_1_non_negative" in (evaluation.description or "")
    shown = (evaluation.description or "") + repr(evaluation.metadata)
    assert "-6" not in shown
    html = (report_dir(isolated_settings) / "latest.html").read_text()
    assert "1 blocking and 0 warning expectations failed" in html
    assert "Publication is refused" in html


def test_raw_checks_summarize_this_runs_file_validations(isolated_settings: Settings) -> None:
    good = pd.DataFrame(
        {
            "initiative_id": ["t1"],
            "started_at": pd.to_datetime(["2024-01-01"]),
            "ended_at": pd.to_datetime(["2024-02-01"]),
        }
    )
    reversed_dates = good.assign(ended_at=pd.to_datetime(["2023-12-01"]))

    @dg.asset(key=dg.AssetKey(["raw", "trainings"]))
    def trainings(context: dg.AssetExecutionContext) -> None:
        """Stands in for ingestion: two files through the recording hook."""
        validate = recording_validator(isolated_settings, context.run.run_id)
        assert validate("trainings", *frame_batch(good)).passed
        assert validate("trainings", *frame_batch(reversed_dates)).blocking

    @dg.asset(key=dg.AssetKey(["raw", "orders"]))
    def orders() -> None:
        """An entity with no new file in this run."""

    result = dg.materialize(
        [trainings, orders, build_raw_batch_checks(["trainings", "orders"])],
        raise_on_error=False,
        resources=resources(),
    )
    by_entity = {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}
    assert {e.check_name for e in by_entity.values()} == {BATCH_CHECK}
    summary = by_entity["trainings"]
    assert not summary.passed and summary.severity == dg.AssetCheckSeverity.WARN
    metadata = {k: v.value for k, v in summary.metadata.items()}
    assert (metadata["files_validated"], metadata["files_rejected"]) == (2, 1)
    assert "ends_after_start (blocking)" in summary.description
    quiet = by_entity["orders"]
    assert quiet.passed and quiet.metadata["files_validated"].value == 0


def test_a_suite_failing_only_warnings_warns_and_publication_goes_ahead(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    with duckdb.connect(str(isolated_settings.build_db)) as con:  # implausible, not wrong
        con.execute("UPDATE marts.fct_csat SET csat_mean = 4.99 WHERE is_reportable")
    result = run_gated()
    assert result.success
    (evaluation,) = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert (evaluation.asset_key, evaluation.check_name) == (MART_KEYS[0], SUITE_CHECK)
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["failed_warning"].value == "csat_mean_plausible"
    assert evaluation.metadata["failed_blocking"].value == "none"
    assert result.asset_materializations_for_node("serving_database")
