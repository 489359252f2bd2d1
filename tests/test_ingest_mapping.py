"""Contract access, mapping errors that say what to fix, and pseudonyms equal in SQL and Python."""

from __future__ import annotations

import textwrap

import duckdb
import pytest
from ingest_kit import MAPPINGS, with_mappings

from orchestration.ingest import (
    MappingError,
    Pseudonymizer,
    ingest_source,
    load_contract,
    load_source_mapping,
)


def test_contract_exposes_flags_others_build_on():
    contract = load_contract()

    reviews = contract.entities["reviews"]
    assert [c.name for c in reviews.text_columns] == ["review_text", "reply_text"]
    assert [c.name for c in reviews.pii_columns] == ["author_name"]
    assert "author_name" not in [c.name for c in reviews.raw_columns]
    assert contract.entities["pulse_surveys"].business_key == ("response_id",)
    assert {
        c.name: c.pseudonymize for c in contract.entities["employees"].pseudonymized_columns
    } == {"employee_id": "employee", "agent_id": "agent"}
    assert contract.entities["interactions"].column("channel").accepted == (
        "phone",
        "email",
        "chat",
        "social",
        "in_person",
        "web",
    )


def _write(tmp_path, text: str):
    (tmp_path / "surveys.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            """
     files: "s/*.csv"
     columns: {response_id: id, survey_type: t, score: s, mood: m}
     """,
            "unknown canonical column(s) ['mood']",
        ),
        (
            """
     files: "s/*.csv"
     columns: {response_id: id, score: s}
     """,
            "required column(s) ['survey_type'] are not mapped",
        ),
        (
            """
     files: "s/*.csv"
     encoding: cp1252
     columns: {response_id: id, survey_type: t, score: s}
     """,
            "`encoding: cp1252` is not supported",
        ),
        (
            """
     files: "s/*.csv"
     delimiter: ";;"
     columns: {response_id: id, survey_type: t, score: s}
     """,
            "`delimiter:` must be a single character",
        ),
        (
            """
     columns: {response_id: id, survey_type: t, score: s}
     """,
            "`files:` must be a glob",
        ),
        (
            """
     files: "s/*.csv"
     columns: {response_id: id, survey_type: {expr: "'nps'"}, score: s}
     """,
            "column `survey_type` must be an export column name, {sql:",
        ),
    ],
)
def test_bad_mappings_are_refused_with_the_fix(tmp_path, body, expected):
    indented = textwrap.indent(textwrap.dedent(body), "    ")
    _write(tmp_path, f"source: surveys\nentities:\n  survey_responses:{indented}")

    with pytest.raises(MappingError) as error:
        load_source_mapping(tmp_path, "surveys", load_contract())
    assert expected in str(error.value)
    assert "surveys.yml" in str(error.value) and "survey_responses" in str(error.value)


def test_unknown_entity_and_absent_mapping(tmp_path):
    assert load_source_mapping(tmp_path, "surveys", load_contract()) == []
    _write(tmp_path, "source: surveys\nentities:\n  csat: {files: x, columns: {a: b}}\n")
    with pytest.raises(MappingError, match=r"unknown entities \['csat'\]"):
        load_source_mapping(tmp_path, "surveys", load_contract())


@pytest.mark.usefixtures("isolated_settings")
def test_a_bad_mapping_stops_ingestion_of_its_source(tmp_path, monkeypatch):
    broken = MAPPINGS["surveys"].replace("score: score", "scor: score")
    settings = with_mappings(tmp_path, monkeypatch, {"surveys": broken})
    with duckdb.connect(str(settings.build_db)) as con, pytest.raises(MappingError, match="scor"):
        ingest_source(con, settings, "surveys")


@pytest.mark.usefixtures("isolated_settings")
def test_pseudonyms_are_equal_in_sql_and_python_and_depend_on_the_key(tmp_path, monkeypatch):
    settings = with_mappings(tmp_path, monkeypatch)
    pseudonymizer = Pseudonymizer.from_settings(settings)
    values = ["E1001", "0007", "Ünïcode id", "a'quote", "x" * 200]
    with duckdb.connect() as con:
        con.execute("CREATE TABLE ids AS SELECT unnest(?) AS v", [values])
        sql = pseudonymizer.sql("employee", "v")
        in_sql = dict(
            con.execute(f"SELECT v, {sql} FROM ids", pseudonymizer.sql_parameters()).fetchall()
        )
    assert in_sql == {v: pseudonymizer.pseudonymize("employee", v) for v in values}
    assert len(set(in_sql.values())) == len(values)
    assert Pseudonymizer.from_settings(settings).pseudonymize(
        "agent", "A7"
    ) == pseudonymizer.pseudonymize("agent", "A7")
    assert Pseudonymizer(b"k" * 32).pseudonymize("agent", "A7") != pseudonymizer.pseudonymize(
        "agent", "A7"
    )
    assert pseudonymizer.pseudonymize("employee", "A7") != pseudonymizer.pseudonymize("agent", "A7")
