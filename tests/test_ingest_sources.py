"""Each export kind ingests; files load once; personal data and raw ids stay where they must."""

from __future__ import annotations

import os
import re
import stat

import duckdb
import pytest
from ingest_kit import (
    EXPORTS,
    PERSONAL_VALUES,
    RAW_AGENT_IDS,
    RAW_EMPLOYEE_IDS,
    all_text,
    ingest_all,
    query,
    table_rows,
    with_mappings,
    write_export,
)

from orchestration.ingest import Pseudonymizer, ensure_tables, load_contract


@pytest.fixture
def settings(isolated_settings, tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    for relative, content in EXPORTS.items():
        write_export(settings, relative, content)
    return settings


def _data_rows(content: str) -> int:
    lines = [line for line in content.splitlines() if line.strip()]
    return len(lines) - (0 if lines[0].startswith("{") else 1)


def test_every_source_loads_with_reconciled_counts(settings):
    results = ingest_all(settings)

    by_path = {r.path: r for r in results}
    assert set(by_path) == set(EXPORTS)
    assert {r.source for r in results} == set(load_contract().sources)
    for path, result in by_path.items():
        assert result.status == "loaded", result.message
        assert result.rows_read == _data_rows(EXPORTS[path])
        assert result.rows_read == result.rows_loaded + result.rows_quarantined
    ledger = query(settings, "SELECT count(*), sum(rows_read), sum(rows_loaded) FROM ingest.ledger")
    assert ledger == [
        (len(EXPORTS), sum(map(_data_rows, EXPORTS.values())), sum(r.rows_loaded for r in results))
    ]


def test_values_are_typed_as_the_contract_says(settings):
    ingest_all(settings)

    assert query(
        settings, "SELECT customer_id, is_churned, tenure_months FROM raw.customers ORDER BY 1"
    ) == [("0042", False, 12), ("0043", True, None)]
    assert query(settings, "SELECT survey_type, score FROM raw.survey_responses ORDER BY 1") == [
        ("ces", 6.0),
        ("csat", 5.0),
        ("nps", 9.0),
    ]
    assert query(
        settings, "SELECT channel, resolved_at IS NULL FROM raw.interactions ORDER BY 1"
    ) == [("email", True), ("phone", False)]
    assert query(
        settings, "SELECT strftime(hired_at, '%Y-%m-%d') FROM raw.employees ORDER BY 1"
    ) == [("2020-01-15",), ("2021-06-01",)]
    assert query(
        settings, "SELECT response_id, job_satisfaction FROM raw.pulse_surveys ORDER BY 1"
    ) == [("pulse.csv:1", 5.0), ("pulse.csv:2", 1.0)]
    assert query(settings, "SELECT platform, count(*) FROM raw.reviews GROUP BY 1 ORDER BY 1") == [
        ("google", 2),
        ("yelp", 1),
    ]


def test_loaded_touched_or_renamed_files_add_nothing(settings):
    ingest_all(settings)
    before = table_rows(settings)

    again = ingest_all(settings)
    assert table_rows(settings) == before
    assert {r.status for r in again} == {"skipped"} and not any(r.recorded for r in again)

    touched = settings.landing_dir / "crm/customers.csv"
    os.utime(touched, (touched.stat().st_atime + 60, touched.stat().st_mtime + 60))
    ingest_all(settings)
    assert table_rows(settings) == before

    touched.rename(settings.landing_dir / "crm/customers_renamed.csv")
    renamed = [r for r in ingest_all(settings) if r.recorded]
    after = table_rows(settings)
    assert [(r.path, r.status, r.rows_read) for r in renamed] == [
        ("crm/customers_renamed.csv", "skipped", 0)
    ]
    assert "crm/customers.csv" in renamed[0].message
    assert {t: n for t, n in after.items() if n != before[t]} == {
        "ingest.ledger": before["ingest.ledger"] + 1
    }

    ingest_all(settings)
    assert table_rows(settings) == after


def test_personal_data_stays_in_restricted_tables(settings):
    ingest_all(settings)

    shared = all_text(settings, ("raw", "ingest"))
    restricted = all_text(settings, ("restricted",))
    for value in PERSONAL_VALUES:
        assert value not in shared
        assert value in restricted
    assert query(
        settings, "SELECT count(*) FROM restricted.customers_pii WHERE email LIKE '%@example.com'"
    ) == [(2,)]


def test_employee_and_agent_ids_are_pseudonymized_everywhere(settings):
    ingest_all(settings)

    everything = all_text(settings, ("raw", "restricted", "ingest"))
    for raw_id in (*RAW_EMPLOYEE_IDS, *RAW_AGENT_IDS):
        assert not re.search(rf"(?<![0-9A-Za-z]){raw_id}(?![0-9A-Za-z])", everything)
    pseudonyms = Pseudonymizer.from_settings(settings)
    agent = pseudonyms.pseudonymize("agent", "A7")
    assert agent.startswith("agt_")
    assert query(
        settings,
        "SELECT e.employee_id FROM raw.employees e JOIN raw.interactions i "
        "USING (agent_id) WHERE i.interaction_id = 't1'",
    ) == [(pseudonyms.pseudonymize("employee", "E1001"),)]
    assert query(settings, "SELECT agent_id FROM raw.interactions WHERE interaction_id = 't1'") == [
        (agent,)
    ]
    assert stat.S_IMODE(settings.key_file.stat().st_mode) == 0o600


@pytest.mark.usefixtures("isolated_settings")
def test_every_raw_table_exists_without_any_export(tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)

    assert ingest_all(settings) == []
    rows = table_rows(settings)
    for entity in load_contract().entities:
        assert rows[f"raw.{entity}"] == 0
    assert rows["ingest.ledger"] == 0


def test_ensure_tables_keeps_rows_and_adds_columns_the_contract_gained(settings):
    ingest_all(settings)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("ALTER TABLE raw.reviews DROP COLUMN location")  # as before a contract change
        ensure_tables(con)
        ensure_tables(con)
        columns = [r[0] for r in con.execute("DESCRIBE raw.reviews").fetchall()]
        rows = con.execute("SELECT count(*) FROM raw.reviews").fetchone()[0]
    assert "location" in columns and rows == 3
