"""After a real pipeline run: no customer name, email or phone, no staff name and no raw
employee or agent id anywhere outside the `restricted` schema — not in any table of the build
database, not in the serving file, not in the scorecard, not in the Dagster run logs."""

from __future__ import annotations

import random
import re
import uuid
from pathlib import Path

import dagster as dg
import duckdb
import pytest

pytestmark = pytest.mark.slow

# Whole values only: a pattern must not touch a letter, digit or hyphen on either side, so
# generated identifiers (run ids, UUIDs, hashes) whose digit runs look like a phone number
# never match by chance. Both patterns run in DuckDB (RE2) and in Python's `re`.
_EDGE_BEFORE, _EDGE_AFTER = r"(^|[^A-Za-z0-9-])", r"($|[^A-Za-z0-9-])"
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.]+"
PHONE = _EDGE_BEFORE + r"\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}" + _EDGE_AFTER


def test_the_phone_pattern_finds_phones_and_never_matches_generated_identifiers() -> None:
    rng = random.Random(20261130)
    identifiers = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(100_000)]
    identifiers += [f"{rng.getrandbits(256):064x}" for _ in range(1_000)]  # content hashes
    assert [i for i in identifiers if re.search(PHONE, i)] == []
    with duckdb.connect() as con:
        matched = con.execute(
            "SELECT count(*) FROM unnest(?) AS t(s) WHERE regexp_matches(s, ?)",
            [identifiers, PHONE],
        ).fetchone()[0]
    assert matched == 0
    for text in ["Call 555-123-4567 today", "(555) 123-4567", "555.123.4567", "555 123 4567."]:
        assert re.search(PHONE, text), text


def _personal_values(landing: Path) -> dict[str, set[str]]:
    """Every personal value the demo exports hold, read straight from the files."""
    con = duckdb.connect()

    def column(file: str, name: str) -> set[str]:
        rows = con.execute(
            f'SELECT DISTINCT "{name}" FROM read_csv(?, all_varchar=true) '
            f'WHERE "{name}" IS NOT NULL',
            [str(landing / file)],
        ).fetchall()
        return {r[0] for r in rows}

    return {
        "customer name": column("crm/customers.csv", "Full Name"),
        "customer email": column("crm/customers.csv", "E-mail"),
        "customer phone": column("crm/customers.csv", "Phone"),
        "staff name": column("hr/employees.csv", "Name"),
        "staff display name": column("hr/employees.csv", "Preferred Name"),
        "raw employee id": column("hr/employees.csv", "Employee Number"),
        "raw agent id": column("hr/employees.csv", "CRM Agent ID"),
    }


def _string_columns(
    con: duckdb.DuckDBPyConnection, skip_schemas: tuple[str, ...]
) -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns "
        "WHERE NOT list_contains(?, table_schema) AND table_catalog = current_database() "
        "AND (data_type LIKE 'VARCHAR%' OR data_type = 'JSON')",
        [list(skip_schemas)],
    ).fetchall()
    return [(table, column) for table, column in rows]


def _leaks(
    db: Path, values: dict[str, set[str]], skip_schemas: tuple[str, ...] = ("restricted",)
) -> list[str]:
    """(table.column: kind) for every personal value or pattern found in `db`."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute("CREATE TEMP TABLE personal (kind VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO personal VALUES (?, ?)",
        [(kind, v) for kind, vs in values.items() for v in vs],
    )
    found = []
    for table, column in _string_columns(con, skip_schemas):
        text = f'CAST("{column}" AS VARCHAR)'
        hits = con.execute(
            f"""
            WITH v AS (SELECT DISTINCT {text} AS s FROM {table} WHERE "{column}" IS NOT NULL)
            SELECT DISTINCT kind FROM v JOIN personal p ON contains(v.s, p.value)
            UNION ALL SELECT 'email pattern' FROM v WHERE regexp_matches(s, '{EMAIL}')
            UNION ALL SELECT 'phone pattern' FROM v WHERE regexp_matches(s, '{PHONE}')
            """
        ).fetchall()
        found += [f"{table}.{column}: {kind}" for (kind,) in set(hits)]
    con.close()
    return found


def test_no_personal_data_outside_restricted(demo_pipeline) -> None:
    settings = demo_pipeline.settings
    values = _personal_values(settings.landing_dir)
    assert all(values.values()), "the demo exports should carry personal data to look for"

    staff_names = {"staff name", "staff display name"}
    customer_and_ids = {k: v for k, v in values.items() if k not in staff_names}
    # Raw free texts keep the staff names customers wrote: text analytics needs them to link
    # praise to an agent, and masks them in everything it stores.
    assert _leaks(settings.build_db, customer_and_ids) == []
    assert _leaks(settings.build_db, values, skip_schemas=("restricted", "raw")) == []
    assert _leaks(settings.serving_db, values) == []


def test_personal_data_is_kept_in_restricted_only(demo_pipeline) -> None:
    """The scan itself can find things: the restricted schema does hold names and emails."""
    values = _personal_values(demo_pipeline.settings.landing_dir)
    con = duckdb.connect(str(demo_pipeline.settings.build_db), read_only=True)
    restricted_tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'restricted'"
        ).fetchall()
    ]
    con.close()
    leaks = _leaks(demo_pipeline.settings.build_db, values, skip_schemas=("raw",))
    assert any(leak.startswith("restricted.customers_pii") for leak in leaks), restricted_tables
    assert not any("raw employee id" in leak or "raw agent id" in leak for leak in leaks)


def test_no_personal_data_in_scorecard_or_run_logs(demo_pipeline) -> None:
    settings = demo_pipeline.settings
    values = _personal_values(settings.landing_dir)
    scorecard = (settings.reports_dir / "scorecard" / "scorecard.html").read_text()

    with dg.DagsterInstance.from_config(demo_pipeline.env["DAGSTER_HOME"]) as instance:
        logs = "\n".join(
            str(entry) for run in instance.get_runs() for entry in instance.all_logs(run.run_id)
        )
    assert len(logs) > 10_000, "the run logs should have been read"
    for name, text in {"scorecard": scorecard, "run logs": logs}.items():
        for kind, vs in values.items():
            assert not [v for v in vs if v in text], f"{kind} found in the {name}"
        assert not re.search(EMAIL, text), f"an email address in the {name}"
