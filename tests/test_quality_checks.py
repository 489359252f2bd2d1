"""The suites as Dagster asset checks: severities, metadata without values, the report."""

import dagster as dg
import pandas as pd
from quality_kit import MART_KEYS, gated_assets, run_gated, write_build_db
from resources_kit import resources

from orchestration.defs.quality import BATCH_CHECK, build_raw_batch_checks
from orchestration.quality.batch import recording_validator
from orchestration.quality.suites import load_suites
from orchestration.quality.validation_report import report_dir
from orchestration.settings import Settings


def test_each_expectation_is_a_check_blocking_as_its_file_says() -> None:
    suites = load_suites("marts")
    checks = gated_assets()[len(MART_KEYS)]
    specs = {(spec.asset_key.path[-1], spec.name): spec for spec in checks.check_specs}
    expected = {
        (key.path[-1], f"gx_{rule.name}"): rule.blocking
        for key in MART_KEYS
        for rule in suites[key.path[-1]].rules
    }
    assert {k: spec.blocking for k, spec in specs.items()} == expected
    assert any(expected.values()) and not all(expected.values())


def test_a_clean_run_evaluates_every_check_and_writes_the_report(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    result = run_gated()
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    suites = load_suites("marts")
    assert len(evaluations) == sum(len(suites[k.path[-1]].rules) for k in MART_KEYS)
    assert all(e.passed for e in evaluations)
    non_negative = next(
        e
        for e in evaluations
        if e.check_name == "gx_n_top2_non_negative" and e.asset_key == MART_KEYS[0]
    )
    metadata = {k: v.value for k, v in non_negative.metadata.items()}
    assert metadata["expectation"] == "expect_column_values_to_be_between"
    assert (metadata["element_count"], metadata["unexpected_count"]) == (4, 0)
    assert metadata["unexpected_share"] == 0.0

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
    assert [(e.asset_key.path[-1], e.check_name) for e in failed] == [
        ("fct_csat", "gx_n_score_1_non_negative")
    ]
    (evaluation,) = failed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert (metadata["unexpected_count"], metadata["element_count"]) == (2, 4)
    assert metadata["unexpected_share"] == 0.5
    shown = (evaluation.description or "") + repr(metadata)
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
        assert validate("trainings", good).passed
        assert validate("trainings", reversed_dates).blocking

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
