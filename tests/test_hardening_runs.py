"""Hardening of runs (issue 10): concurrent runs, freshness per source, retries, failure records.

Stand-in marts (tests/quality_kit.py) instead of whole pipeline runs: the runs here are the
pipeline's gate and publication steps on a small synthetic build database.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import dagster as dg
import duckdb
import pytest
from ingest_kit import MAPPINGS, with_mappings, write_export
from quality_kit import MART_KEYS, publication_log, run_gated, start, write_build_db
from resources_kit import resources

from orchestration.defs import publish as publish_asset
from orchestration.defs.jobs import WRITER_POOL
from orchestration.defs.operations import TRANSIENT_RETRY, NotRetried, only_transient_retried
from orchestration.errors import is_transient
from orchestration.failed_runs import read_failed_runs, record_failed_run
from orchestration.publish.fingerprints import mart_fingerprints
from orchestration.publish.gate import run_mart_fingerprints
from orchestration.settings import MARTS_SCHEMA, Settings

# Item 3 -------------------------------------------------------------------------------------


def _published_fingerprints(path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        (catalog,) = con.execute("SELECT current_database()").fetchone()
        return mart_fingerprints(con, catalog, MARTS_SCHEMA)


def test_item3_two_concurrent_runs_publish_only_what_their_gate_checked(
    isolated_settings: Settings, tmp_path
) -> None:
    write_build_db(isolated_settings)
    marker = tmp_path / "a_passed_its_gate"
    first = start("run", "--variant", "a", "--hold-before-publish", "3", "--marker", str(marker))
    # Run B starts its run once A has passed its gate and not yet published: B's build rewrites
    # the marts in that window unless it waits for A.
    second = start("run", "--variant", "b", "--start-after", str(marker))
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0

    log = publication_log(isolated_settings.serving_db)
    assert [row[0] for row in log] == [1, 2]  # both published, one after the other
    with dg.DagsterInstance.get() as instance:
        for version, run_id in ((row[0], row[2]) for row in log):
            gate = run_mart_fingerprints(instance, run_id)
            published = _published_fingerprints(
                isolated_settings.versions_dir / f"empathy_v{version:04d}.duckdb"
            )
            assert set(gate) == {key.path[-1] for key in MART_KEYS}
            for table, prints in gate.items():
                assert prints == {published[table]}, (version, table)
    assert (
        _published_fingerprints(isolated_settings.versions_dir / "empathy_v0001.duckdb")["fct_csat"]
        != _published_fingerprints(isolated_settings.versions_dir / "empathy_v0002.duckdb")[
            "fct_csat"
        ]
    )


def test_item3_publication_refuses_marts_changed_after_the_gate(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_build_db(isolated_settings)
    decide = publish_asset.decide

    def another_run_rebuilds_then_decide(*args, **kwargs):
        with duckdb.connect(str(isolated_settings.build_db)) as con:
            con.execute("UPDATE marts.fct_nps SET nps = nps + 1")
        return decide(*args, **kwargs)

    monkeypatch.setattr(publish_asset, "decide", another_run_rebuilds_then_decide)
    result = run_gated()

    assert not result.success
    assert not isolated_settings.serving_db.exists()
    (failure,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert "changed after this run's gate checked them" in failure.step_failure_data.error.message
    assert "fct_nps" in failure.step_failure_data.error.message


def test_item3_pipeline_runs_are_queued_one_at_a_time() -> None:
    import yaml

    from orchestration.defs.jobs import WRITER_RUN_TAG, empathy_pipeline
    from orchestration.settings import PROJECT_ROOT

    config = yaml.safe_load((PROJECT_ROOT / "orchestration" / "dagster.yaml").read_text())
    limits = config["concurrency"]["runs"]["tag_concurrency_limits"]
    assert {"key": WRITER_RUN_TAG, "limit": 1} in limits
    assert empathy_pipeline.tags[WRITER_RUN_TAG] == "warehouse"


# Item 7 -------------------------------------------------------------------------------------


def test_item7_one_recent_review_does_not_make_the_survey_marts_stale(
    isolated_settings: Settings,
) -> None:
    write_build_db(isolated_settings)  # survey marts end in February 2024
    yesterday = dt.date.today() - dt.timedelta(days=1)
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        con.execute(
            "CREATE TABLE marts.fct_review_signals AS SELECT ?::DATE AS period_start", [yesterday]
        )
    result = run_gated()
    failed = [e.asset_check_key.name for e in result.get_asset_check_evaluations() if not e.passed]
    assert result.success, failed
    assert isolated_settings.serving_db.exists()


# Item 8 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (
            duckdb.IOException(
                'Could not set lock on file "build.duckdb": Conflicting lock is held'
            ),
            True,
        ),
        (OSError(5, "Input/output error"), True),
        (TimeoutError("timed out"), True),
        (ValueError("could not parse 'x' as a date"), False),
        (duckdb.ConversionException("Could not convert string 'x' to INT32"), False),
        (KeyError("mapping"), False),
    ],
)
def test_item8_only_locks_and_io_errors_are_transient(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient


def _counting_job(error: Exception, failures: int) -> tuple[dg.JobDefinition, list[int]]:
    attempts: list[int] = []

    @dg.op(retry_policy=dg.RetryPolicy(max_retries=TRANSIENT_RETRY.max_retries, delay=0))
    def writer() -> None:
        with only_transient_retried():
            attempts.append(1)
            if len(attempts) <= failures:
                raise error

    @dg.job
    def job() -> None:
        writer()

    return job, attempts


def test_item8_writer_steps_retry_locks_but_not_bad_data_or_configuration() -> None:
    job, attempts = _counting_job(duckdb.IOException("Could not set lock on file"), 2)
    assert job.execute_in_process(raise_on_error=False).success and len(attempts) == 3
    for error in (
        ValueError("bad data"),
        duckdb.CatalogException("no such column"),
        RuntimeError("wrong key"),
    ):
        job, attempts = _counting_job(error, 9)
        assert not job.execute_in_process(raise_on_error=False).success
        assert len(attempts) == 1, error


def test_item8_every_writer_step_has_the_transient_retry_policy() -> None:
    from orchestration.definitions import defs

    writers = [
        node
        for node in defs.resolve_asset_graph().asset_nodes
        if WRITER_POOL in (node.pools or set())
    ]
    without = sorted(
        {n.key.to_user_string() for n in writers if n.assets_def.op.retry_policy is None}
    )
    assert not without, without


def test_item8_a_bad_mapping_fails_the_ingest_step_once_with_line_and_column(
    isolated_settings: Settings, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.defs.ingest import defs as ingestion

    broken = MAPPINGS["surveys"].replace('delimiter: ";"', 'delimiter: [";"')
    settings = with_mappings(tmp_path, monkeypatch, {"surveys": broken})
    write_export(settings, "surveys/responses.csv", "id;type\n1;csat\n")
    surveys = next(a for a in ingestion.assets if a.op.name == "ingest_surveys")
    with dg.DagsterInstance.get() as instance:
        result = dg.materialize(
            [surveys], instance=instance, raise_on_error=False, resources=resources(settings)
        )
        assert not result.success
        starts = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START]
        assert len(starts) == 1  # not retried: main retried it 3 times (45-60 s)
        record = record_failed_run(settings, instance, result.dagster_run)
    (step,) = record["steps"]
    chain = json.dumps(step["cause_chain"])
    assert "MappingError" in chain and "surveys.yml" in chain and "line 7, column" in chain
    assert read_failed_runs(settings)[0]["run_id"] == result.run_id


def test_item8_failed_run_records_keep_the_whole_cause_chain_scrubbed(
    isolated_settings: Settings,
) -> None:
    @dg.op
    def dbt_build() -> None:
        try:
            raise ValueError(
                "dbt: Database Error in model fct_csat (models/marts/fct_csat.sql)\n"
                "  Conversion Error: Could not convert 'Jane Doe' to INT32"
            )
        except ValueError as exc:
            with only_transient_retried():
                raise RuntimeError("dbt build failed; mail jane@example.com") from exc

    @dg.job
    def empathy_pipeline() -> None:
        dbt_build()

    with dg.DagsterInstance.get() as instance:
        result = empathy_pipeline.execute_in_process(instance=instance, raise_on_error=False)
        record = record_failed_run(isolated_settings, instance, result.dagster_run)
    stored = json.dumps(record)
    assert "models/marts/fct_csat.sql" in stored and "Conversion Error" in stored
    assert "NotRetried" in stored or NotRetried.__name__ in stored
    assert "Jane" not in stored and "jane@" not in stored


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))


def test_item2_a_run_with_the_key_deleted_refuses_at_once_and_writes_nothing(
    isolated_settings: Settings, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest_kit import EXPORTS, table_rows

    from orchestration.defs.ingest import defs as ingestion

    settings = with_mappings(tmp_path, monkeypatch)
    write_export(settings, "hr/employees.csv", EXPORTS["hr/employees.csv"])
    ingest = list(ingestion.assets)
    with dg.DagsterInstance.get() as instance:
        assert dg.materialize(ingest, instance=instance, resources=resources(settings)).success
        settings.key_file.unlink()
        for name, content in EXPORTS.items():
            write_export(settings, name.replace(".", "_new."), content)
        before = table_rows(settings)

        result = dg.materialize(
            ingest, instance=instance, raise_on_error=False, resources=resources(settings)
        )

    assert not result.success
    assert table_rows(settings) == before and not settings.key_file.exists()
    failures = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    starts = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START]
    assert len(failures) == len(starts) == len(ingest)  # every source refuses, none retried
    assert all("empathy rotate-key" in f.step_failure_data.error.message for f in failures)
