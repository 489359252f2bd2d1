"""Hardening of ingestion (issue 10): one bad file, a lost key or a hostile mapping.

Each test names the numbered item of the issue it proves; every one failed on the main
branch before the fix.
"""

from __future__ import annotations

import csv
import os
import textwrap
from pathlib import Path

import duckdb
import pytest
from ingest_kit import EXPORTS, MAPPINGS, ingest_all, query, table_rows, with_mappings, write_export

from orchestration.ingest import MappingError, ingest_source, load_contract
from orchestration.ingest import reader as reader_module
from orchestration.ingest.pseudonyms import KeyMismatch
from orchestration.ingest.sandbox import restrict_file_access

HEADER = "id;type;score;customer;answered;comment\n"


@pytest.fixture
def settings(isolated_settings, tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    write_export(settings, "surveys/responses_good.csv", HEADER + "g1;csat;4;0042;2024-03-01;ok\n")
    return settings


def _ledger(settings, path: str) -> tuple[str, int, int, str]:
    rows = query(
        settings,
        "SELECT status, rows_loaded, rows_quarantined, message "
        "FROM ingest.ledger WHERE file_path = ?",
        [path],
    )
    assert len(rows) == 1, rows
    return rows[0]


def _reasons(settings, path: str) -> dict[int, list[str]]:
    return dict(
        query(
            settings,
            "SELECT row_number, reasons FROM restricted.quarantined_rows "
            "WHERE file_path = ? ORDER BY row_number",
            [path],
        )
    )


def _unreadable(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make `path` unreadable: chmod 000, and refuse opening it when tests run as root."""
    path.chmod(0)
    if os.geteuid() != 0:
        return
    real_open = Path.open

    def open_(self: Path, *args: object, **kwargs: object):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


# Item 1 -------------------------------------------------------------------------------------


def test_item1_cr_only_unreadable_and_good_file_in_one_folder(settings, monkeypatch):
    """The CR-only file loads (its line endings are read), the unreadable one is a rejected
    ledger row naming file, cause and fix, and the good file loads: no exception escapes."""
    write_export(
        settings,
        "surveys/responses_cr.csv",
        (HEADER + "c1;nps;9;0042;2024-03-02;\rc2;nps;3;0043;2024-03-03;\r")
        .replace("\n", "\r")
        .encode(),
    )
    locked = write_export(settings, "surveys/responses_locked.csv", HEADER + "x;csat;5;1;;\n")
    _unreadable(monkeypatch, locked)

    ingest_all(settings)

    assert _ledger(settings, "surveys/responses_good.csv")[:2] == ("loaded", 1)
    assert _ledger(settings, "surveys/responses_cr.csv")[:3] == ("loaded", 2, 0)
    status, _, _, message = _ledger(settings, "surveys/responses_locked.csv")
    assert status == "rejected"
    assert "responses_locked.csv" in message and "cannot be read" in message
    assert "chmod" in message
    ingest_all(settings)  # the next run does not add a second row, nor fail
    assert len(query(settings, "SELECT * FROM ingest.ledger WHERE file_path LIKE '%locked%'")) == 1


def test_item1_whatever_raises_while_reading_a_file_becomes_a_ledger_row(settings, monkeypatch):
    real_header = reader_module._header

    def header(path, label, mapping):
        if "broken" in label:
            raise csv.Error("new-line character seen in unquoted field")
        return real_header(path, label, mapping)

    monkeypatch.setattr(reader_module, "_header", header)
    write_export(settings, "surveys/responses_broken.csv", HEADER + "b1;csat;5;1;;\n")
    write_export(settings, "surveys/responses_later.csv", HEADER + "l1;csat;5;1;;\n")
    ingest_all(settings)

    status, _, _, message = _ledger(settings, "surveys/responses_broken.csv")
    assert status == "rejected" and "responses_broken.csv" in message and "Error" in message
    assert "drop it again" in message
    assert _ledger(settings, "surveys/responses_later.csv")[:2] == ("loaded", 1)


# Item 2 -------------------------------------------------------------------------------------


def test_item2_deleted_key_stops_the_run_before_anything_is_written(settings):
    write_export(settings, "hr/employees.csv", EXPORTS["hr/employees.csv"])
    ingest_all(settings)
    settings.key_file.unlink()
    write_export(settings, "surveys/responses_new.csv", HEADER + "n1;csat;5;1;;\n")
    write_export(settings, "hr/employees_2.csv", EXPORTS["hr/employees.csv"].replace("E10", "E20"))
    before = table_rows(settings)

    with duckdb.connect(str(settings.build_db)) as con, pytest.raises(KeyMismatch) as refused:
        ingest_source(con, settings, "surveys")

    message = str(refused.value)
    assert str(settings.key_file) in message and "does not exist" in message
    assert "Restore the key file" in message and "empathy rotate-key" in message
    assert not settings.key_file.exists(), "no new key may be made behind the user's back"
    assert table_rows(settings) == before, "nothing may be written"


def test_item2_a_different_key_is_refused_too(settings):
    ingest_all(settings)
    settings.key_file.write_bytes(os.urandom(32))
    before = table_rows(settings)
    with duckdb.connect(str(settings.build_db)) as con, pytest.raises(KeyMismatch, match="another"):
        ingest_source(con, settings, "hr")
    assert table_rows(settings) == before


# Item 4 -------------------------------------------------------------------------------------


def test_item4_links_outside_the_landing_folder_and_dangling_links_are_rejected(settings, tmp_path):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:TOP-SECRET-LINE\n")
    (settings.landing_dir / "surveys" / "responses_link.csv").symlink_to(secret)
    (settings.landing_dir / "surveys" / "responses_gone.csv").symlink_to(tmp_path / "nowhere.csv")
    inside = write_export(settings, "surveys/archive/kept.csv", HEADER + "k1;csat;5;1;;\n")
    (settings.landing_dir / "surveys" / "responses_inside.csv").symlink_to(inside)

    ingest_all(settings)

    status, _, _, message = _ledger(settings, "surveys/responses_link.csv")
    assert status == "rejected" and "outside the landing folder" in message
    status, _, _, message = _ledger(settings, "surveys/responses_gone.csv")
    assert status == "rejected" and "dangling" in message
    assert _ledger(settings, "surveys/responses_inside.csv")[:2] == ("loaded", 1)
    everything = str(query(settings, "SELECT * FROM ingest.ledger"))
    assert "TOP-SECRET" not in everything and "root:" not in everything


# Item 5 -------------------------------------------------------------------------------------


def _reviews_mapping(platform_sql: str) -> dict[str, str]:
    return {
        "reviews": MAPPINGS["reviews"].replace(
            'platform: {sql: "lower(\\"Source\\")"}', f"platform: {{sql: {platform_sql}}}"
        )
    }


@pytest.mark.parametrize(
    "expression, problem",
    [
        ("\"(SELECT content FROM read_text('/etc/passwd'))\"", "subquery"),
        ("\"'x'; COPY (SELECT 1) TO '{out}'\"", "statement"),
        ("\"content FROM read_text('/etc/passwd')\"", "FROM"),
        ('"$pseudonym_ipad"', "parameter"),
    ],
)
def test_item5_mapping_sql_must_be_one_expression(
    isolated_settings, tmp_path, monkeypatch, expression, problem
):
    out = tmp_path / "written.csv"
    settings = with_mappings(
        tmp_path, monkeypatch, _reviews_mapping(expression.replace("{out}", str(out)))
    )
    write_export(settings, "reviews/google.csv", EXPORTS["reviews/google.csv"])
    with duckdb.connect(str(settings.build_db)) as con, pytest.raises(MappingError) as error:
        ingest_source(con, settings, "reviews")
    assert "column `platform`" in str(error.value) and problem in str(error.value)
    assert not out.exists()


def test_item5_expressions_run_without_access_outside_the_pipeline_folders(settings, tmp_path):
    with duckdb.connect(str(settings.build_db)) as con:
        ingest_source(con, settings, "surveys")
        with pytest.raises(duckdb.PermissionException):
            con.execute("SELECT * FROM read_text('/etc/passwd')").fetchall()
        with pytest.raises(duckdb.Error):
            con.execute(f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
        restrict_file_access(con, [tmp_path])  # a second call on a locked connection is a no-op


# Item 6 -------------------------------------------------------------------------------------


def test_item6_mixed_line_endings_load(settings):
    body = (
        'm1;csat;5;1;2024-03-01;a\r\nm2;csat;4;1;2024-03-02;"two\nlines"\n'
        "m3;csat;3;1;2024-03-03;c\rm4;csat;2;1;2024-03-04;d\r\n"
    )
    write_export(
        settings, "surveys/responses_mixed.csv", (HEADER.replace("\n", "\r\n") + body).encode()
    )
    ingest_all(settings)
    assert _ledger(settings, "surveys/responses_mixed.csv")[:3] == ("loaded", 4, 0)
    assert query(settings, "SELECT comment FROM raw.survey_responses WHERE response_id = 'm2'") == [
        ("two\nlines",)
    ]


def test_item6_nul_after_a_closing_quote_is_quarantined_as_nul(settings):
    write_export(
        settings,
        "surveys/responses_nul.csv",
        (HEADER + 'z1;csat;5;1;2024-03-01;"ok"\0\nz2;csat;4;1;2024-03-02;fine\n').encode(),
    )
    ingest_all(settings)
    assert _ledger(settings, "surveys/responses_nul.csv")[:3] == ("loaded", 1, 1)
    (reason,) = _reasons(settings, "surveys/responses_nul.csv")[1]
    assert "NUL" in reason and "quote" not in reason


def test_item6_long_fields_load_up_to_the_documented_limit(settings, monkeypatch):
    long_text = "x" * (3 << 20)  # over DuckDB's default 2 MB line limit
    write_export(
        settings,
        "surveys/responses_long.csv",
        HEADER + f"L1;csat;5;1;2024-03-01;{long_text}\nL2;csat;4;1;2024-03-02;b\n",
    )
    ingest_all(settings)
    assert _ledger(settings, "surveys/responses_long.csv")[:3] == ("loaded", 2, 0)

    monkeypatch.setattr(reader_module, "MAX_LINE_BYTES", 1 << 20)
    write_export(
        settings,
        "surveys/responses_longer.csv",
        HEADER + f"L3;csat;5;1;2024-03-01;{long_text}\nL4;csat;4;1;2024-03-02;b\n",
    )
    ingest_all(settings)
    assert _ledger(settings, "surveys/responses_longer.csv")[:3] == ("loaded", 1, 1)
    (reason,) = _reasons(settings, "surveys/responses_longer.csv")[1]
    assert "longer than the 1 MiB limit" in reason


# Item 8 (YAML part) -------------------------------------------------------------------------


def test_item8_yaml_errors_give_line_and_column(isolated_settings, tmp_path, monkeypatch):
    broken = textwrap.dedent(MAPPINGS["surveys"]).replace('delimiter: ";"', 'delimiter: [";"')
    settings = with_mappings(tmp_path, monkeypatch, {"surveys": broken})
    with duckdb.connect(str(settings.build_db)) as con, pytest.raises(MappingError) as error:
        ingest_source(con, settings, "surveys", contract=load_contract())
    assert "surveys.yml" in str(error.value)
    assert "at line 7, column 5" in str(error.value)  # the unclosed list, seen at line 7


# Item 9 -------------------------------------------------------------------------------------


def test_item9_nested_json_and_nul_values_are_quarantined_with_reasons(settings):
    write_export(
        settings,
        "crm/tickets_odd.jsonl",
        '{"ticket_id": "t1", "customer": "1", "channel": "chat", '
        '"agent": {"id": "A7", "name": "Sam"}, "opened": "2024-03-01T09:00:00"}\n'
        '{"ticket_id": "t2", "customer": "1", "channel": "chat\\u0000", "agent": "A8", '
        '"opened": "2024-03-01T09:00:00"}\n'
        '{"ticket_id": "t3", "customer": "1", "channel": "chat", "agent": "A8", '
        '"opened": "2024-03-01T09:00:00", "extra": {"nested": "but unused"}}\n',
    )
    write_export(
        settings,
        "surveys/responses_nulq.csv",
        (HEADER + 'q1;csat;5;1;2024-03-01;"a\0b"\n').encode(),
    )
    ingest_all(settings)

    assert _ledger(settings, "crm/tickets_odd.jsonl")[:3] == ("loaded", 1, 2)
    reasons = _reasons(settings, "crm/tickets_odd.jsonl")
    assert "agent holds nested JSON (object)" in reasons[1][0]
    assert "NUL" in reasons[2][0]
    assert query(settings, "SELECT interaction_id FROM raw.interactions") == [("t3",)]
    assert _ledger(settings, "surveys/responses_nulq.csv")[:3] == ("loaded", 0, 1)
    assert query(
        settings,
        "SELECT count(*) FROM raw.survey_responses WHERE contains(coalesce(comment, ''), chr(0))",
    ) == [(0,)]


def test_item2_rotate_key_rekeys_every_pseudonym_in_one_transaction(settings):
    from orchestration.ingest.pseudonyms import Pseudonymizer
    from orchestration.ingest.rekey import RekeyError, rotate_key

    for name in ("hr/employees.csv", "crm/tickets.jsonl"):
        write_export(settings, name, EXPORTS[name])
    write_export(settings, "hr/pulse.csv", EXPORTS["hr/pulse.csv"] + "E1003,3\n")
    ingest_all(settings)
    before = table_rows(settings)
    settings.key_file.unlink()  # the key is lost for good

    moved = settings.landing_dir / "hr" / "pulse.csv"
    moved.rename(moved.with_suffix(".bak"))
    with pytest.raises(RekeyError, match=r"hr/pulse\.csv"):
        rotate_key(settings, b"k" * 32)
    assert not settings.key_file.exists() and table_rows(settings) == before
    moved.with_suffix(".bak").rename(moved)

    report = rotate_key(settings, b"k" * 32)

    new = Pseudonymizer(b"k" * 32)
    assert report.pseudonyms == 5 and settings.key_file.read_bytes() == b"k" * 32
    assert sorted(query(settings, "SELECT employee_id, agent_id FROM raw.employees")) == sorted(
        (new.pseudonymize("employee", e), new.pseudonymize("agent", a))
        for e, a in zip(("E1001", "E1002"), ("A7", "A8"), strict=True)
    )
    assert query(
        settings,
        "SELECT count(*) FROM raw.pulse_surveys p JOIN raw.employees e USING (employee_id)",
    ) == [(2,)]  # E1003 is in no employee file
    assert query(
        settings, "SELECT count(*) FROM raw.interactions i JOIN raw.employees e USING (agent_id)"
    ) == [(2,)]
    assert table_rows(settings) == {**before, "ingest.pseudonym_key": 2}
    write_export(settings, "hr/employees_3.csv", EXPORTS["hr/employees.csv"])
    ingest_all(settings)  # the new key is accepted, and the same ids get the same pseudonyms
    assert query(settings, "SELECT count(DISTINCT employee_id) FROM raw.employees") == [(2,)]


def test_item2_cli_agent_key_never_makes_a_key_and_rotate_key_is_documented(settings, capsys):
    from orchestration.cli import main

    assert main(["agent-key", "A7"]) == 2
    assert not settings.key_file.exists()
    assert "does not exist" in capsys.readouterr().err

    write_export(settings, "hr/employees.csv", EXPORTS["hr/employees.csv"])
    ingest_all(settings)
    settings.key_file.unlink()
    assert main(["rotate-key"]) == 0
    out = capsys.readouterr().out
    assert "re-keyed 4 pseudonyms from 1 export files in one transaction" in out
    with duckdb.connect(str(settings.build_db)) as con:
        ingest_source(con, settings, "hr")  # the new key is the warehouse's key now
    assert main(["agent-key", "A7"]) == 0
    (pseudonym,) = query(
        settings, "SELECT agent_id FROM raw.employees WHERE team = 'Care' ORDER BY hired_at LIMIT 1"
    )[0]
    assert capsys.readouterr().out.strip() == pseudonym
