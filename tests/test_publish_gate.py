"""Acceptance 1: bad data never reaches the serving file, and the run says why."""

import dagster as dg
from quality_kit import (
    DEFECT_EXPECTATIONS,
    DEFECTS,
    gated_assets,
    publication_log,
    run_gated,
    write_build_db,
)
from resources_kit import resources

from orchestration.failed_runs import CHECKS_NOT_RUN
from orchestration.settings import Settings

SERVING = dg.AssetKey("serving_database")


def _failure_messages(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        event.step_failure_data.error.message
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE
    )


def test_three_kinds_of_bad_data_leave_the_serving_file_untouched(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    assert run_gated().success
    serving = isolated_settings.serving_db
    good_bytes, good_log = serving.read_bytes(), publication_log(serving)

    for defect, (_, check) in DEFECTS.items():
        write_build_db(isolated_settings, defect, export=defect)
        result = run_gated()
        assert not result.success, defect
        assert not result.asset_materializations_for_node("serving_database"), defect
        assert serving.read_bytes() == good_bytes, defect
        assert publication_log(serving) == good_log, defect
        failed = {e.asset_check_key for e in result.get_asset_check_evaluations() if not e.passed}
        assert check in failed, defect
        message = _failure_messages(result)
        assert check.name in message and check.asset_key.to_user_string() in message, defect
        # The mart's suite is one check; its result names the expectation that failed.
        (evaluation,) = (
            e for e in result.get_asset_check_evaluations() if e.asset_check_key == check
        )
        assert DEFECT_EXPECTATIONS[defect] in (evaluation.description or ""), defect


def test_publication_refuses_a_run_in_which_the_checks_did_not_run(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)
    assert run_gated().success
    serving = isolated_settings.serving_db
    good_bytes = serving.read_bytes()

    write_build_db(isolated_settings, "interval_above_its_point", export="b")
    result = dg.materialize(
        gated_assets(), selection=[SERVING], raise_on_error=False, resources=resources()
    )
    assert not result.success
    assert serving.read_bytes() == good_bytes
    message = _failure_messages(result)
    # One line saying what to run instead (issue 17), not one line per check not run.
    assert CHECKS_NOT_RUN in message and "\n" not in message.strip() and len(message) < 400
    assert "`empathy_pipeline`" in message and "`make run`" in message
    # Bad data is not retried: the step ran once.
    starts = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START]
    assert len(starts) == 1
