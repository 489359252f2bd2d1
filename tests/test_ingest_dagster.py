"""The ingestion multi-assets validate and load each file, report counts (never values);
the sensor sees new files."""

from __future__ import annotations

import os

import dagster as dg
import pytest
from ingest_kit import (
    EXPORTS,
    PERSONAL_VALUES,
    RAW_EMPLOYEE_IDS,
    query,
    with_mappings,
    write_export,
)
from resources_kit import resources

from orchestration.defs.ingest import defs, landing_folder_sensor
from orchestration.ingest import load_contract


def _materialize(instance: dg.DagsterInstance) -> tuple[dict[str, dict], str]:
    result = dg.materialize(list(defs.assets), instance=instance, resources=resources())
    assert result.success
    metadata = {
        event.asset_key.to_user_string(): {
            key: value.value
            for key, value in event.event_specific_data.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }
    return metadata, result.run_id


@pytest.mark.usefixtures("isolated_settings")
def test_assets_materialize_every_raw_table_and_a_second_run_adds_nothing(tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    for relative, content in EXPORTS.items():
        write_export(settings, relative, content)
    write_export(settings, "surveys/responses_empty.csv", b"")
    instance = dg.DagsterInstance.ephemeral()

    first, run_id = _materialize(instance)

    assert set(first) == {f"raw/{entity}" for entity in load_contract().entities}
    assert first["raw/customers"]["rows_loaded"] == 2
    assert first["raw/customers"]["dagster/row_count"] == 2
    assert first["raw/orders"]["rows_read"] == 0 and first["raw/orders"]["dagster/row_count"] == 0
    assert first["raw/survey_responses"]["files_rejected"] == 1
    for values in first.values():
        assert values["rows_read"] == values["rows_loaded"] + values["rows_quarantined"]
    assert query(
        settings, "SELECT count(*), count(validation) FROM ingest.ledger WHERE status = 'loaded'"
    ) == [(len(EXPORTS), len(EXPORTS))]
    logs = "\n".join(
        str(entry.user_message) + str(entry.dagster_event) for entry in instance.all_logs(run_id)
    )
    assert "responses_empty.csv" in logs
    for value in (*PERSONAL_VALUES, *RAW_EMPLOYEE_IDS, "Sam was so helpful"):
        assert value not in logs and value not in str(first)

    second, _ = _materialize(instance)

    for key, values in second.items():
        assert values["rows_loaded"] == 0 and values["files_loaded"] == 0
        assert values["dagster/row_count"] == first[key]["dagster/row_count"]
    assert second["raw/customers"]["files_already_ingested"] == 1


@pytest.mark.usefixtures("isolated_settings")
def test_sensor_requests_a_run_once_per_new_or_changed_file(tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    context = dg.build_sensor_context(cursor=None, resources=resources(settings))
    assert isinstance(landing_folder_sensor(context), dg.SkipReason)  # no landing folder yet

    write_export(settings, "crm/customers.csv", EXPORTS["crm/customers.csv"])
    first = landing_folder_sensor(context)
    assert isinstance(first, dg.RunRequest)
    assert landing_folder_sensor.job_name == "empathy_pipeline"

    assert isinstance(landing_folder_sensor(context), dg.SkipReason)

    write_export(settings, "crm/customers_2.csv", EXPORTS["crm/customers.csv"])
    second = landing_folder_sensor(context)
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key
    assert second.tags["empathy/changed_files"] == "1"
    assert isinstance(landing_folder_sensor(context), dg.SkipReason)
    assert not settings.build_db.exists()  # the sensor never opens the build database


@pytest.mark.usefixtures("isolated_settings")
def test_sensor_requests_a_run_only_for_content_not_in_the_ledger(tmp_path, monkeypatch):
    """Issue 17: `make dev` restarted on loaded files, or a file touched, starts nothing."""
    from ingest_kit import ingest_all

    settings = with_mappings(tmp_path, monkeypatch)
    path = write_export(settings, "crm/customers.csv", EXPORTS["crm/customers.csv"])
    ingest_all(settings)
    # a fresh cursor, as after a restart
    context = dg.build_sensor_context(cursor=None, resources=resources(settings))
    assert isinstance(landing_folder_sensor(context), dg.SkipReason)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert "already has" in landing_folder_sensor(context).skip_message
    write_export(
        settings, "crm/customers_2.csv", EXPORTS["crm/customers.csv"] + "0044,C,c@x,1,No,3\n"
    )
    request = landing_folder_sensor(context)
    assert isinstance(request, dg.RunRequest) and request.tags["empathy/changed_files"] == "1"
