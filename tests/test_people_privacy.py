"""Must-show 3: an attacker reads every published HR table, tries every difference of two
published aggregates (and every total minus the published figures of one grain inside it, and
consecutive months), and finds no group under 5 people: on the demo business, and on a small
HR export built to tempt it (a team of 4, a department of 6 with one team of 5, a well-being
band of 4, one person leaving between months).

The tempting build ingests the HR exports only and runs `dbt build --select` on the people
marts and their parents (a few seconds), not the whole pipeline.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dbt_kit import run_dbt
from effects_warehouse import Warehouse
from people_attacker import attack, hr_tables, published_cells

from orchestration.ingest import ingest_source
from orchestration.quality.suites import load_suites
from orchestration.settings import Settings

PEOPLE_MARTS = {
    "fct_people_pulse",
    "fct_people_empathy",
    "fct_people_attrition",
    "fct_people_initiatives",
}
REVERSED = (2, 4, 7, 10, 11, 12, 14, 15)

# team -> (department, frontline, people, well-being answer)
TEAMS = {
    "Alpha": ("Support", True, 8, 4),
    "Bravo": ("Support", True, 4, 2),  # a team of 4
    "Charlie": ("Support", True, 7, 3),
    "Delta": ("Billing", True, 5, 4),  # Billing: 6 people, one team of 5 ...
    "Echo": ("Billing", True, 1, 3),  # ... and one person
    "Ops": ("Operations", False, 6, 3),
}
MONTHS = (date(2025, 1, 6), date(2025, 2, 5), date(2025, 3, 5))
LEAVER = "E-Alpha-8"  # leaves between January and February


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _dmy(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def write_tempting_exports(landing: Path) -> None:
    """HR exports of 31 people laid out to tempt every subtraction."""
    employees, answers, sheets = [], [], []
    for team, (department, frontline, size, wellbeing) in TEAMS.items():
        for i in range(1, size + 1):
            employee = f"E-{team}-{i}"
            left = date(2025, 1, 31) if employee == LEAVER else None
            employees.append(
                [
                    employee,
                    f"Person {team} {i}",
                    f"P{i}",
                    f"A-{team}-{i}",
                    team,
                    department,
                    "Y" if frontline else "N",
                    "01/01/2020",
                    _dmy(left),
                ]
            )
            for month in MONTHS:
                if left and month > left:
                    continue
                answers.append(
                    [
                        f"P-{employee}-{month.month}",
                        employee,
                        _dmy(month),
                        3,
                        wellbeing,
                        6 - wellbeing,
                        7 + (i % 4),
                    ]
                )
            items = [0 if q in REVERSED else 3 for q in range(1, 17)]
            if employee == "E-Charlie-1":
                items[0:3] = ["", "", ""]  # three blank items: incomplete
            if employee == "E-Ops-1":
                items[5] = ""  # one blank item: prorated
            sheets.append([f"T-{employee}", employee, "15/01/2025", *items])
    _write(
        landing / "hr" / "employees.csv",
        [
            "Employee Number",
            "Name",
            "Preferred Name",
            "CRM Agent ID",
            "Team",
            "Department",
            "Customer Facing",
            "Start Date",
            "End Date",
        ],
        employees,
    )
    _write(
        landing / "hr" / "pulse_survey.csv",
        [
            "Response",
            "Employee Number",
            "Date",
            "Job satisfaction",
            "Wellbeing",
            "Stress",
            "Recommend as employer (0-10)",
        ],
        answers,
    )
    _write(
        landing / "hr" / "teq_assessments.csv",
        ["Assessment", "Employee Number", "Completed", *(f"Q{i}" for i in range(1, 17))],
        sheets,
    )
    _write(
        landing / "hr" / "initiatives.csv",
        ["ID", "Initiative", "Type", "Start", "End", "Teams"],
        [["INI-1", "Listening skills", "training", "10/02/2025", "12/02/2025", "Alpha"]],
    )


@pytest.fixture(scope="module")
def tempting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tempting HR export, ingested and built into the people marts."""
    root = tmp_path_factory.mktemp("tempting")
    env = {
        "EMPATHY_LANDING_DIR": str(root / "landing"),
        "EMPATHY_BUILD_DB": str(root / "build.duckdb"),
        "EMPATHY_KEY_FILE": str(root / "pseudonym.key"),
    }
    write_tempting_exports(root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
        with duckdb.connect(str(settings.build_db)) as con:
            results = ingest_source(con, settings, "hr")
    assert all(r.status == "loaded" for r in results), [r.message for r in results]
    selection = " ".join(f"+{m}" for m in sorted(PEOPLE_MARTS))
    run_dbt(root / "build.duckdb", "build", "--select", selection)
    return root / "build.duckdb"


def _suppressed(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str | None]:
    return dict(
        con.execute(
            f"SELECT grain || ':' || grain_value, suppression_reason FROM marts.{table} "
            "WHERE is_suppressed"
        ).fetchall()
    )


def test_the_attacker_finds_nothing_in_the_tempting_export(tempting: Path) -> None:
    with duckdb.connect(str(tempting), read_only=True) as con:
        assert set(hr_tables(con)) == PEOPLE_MARTS
        assert attack(published_cells(con)) == []


def test_without_suppression_the_attacker_finds_every_trap(tempting: Path) -> None:
    """The attacker has teeth: on the same figures with nothing withheld it finds them all."""
    with duckdb.connect(str(tempting), read_only=True) as con:
        findings = "\n".join(
            attack(published_cells(con, ignore_suppression=True), check_counts=False)
        )
    assert "fct_people_pulse Bravo: wellbeing of 4 people" in findings  # the team of 4
    assert (
        "fct_people_pulse Billing minus fct_people_pulse Delta: wellbeing of 1 people" in findings
    )
    assert "fct_people_attrition 1-low: employee of 4 people" in findings  # the band of 4
    assert "2025-01-01 -> 2025-02-01: 1 people joined or left" in findings  # the leaver


def test_the_tempting_cells_are_suppressed_with_their_reasons(tempting: Path) -> None:
    with duckdb.connect(str(tempting), read_only=True) as con:
        pulse = _suppressed(con, "fct_people_pulse")
        attrition = _suppressed(con, "fct_people_attrition")
        published = con.execute(
            "SELECT n_people, wellbeing_mean FROM marts.fct_people_pulse "
            "WHERE grain = 'department' AND grain_value = 'Billing'"
        ).fetchone()
        hidden = con.execute(
            "SELECT count(*) FROM marts.fct_people_pulse WHERE is_suppressed "
            "AND coalesce(n_people, n_answers, n_wellbeing, n_enps) IS NOT NULL"
        ).fetchone()[0]
    assert pulse["team:Bravo"] == pulse["team:Echo"] == "fewer than 5 people"
    assert pulse["team:Delta"].startswith("complementary")  # Billing (6) - Delta (5) = Echo
    assert "team:Charlie" in pulse or "team:Alpha" in pulse  # Support - Alpha - Charlie = Bravo
    assert pulse["month:2025-02-01"].startswith("complementary: one to 4 people joined or left")
    assert published == (6, pytest.approx((4 * 5 + 3) / 6))  # the department itself is fine
    assert attrition["wellbeing_band:1-low"] == "fewer than 5 people"
    assert any(r.startswith("complementary") for r in attrition.values())
    assert hidden == 0  # a suppressed row publishes no count either


def test_the_attacker_finds_nothing_in_the_demo(planted: Warehouse) -> None:
    with duckdb.connect(str(planted.build_db), read_only=True) as con:
        assert set(hr_tables(con)) == PEOPLE_MARTS
        cells = published_cells(con)
        assert attack(cells) == []
        assert any(not c.published for c in cells)  # the demo does tempt it (a team of 4 sheets)


def test_no_employee_pseudonym_is_published(planted: Warehouse) -> None:
    """No marts table holds an employee id, an agent-level HR score or an individual answer."""
    with duckdb.connect(str(planted.build_db), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'marts'"
        ).fetchall()
        for table, column, data_type in columns:
            assert column not in {"employee_id", "person_id", "response_id"}, (table, column)
            if data_type == "VARCHAR":
                found = con.execute(
                    f'SELECT count(*) FROM marts."{table}" '
                    f"WHERE \"{column}\" LIKE 'emp\\_%' ESCAPE '\\'"
                ).fetchone()[0]
                assert found == 0, (table, column)
        schemas = {
            r[0]
            for r in con.execute(
                "SELECT table_schema FROM information_schema.tables "
                "WHERE table_name IN ('int_people_agent_outcomes', 'int_people_agent_model', "
                "'int_people_empathy_scored', 'int_people_pulse_answers')"
            ).fetchall()
        }
    assert schemas == {"intermediate"}


def test_people_mart_checks_report_no_values() -> None:
    """Great Expectations results of the people marts carry no value (Dagster metadata)."""
    suites = load_suites("marts")
    people = {name for name in suites if name.startswith("fct_people_")}
    assert people == PEOPLE_MARTS | {"fct_people_customer_link"}
    assert all(suites[name].private for name in people)
