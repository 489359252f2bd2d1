"""Issue 17: a new user's own exports end in a message naming file, column and fix, or work."""

from __future__ import annotations

import dataclasses
import json
import textwrap

import pytest
from ingest_kit import MAPPINGS, ingest_all, query, with_mappings, write_export

from orchestration.cli import main
from orchestration.ingest.diagnose import check_mappings, format_check

REVIEWS = (
    "Review ID,Source,Stars,Review,Date,Author\n"
    "r1,Google,5,Lovely staff,03/01/2024,Alice Example\n"
    "r2,Google,1,Never called back,03/02/2024,Bob Example\n"
)
TICKETS = (
    "Ticket,Channel,Opened,Status,State\n"
    "k1,Internet,2024-03-01 10:00,Closed,NY\n"
    "k2,Customer Care Call,2024-03-01 11:00,Open,CA\n"
    "k3, internet ,2024-03-02 09:00,Closed,NY\n"
)
TICKET_MAPPING = """
    source: crm
    entities:
      interactions:
        files: "crm/complaints*.csv"
        columns:
          interaction_id: Ticket
          channel: {export: Channel, values: {Internet: web, "Customer Care Call": phone}}
          opened_at: Opened
          status: Status
          location: State
"""


@pytest.fixture
def settings(isolated_settings, tmp_path, monkeypatch):
    return with_mappings(tmp_path, monkeypatch)


def _typo_mapping(tmp_path, monkeypatch):
    reviews = MAPPINGS["reviews"].replace("review_text: Review", "review_text: Reviews")
    return with_mappings(tmp_path, monkeypatch, {**MAPPINGS, "reviews": reviews})


def test_typo_in_the_text_column_is_an_error_in_check_and_a_rejection_at_ingest(
    isolated_settings, tmp_path, monkeypatch, capsys
):
    settings = _typo_mapping(tmp_path, monkeypatch)
    write_export(settings, "reviews/google.csv", REVIEWS)

    check = check_mappings(settings, ["reviews"])
    (diagnosis,) = check.files
    assert not check.ok
    (error,) = diagnosis.errors
    assert "reviews/google.csv" in error and "`review_text`" in error
    assert '"Reviews"' in error and "reviews.yml" in error and "Review ID" in error

    assert main(["check-mapping", "reviews"]) == 1
    out = capsys.readouterr().out
    assert "ERROR reviews/google.csv: column `review_text`" in out
    assert "nothing was loaded" in out
    assert not settings.build_db.exists()

    (result,) = [r for r in ingest_all(settings) if r.path == "reviews/google.csv"]
    assert result.status == "rejected" and "`review_text`" in result.message
    assert query(settings, "SELECT count(*) FROM raw.reviews") == [(0,)]


def test_check_mapping_reports_fill_rates_masked_samples_and_quarantine_reasons(settings):
    write_export(
        settings,
        "reviews/google.csv",
        REVIEWS + "r3,Google,9,Too many stars,03/03/2024,Carl Example\n",
    )
    write_export(settings, "notes/readme.txt", "not an export\n")

    check = check_mappings(settings, ["reviews"])
    (d,) = check.files
    fills = {f.name: f for f in d.fills}
    assert d.rows == 3 and fills["review_text"].fill_rate == 1.0
    assert fills["author_name"].samples == ("<personal: hidden>",) * 3
    assert d.quarantine_reasons == [("rating: above the maximum 5", 1)]
    assert check.unclaimed == ["notes/readme.txt"]
    report = format_check(check)
    assert "Alice Example" not in report and "notes/readme.txt is claimed by no mapping" in report


def test_empty_text_column_is_an_error_in_check_mapping(settings):
    write_export(
        settings,
        "reviews/google.csv",
        "Review ID,Source,Stars,Review,Date,Author\nr1,Google,5,,03/01/2024,A\n",
    )
    (d,) = check_mappings(settings, ["reviews"]).files
    assert any("text column `review_text` would load empty" in e for e in d.errors)


def test_value_maps_translate_channels_and_status_location_load(
    isolated_settings, tmp_path, monkeypatch
):
    settings = with_mappings(tmp_path, monkeypatch, {"crm": TICKET_MAPPING})
    write_export(settings, "crm/complaints.csv", TICKETS)
    assert check_mappings(settings, ["crm"]).ok
    ingest_all(settings)
    rows = query(
        settings,
        "SELECT interaction_id, channel, status, location FROM raw.interactions ORDER BY 1",
    )
    assert rows == [
        ("k1", "web", "Closed", "NY"),
        ("k2", "phone", "Open", "CA"),
        ("k3", "web", "Closed", "NY"),
    ]


def test_values_outside_the_contract_say_how_to_translate_them(
    isolated_settings, tmp_path, monkeypatch
):
    mapping = TICKET_MAPPING.replace(
        'channel: {export: Channel, values: {Internet: web, "Customer Care Call": phone}}',
        "channel: Channel",
    )
    settings = with_mappings(tmp_path, monkeypatch, {"crm": mapping})
    write_export(settings, "crm/complaints.csv", TICKETS)
    (d,) = check_mappings(settings, ["crm"]).files
    text = " ".join(d.warnings)
    assert '"internet" (2 rows)' in text and '"customer care call" (1 rows)' in text
    assert "`values:` under `channel`" in text and "every one of its 3 rows" in text
    (result,) = [r for r in ingest_all(settings) if r.path == "crm/complaints.csv"]
    assert result.rows_quarantined == 3 and "`values:` under `channel`" in result.message


def test_a_tsv_mapped_without_delimiter_says_which_delimiter_works(settings):
    write_export(settings, "reviews/google.csv", REVIEWS.replace(",", "\t"))
    (result,) = [r for r in ingest_all(settings) if r.path == "reviews/google.csv"]
    assert result.status == "rejected"
    assert "parses to ONE column" in result.message
    assert 'Set `delimiter: "\\t"`' in result.message and "reviews.yml" in result.message


def test_reload_forgets_rows_quarantine_and_ledger_then_loads_again(
    isolated_settings, tmp_path, monkeypatch, capsys
):
    settings = with_mappings(
        tmp_path,
        monkeypatch,
        {
            "crm": TICKET_MAPPING.replace(
                'channel: {export: Channel, values: {Internet: web, "Customer Care Call": phone}}',
                "channel: Channel",
            )
        },
    )
    write_export(settings, "crm/complaints.csv", TICKETS)
    ingest_all(settings)
    assert query(settings, "SELECT count(*) FROM restricted.quarantined_rows") == [(3,)]

    (tmp_path / "mappings" / "crm.yml").write_text(textwrap.dedent(TICKET_MAPPING))
    assert main(["reload", "crm/complaints.csv"]) == 0
    assert (
        "forgot crm/complaints.csv: 1 ledger entries, 0 rows, 3 quarantined"
        in capsys.readouterr().out
    )
    assert query(settings, "SELECT count(*) FROM restricted.quarantined_rows") == [(0,)]
    assert query(settings, "SELECT status, rows_loaded FROM ingest.ledger") == [("loaded", 3)]
    assert query(settings, "SELECT count(*) FROM raw.interactions") == [(3,)]


def test_a_run_started_without_its_checks_is_not_a_data_failure_on_the_board(settings):
    from orchestration.failed_runs import CHECKS_NOT_RUN, failed_runs_path, read_failed_runs

    path = failed_runs_path(settings)
    path.parent.mkdir(parents=True)
    alone = {
        "run_id": "a",
        "failed_at": "2026-01-01T00:00:00",
        "steps": [{"step": "serving_database", "message": f"{CHECKS_NOT_RUN} run the whole job"}],
    }
    bad = {
        "run_id": "b",
        "failed_at": "2026-01-02T00:00:00",
        "steps": [{"step": "serving_database", "message": "Publication refused; ..."}],
    }
    path.write_text("\n".join(json.dumps(r) for r in (alone, bad)) + "\n")
    assert [r["run_id"] for r in read_failed_runs(settings)] == ["b"]


def test_freshness_of_a_mart_without_any_date_is_skipped_not_failed():
    """Real exports without dates (clothing reviews, telco, IBM HR) give marts whose
    `period_start` is empty; their freshness cannot be judged and must not block."""
    import pandas as pd

    from orchestration.quality.gx_validation import validate_frame
    from orchestration.quality.suites import load_suites

    suite = load_suites("marts")["fct_service_sentiment"]
    rule = next(r for r in suite.rules if r.name == "fresh_vs_newest_data")
    frame = pd.DataFrame({"period_start": pd.Series([None, None], dtype="datetime64[ns]")})
    only = dataclasses.replace(suite, rules=(rule,))
    (outcome,) = validate_frame(only, frame, {"data_horizon": "2026-01-01"})
    assert outcome.passed and outcome.name == "fresh_vs_newest_data"
    dated = pd.DataFrame({"period_start": pd.to_datetime(["2025-01-01"])})
    (stale,) = validate_frame(only, dated, {"data_horizon": "2026-01-01"})
    assert not stale.passed  # with dates, freshness is still judged
