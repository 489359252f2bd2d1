"""Every kind of bad input ends as documented, and read = loaded + quarantined holds throughout."""

from __future__ import annotations

import json
import re

import duckdb
import pytest
from ingest_kit import EXPORTS, MAPPINGS, ingest_all, query, with_mappings, write_export

from orchestration.ingest import BatchVerdict, Pseudonymizer, ingest_source

HEADER = "id;type;score;customer;answered;comment\n"
GOOD = "responses_good.csv"


@pytest.fixture
def settings(isolated_settings, tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    write_export(settings, f"surveys/{GOOD}", HEADER + "g1;csat;4;0042;2024-03-01;ok\n")
    return settings


def _ledger(settings, path: str) -> dict:
    rows = query(
        settings,
        "SELECT status, rows_read, rows_loaded, rows_quarantined, message, "
        "ignored_columns, file_hash FROM ingest.ledger WHERE file_path = ?",
        [path],
    )
    assert len(rows) == 1, rows
    keys = ("status", "read", "loaded", "quarantined", "message", "ignored", "hash")
    entry = dict(zip(keys, rows[0], strict=True))
    assert entry["read"] == entry["loaded"] + entry["quarantined"]
    return entry


def _reasons(settings, path: str) -> dict[int, list[str]]:
    rows = query(
        settings,
        "SELECT row_number, reasons FROM restricted.quarantined_rows "
        "WHERE file_path = ? ORDER BY row_number",
        [path],
    )
    return dict(rows)


def _assert_nothing_from(settings, path: str) -> None:
    file_hash = _ledger(settings, path)["hash"]
    assert query(
        settings, "SELECT count(*) FROM raw.survey_responses WHERE _file_hash = ?", [file_hash]
    ) == [(0,)]
    assert _reasons(settings, path) == {}


def _assert_good_file_loaded(settings) -> None:
    assert _ledger(settings, f"surveys/{GOOD}")["status"] == "loaded"
    assert query(
        settings, "SELECT response_id FROM raw.survey_responses WHERE response_id = 'g1'"
    ) == [("g1",)]


def test_missing_required_column_rejects_the_file(settings):
    write_export(settings, "surveys/responses_noscore.csv", "id;type;customer\nx1;nps;1\n")
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_noscore.csv")
    assert entry["status"] == "rejected" and entry["read"] == 0
    assert "responses_noscore.csv" in entry["message"]
    assert "`score`" in entry["message"] and '"score"' in entry["message"]
    assert "surveys.yml" in entry["message"]
    _assert_nothing_from(settings, "surveys/responses_noscore.csv")
    _assert_good_file_loaded(settings)


def test_wrong_types_are_quarantined_with_reasons(settings):
    write_export(
        settings,
        "surveys/responses_types.csv",
        HEADER
        + "t1;nps;five;1;2024-03-01;\n"
        + "t2;nps;7;1;yesterday;\n"
        + "t3;nps;8;1;2024-03-02;\n",
    )
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_types.csv")
    assert (entry["status"], entry["read"], entry["loaded"], entry["quarantined"]) == (
        "loaded",
        3,
        1,
        2,
    )
    reasons = _reasons(settings, "surveys/responses_types.csv")
    assert reasons[1] == ["score: not a number", "nps_scale: NPS score must be a whole number 0-10"]
    assert any(r.startswith("responded_at: not a valid timestamp") for r in reasons[2])
    original = query(
        settings, "SELECT original_values FROM restricted.quarantined_rows WHERE row_number = 1"
    )[0][0]
    assert json.loads(original)["score"] == "five"


def test_out_of_range_scores_and_unknown_categories_are_quarantined(settings):
    write_export(
        settings,
        "surveys/responses_range.csv",
        HEADER
        + "o1;csat;6;1;2024-03-01;\n"
        + "o2;nps;11;1;2024-03-01;\n"
        + "o3;SMS;3;1;2024-03-01;\n"
        + "o4;CSAT ;5;1;2024-03-01;\n",
    )
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_range.csv")
    assert (entry["read"], entry["loaded"], entry["quarantined"]) == (4, 1, 3)
    reasons = _reasons(settings, "surveys/responses_range.csv")
    assert any(r.startswith("csat_scale:") for r in reasons[1])
    assert "score: above the maximum 10" in reasons[2]
    assert "survey_type: not one of csat, nps, ces" in reasons[3]
    assert query(
        settings, "SELECT survey_type FROM raw.survey_responses WHERE response_id = 'o4'"
    ) == [("csat",)]


def test_duplicate_ids_keep_the_last_occurrence(settings):
    write_export(
        settings,
        "surveys/responses_dups.csv",
        HEADER
        + "d1;nps;3;1;2024-03-01;first\n"
        + "d2;nps;5;1;2024-03-01;\n"
        + "d1;nps;9;1;2024-03-02;second\n",
    )
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_dups.csv")
    assert (entry["read"], entry["loaded"], entry["quarantined"]) == (3, 2, 1)
    assert list(_reasons(settings, "surveys/responses_dups.csv")) == [1]
    assert "duplicate response_id" in _reasons(settings, "surveys/responses_dups.csv")[1][0]
    assert query(
        settings, "SELECT score, _row_number FROM raw.survey_responses WHERE response_id = 'd1'"
    ) == [(9.0, 3)]


def test_latin1_file_is_rejected_until_the_mapping_says_latin1(settings, tmp_path, monkeypatch):
    content = (HEADER + "l1;csat;5;1;2024-03-01;très bien\n").encode("latin-1")
    write_export(settings, "surveys/responses_latin1.csv", content)
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_latin1.csv")
    assert entry["status"] == "rejected"
    assert "responses_latin1.csv" in entry["message"] and "encoding: latin-1" in entry["message"]
    _assert_nothing_from(settings, "surveys/responses_latin1.csv")
    _assert_good_file_loaded(settings)

    assert [r.status for r in ingest_all(settings) if r.recorded] == []  # same mapping: no retry
    latin1 = MAPPINGS["surveys"].replace(
        'delimiter: ";"', 'delimiter: ";"\n            encoding: latin-1'
    )
    with_mappings(tmp_path, monkeypatch, {**MAPPINGS, "surveys": latin1})
    ingest_all(settings)
    assert query(
        settings, "SELECT status FROM ingest.ledger WHERE file_path LIKE '%latin1%' ORDER BY seq"
    ) == [("rejected",), ("loaded",)]
    assert query(settings, "SELECT comment FROM raw.survey_responses WHERE response_id = 'l1'") == [
        ("très bien",)
    ]


def test_byte_order_mark_is_ignored(settings):
    write_export(
        settings, "surveys/responses_bom.csv", "\ufeff" + HEADER + "b1;ces;6;1;2024-03-01;\n"
    )
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_bom.csv")
    assert (entry["status"], entry["loaded"]) == ("loaded", 1)
    assert query(
        settings, "SELECT response_id FROM raw.survey_responses WHERE response_id = 'b1'"
    ) == [("b1",)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (HEADER + "c1;nps;9;1;2024-03-01;fine\nc2;nps;9", "cut off"),
        (HEADER + 'c1;nps;9;1;2024-03-01;fine\nc2;nps;9;1;2024-03-01;"it was', "never closed"),
    ],
)
def test_truncated_file_is_rejected_whole(settings, content, expected):
    write_export(settings, "surveys/responses_cut.csv", content)
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_cut.csv")
    assert entry["status"] == "rejected"
    assert expected in entry["message"] and "Export it again" in entry["message"]
    assert "responses_cut.csv" in entry["message"]
    _assert_nothing_from(settings, "surveys/responses_cut.csv")
    _assert_good_file_loaded(settings)


def test_truncated_json_lines_file_is_rejected_whole(settings):
    write_export(
        settings,
        "crm/tickets_cut.jsonl",
        EXPORTS["crm/tickets.jsonl"] + '{"ticket_id": "t3", "chan',
    )
    ingest_all(settings)

    rows = query(
        settings,
        "SELECT status, message FROM ingest.ledger WHERE file_path = 'crm/tickets_cut.jsonl'",
    )
    assert rows[0][0] == "rejected" and "cut off" in rows[0][1]
    assert query(settings, "SELECT count(*) FROM raw.interactions") == [(0,)]


def test_zero_byte_file_is_rejected(settings):
    write_export(settings, "surveys/responses_empty.csv", b"")
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_empty.csv")
    assert entry["status"] == "rejected" and "empty (0 bytes)" in entry["message"]
    _assert_good_file_loaded(settings)


def test_header_only_file_loads_zero_rows(settings):
    write_export(settings, "surveys/responses_header.csv", HEADER)
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_header.csv")
    assert (entry["status"], entry["read"], entry["loaded"]) == ("loaded", 0, 0)


def test_extra_unknown_columns_are_ignored_and_listed(settings):
    write_export(
        settings,
        "surveys/responses_extra.csv",
        "id;type;score;customer;answered;comment;Browser;Device\n"
        "e1;nps;10;1;2024-03-01;;Firefox;mobile\n",
    )
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_extra.csv")
    assert (entry["status"], entry["loaded"]) == ("loaded", 1)
    assert entry["ignored"] == ["Browser", "Device"]


def test_malformed_middle_row_is_quarantined_and_later_rows_keep_their_numbers(settings):
    write_export(
        settings,
        "surveys/responses_malformed.csv",
        HEADER
        + 'm1;nps;9;1;2024-03-01;"two\nlines"\n'
        + "m2;nps;9\n"
        + "m3;nps;8;1;2024-03-01;ok\n",
    )
    ingest_all(settings)

    entry = _ledger(settings, "surveys/responses_malformed.csv")
    assert (entry["status"], entry["read"], entry["loaded"], entry["quarantined"]) == (
        "loaded",
        3,
        2,
        1,
    )
    reasons = _reasons(settings, "surveys/responses_malformed.csv")
    assert "different number of fields" in reasons[2][0]
    assert query(
        settings,
        "SELECT response_id, _row_number FROM raw.survey_responses "
        "WHERE response_id LIKE 'm%' ORDER BY 1",
    ) == [("m1", 1), ("m3", 3)]


def test_contract_checks_quarantine_rows_across_columns(settings):
    write_export(
        settings,
        "crm/tickets_checks.jsonl",
        '{"ticket_id": "k1", "channel": "chat", "opened": "2024-03-02T10:00:00", '
        '"resolved": "2024-03-01T10:00:00"}\n'
        '{"ticket_id": "k2", "channel": "fax", "opened": "2024-03-02T10:00:00"}\n'
        "not json\n"
        '{"ticket_id": "k3", "channel": "chat", "opened": "2024-03-02T10:00:00"}\n',
    )
    ingest_all(settings)

    rows = query(
        settings,
        "SELECT rows_read, rows_loaded, rows_quarantined FROM ingest.ledger "
        "WHERE file_path = 'crm/tickets_checks.jsonl'",
    )
    assert rows == [(4, 1, 3)]
    reasons = _reasons(settings, "crm/tickets_checks.jsonl")
    assert reasons[1] == ["resolved_after_open: resolved_at is before opened_at"]
    assert reasons[2] == ["channel: not one of phone, email, chat, social, in_person, web"]
    assert "not a JSON object" in reasons[3][0]


def test_hr_quarantine_never_holds_a_raw_employee_id(settings):
    write_export(
        settings,
        "hr/employees_bad.csv",
        "\ufeffEmployeeNumber,Name,Agent,Team,Hired\n"
        "E2001,Ana Example,A9,,01/01/2020\n"
        "E2002,Ben Example,A10,Care\n"
        "E2003,Cy Example,A11,Care,31/02/2020\n"
        "E2004,Di Example,A12,Care,01/01/2021\n",
    )
    ingest_all(settings)

    entry = _ledger(settings, "hr/employees_bad.csv")
    assert (entry["read"], entry["loaded"], entry["quarantined"]) == (4, 1, 3)
    quarantined = str(query(settings, "SELECT * FROM restricted.quarantined_rows"))
    assert not re.search(r"E200\d|\bA(9|10|11)\b", quarantined)
    pseudonym = Pseudonymizer.from_settings(settings).pseudonymize("employee", "E2001")
    assert pseudonym in quarantined


def test_blocking_validation_rejects_the_file_and_warnings_load_it(settings):
    def strict(entity, con, relation):
        if entity != "survey_responses":
            (rows,) = con.execute(f"SELECT count(*) FROM {relation} AS b").fetchone()
            return BatchVerdict(passed=False, blocking=False, message=f"{rows} rows odd")
        (high,) = con.execute(f"SELECT count(*) FROM {relation} AS b WHERE score > 8").fetchone()
        return BatchVerdict(passed=high == 0, blocking=True, message=f"{high} scores above 8")

    write_export(settings, "surveys/responses_high.csv", HEADER + "h1;nps;10;1;2024-03-01;\n")
    write_export(settings, "crm/customers.csv", EXPORTS["crm/customers.csv"])
    with duckdb.connect(str(settings.build_db)) as con:
        surveys = ingest_source(con, settings, "surveys", validate_batch=strict)
        crm = ingest_source(con, settings, "crm", validate_batch=strict)

    statuses = {r.path: (r.status, r.rows_loaded) for r in surveys + crm}
    assert statuses["surveys/responses_high.csv"] == ("rejected", 0)
    assert statuses[f"surveys/{GOOD}"] == ("loaded", 1)
    assert statuses["crm/customers.csv"] == ("loaded", 2)
    assert query(settings, "SELECT file_path, validation FROM ingest.ledger ORDER BY seq") == [
        (f"surveys/{GOOD}", "passed"),
        ("surveys/responses_high.csv", "failed"),
        ("crm/customers.csv", "warning"),
    ]
    assert "1 scores above 8" in _ledger(settings, "surveys/responses_high.csv")["message"]
    assert "validation warning: 2 rows odd" in _ledger(settings, "crm/customers.csv")["message"]
