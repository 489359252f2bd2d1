"""Shared helpers of the ingestion tests: a small mapping per source and tiny export files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import FileResult, ingest_source, load_contract
from orchestration.settings import Settings

MAPPINGS = {
    "reviews": """
        source: reviews
        entities:
          reviews:
            files: "reviews/*.csv"
            date_formats: ["%m/%d/%Y"]
            columns:
              review_id: Review ID
              platform: {sql: "lower(\\"Source\\")"}
              rating: Stars
              review_text: Review
              created_at: Date
              author_name: Author
    """,
    "surveys": """
        source: surveys
        entities:
          survey_responses:
            files: "surveys/responses*.csv"
            delimiter: ";"
            columns:
              response_id: id
              survey_type: type
              score: score
              customer_id: customer
              responded_at: answered
              comment: comment
    """,
    "crm": """
        source: crm
        entities:
          customers:
            files: "crm/customers*.csv"
            columns:
              customer_id: Customer ID
              full_name: Full Name
              email: E-mail
              phone: Phone
              is_churned: Churned
              tenure_months: Tenure
          interactions:
            files: "crm/tickets*.jsonl"
            format: jsonl
            columns:
              interaction_id: ticket_id
              customer_id: customer
              channel: channel
              agent_id: agent
              opened_at: opened
              resolved_at: resolved
              transcript: transcript
    """,
    "hr": """
        source: hr
        entities:
          employees:
            files: "hr/employees*.csv"
            date_formats: ["%d/%m/%Y"]
            columns:
              employee_id: EmployeeNumber
              full_name: Name
              agent_id: Agent
              team: Team
              hired_at: Hired
          pulse_surveys:
            files: "hr/pulse*.csv"
            columns:
              response_id: {sql: "_file_name || ':' || _row_number"}
              employee_id: EmployeeNumber
              job_satisfaction: {sql: "1 + (TRY_CAST(Satisfaction AS DOUBLE) - 1) * 4 / 3"}
    """,
}

EXPORTS = {
    "reviews/google.csv": (
        "Review ID,Source,Stars,Review,Date,Author\n"
        "r1,Google,5,Sam was so helpful,03/01/2024,Alice Example\n"
        'r2,Google,2,"On hold for an hour, never called back",03/02/2024,Bob Example\n'
        "r3,Yelp,4,,03/03/2024,\n"
    ),
    "surveys/responses_2024.csv": (
        "id;type;score;customer;answered;comment\n"
        "s1;CSAT;5;0042;2024-03-01 10:00;great\n"
        "s2;nps;9;0043;2024-03-02;\n"
        "s3;ces;6;;2024-03-03;easy\n"
    ),
    "crm/customers.csv": (
        "Customer ID,Full Name,E-mail,Phone,Churned,Tenure\n"
        "0042,Alice Example,alice@example.com,+1 555 0100,No,12\n"
        "0043,Bob Example,bob@example.com,+1 555 0101,Yes,\n"
    ),
    "crm/tickets.jsonl": (
        '{"ticket_id": "t1", "customer": "0042", "channel": "Phone ", "agent": "A7", '
        '"opened": "2024-03-01T09:00:00", "resolved": "2024-03-01T10:00:00", '
        '"transcript": "customer: hi\\nagent: hello"}\n'
        '{"ticket_id": "t2", "customer": "0043", "channel": "EMAIL", "agent": "A8", '
        '"opened": "2024-03-02T09:00:00", "resolved": null}\n'
    ),
    "hr/employees.csv": (
        "\ufeffEmployeeNumber,Name,Agent,Team,Hired\n"
        "E1001,Sam Brown,A7,Care,15/01/2020\n"
        "E1002,Kim Lee,A8,Care,01/06/2021\n"
    ),
    "hr/pulse.csv": ("EmployeeNumber,Satisfaction\nE1001,4\nE1002,1\n"),
}

RAW_EMPLOYEE_IDS = ("E1001", "E1002")
RAW_AGENT_IDS = ("A7", "A8")
PERSONAL_VALUES = (
    "Alice Example",
    "Bob Example",
    "alice@example.com",
    "+1 555 0100",
    "Sam Brown",
    "Kim Lee",
)


def with_mappings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mappings: dict[str, str] = MAPPINGS
) -> Settings:
    """Settings of `isolated_settings` (request it first) reading these mapping files."""
    mappings_dir = tmp_path / "mappings"
    mappings_dir.mkdir(exist_ok=True)
    for source, text in mappings.items():
        (mappings_dir / f"{source}.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.setenv("EMPATHY_MAPPINGS_DIR", str(mappings_dir))
    settings = Settings.from_env()
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    return settings


def write_export(settings: Settings, relative: str, content: str | bytes) -> Path:
    """Write one export file into the landing folder."""
    path = settings.landing_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def ingest_all(settings: Settings) -> list[FileResult]:
    """Ingest every source into the build database."""
    with duckdb.connect(str(settings.build_db)) as con:
        return [r for s in load_contract().sources for r in ingest_source(con, settings, s)]


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on the build database."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def table_rows(settings: Settings) -> dict[str, int]:
    """Row count of every table of the build database."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        ).fetchall()
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in tables}


def all_text(settings: Settings, schemas: tuple[str, ...]) -> str:
    """Every value of every table in `schemas`, as one string, to search for leaked values."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            f"WHERE table_schema IN ({', '.join('?' for _ in schemas)})",
            list(schemas),
        ).fetchall()
        return "\n".join(
            str(row) for (t,) in tables for row in con.execute(f"SELECT * FROM {t}").fetchall()
        )
