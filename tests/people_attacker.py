"""An attacker of the published HR marts: who is in each published group, and what subtracting
one published figure from another reveals.

The attacker knows the organisation: every employee's team, department and frontline flag,
who answered which pulse and who took which empathy sheet (computed here in plain Python from
the staging data, independently of the dbt models). It reads every published HR table: every
table of the `marts` schema with an `n_people` column. For each published row it rebuilds the
set of contributions (answers, sheets, employees) behind every measure, then tries:

- every row on its own: at least 5 people behind every measure it publishes;
- every difference of two published figures of one measure: when one row's contributions are a
  strict subset of another's, the difference comes from 0 or at least 5 people;
- every published total minus all published figures of one grain inside it (a partition with
  one suppressed cell): the remainder comes from 0 or at least 5 people;
- consecutive months: the people of two adjacent published months are not nested with 1 to 4
  people joining or leaving.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

MIN_PEOPLE = 5
TEQ_MAX_MISSING = 2
WINDOW_DAYS = 90
PULSE = ("job_satisfaction", "wellbeing", "stress", "enps")
IRI = {
    "perspective_taking": (3, 8, 11, 15, 21, 25, 28),
    "fantasy": (1, 5, 7, 12, 16, 23, 26),
    "empathic_concern": (2, 4, 9, 14, 18, 20, 22),
    "personal_distress": (6, 10, 13, 17, 19, 24, 27),
}
EMPATHY = ("teq_total", *(f"iri_{s}" for s in IRI))


@dataclass(frozen=True)
class Contribution:
    """One answer, sheet or employee: its id, its person and the measures it carries."""

    id: str
    person: str
    measures: frozenset[str]


@dataclass
class Cell:
    """One published row: where it is, and the contributions behind it."""

    table: str
    grain: str
    key: str
    period: date | None
    members: list[Contribution]
    published: bool
    n_people: int | None

    def contributions(self, measure: str) -> dict[str, str]:
        return {c.id: c.person for c in self.members if measure in c.measures}


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def hr_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every published table with HR aggregates (a column n_people)."""
    rows = con.execute(
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND column_name = 'n_people' ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def _frontline(flag: object) -> str:
    return "unknown" if flag is None else ("frontline" if flag else "not_frontline")


def _group_of(grain: str, row: dict, when: date | None) -> str:
    if grain == "overall":
        return "overall"
    if grain == "month":
        return "unknown" if when is None else when.replace(day=1).isoformat()
    if grain == "frontline":
        return _frontline(row.get("is_frontline"))
    value = row.get(grain)
    return "unknown" if value is None else str(value)


class Organisation:
    """What the attacker knows, read from the staging layer of the build database."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        employees = _records(con, "SELECT * FROM staging.stg_hr__employees")
        self.employees = {e["employee_id"]: e for e in employees}
        self.answers = _records(con, "SELECT * FROM staging.stg_hr__pulse_surveys")
        self.sheets = _records(con, "SELECT * FROM staging.stg_hr__empathy_assessments")
        self.initiatives = _records(con, "SELECT * FROM staging.stg_hr__trainings")

    def employee(self, employee_id: str) -> dict:
        return self.employees.get(employee_id, {})

    def pulse_contribution(self, answer: dict) -> Contribution:
        measures = frozenset(m for m in PULSE if answer[m] is not None)
        return Contribution(answer["response_id"], answer["employee_id"], measures)

    def sheet_contribution(self, sheet: dict) -> Contribution | None:
        teq = [sheet[f"teq_{i:02d}"] for i in range(1, 17)]
        iri_answered = sum(sheet.get(f"iri_{i:02d}") is not None for i in range(1, 29))
        answered = sum(v is not None for v in teq)
        if answered == 0 and iri_answered == 0:
            return None
        measures = {"teq_total"} if answered >= 16 - TEQ_MAX_MISSING else set()
        for name, items in IRI.items():
            if sum(sheet.get(f"iri_{i:02d}") is not None for i in items) >= len(items) - 1:
                measures.add(f"iri_{name}")
        return Contribution(sheet["assessment_id"], sheet["employee_id"], frozenset(measures))

    def wellbeing_band(self, employee_id: str) -> str:
        values = [
            a["wellbeing"]
            for a in self.answers
            if a["employee_id"] == employee_id and a["wellbeing"] is not None
        ]
        if not values:
            return "unknown"
        mean = sum(values) / len(values)
        return "1-low" if mean < 2.5 else ("2-medium" if mean < 3.5 else "3-high")

    def members(self, table: str, row: dict) -> list[Contribution]:
        """The contributions behind one published row, rebuilt from the organisation."""
        if table == "fct_people_pulse":
            return [
                self.pulse_contribution(a)
                for a in self.answers
                if _group_of(row["grain"], self.employee(a["employee_id"]), _day(a["responded_at"]))
                == row["grain_value"]
            ]
        if table == "fct_people_empathy":
            found = []
            for s in self.sheets:
                contribution = self.sheet_contribution(s)
                group = _group_of(row["grain"], self.employee(s["employee_id"]), s["assessed_at"])
                if contribution and group == row["grain_value"]:
                    found.append(contribution)
            return found
        if table == "fct_people_attrition":
            return [
                Contribution(e, e, frozenset({"employee"}))
                for e in self.employees
                if row["grain"] == "overall" or self.wellbeing_band(e) == row["grain_value"]
            ]
        if table == "fct_people_initiatives":
            return self.initiative_members(row["initiative_id"], row["population"])
        raise AssertionError(f"the attacker does not know how {table} is grouped: teach it")

    def initiative_members(self, initiative_id: str, population: str) -> list[Contribution]:
        (initiative,) = [i for i in self.initiatives if i["initiative_id"] == initiative_id]
        start = initiative["started_at"]
        after_from = initiative["ended_at"] or start
        teams = {t.strip().lower() for t in (initiative["teams"] or "").split(";")}
        windows: dict[str, set[str]] = defaultdict(set)
        chosen = []
        for a in self.answers:
            day = _day(a["responded_at"])
            if day is None:
                continue
            team = (self.employee(a["employee_id"]).get("team") or "").lower()
            trained = "all" in teams or team in teams
            if ("trained" if trained else "untrained") != population:
                continue
            if start - timedelta(days=WINDOW_DAYS) <= day < start:
                windows[a["employee_id"]].add("before")
            elif after_from <= day < after_from + timedelta(days=WINDOW_DAYS):
                windows[a["employee_id"]].add("after")
            else:
                continue
            chosen.append(a)
        panel = {e for e, w in windows.items() if len(w) == 2}
        return [self.pulse_contribution(a) for a in chosen if a["employee_id"] in panel]


def _day(value: object) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") else value


FAMILIES = {
    "fct_people_pulse": ("pulse", PULSE),
    "fct_people_initiatives": ("pulse", PULSE),
    "fct_people_empathy": ("empathy", EMPATHY),
    "fct_people_attrition": ("employees", ("employee",)),
}


def published_cells(
    con: duckdb.DuckDBPyConnection, *, ignore_suppression: bool = False
) -> list[Cell]:
    """Every row of every published HR table with the contributions behind it."""
    org = Organisation(con)
    cells = []
    for table in hr_tables(con):
        for row in _records(con, f"SELECT * FROM marts.{table}"):
            grain = row.get("grain") or "initiative"
            key = row.get("grain_value") or f"{row['initiative_id']}:{row['population']}"
            published = ignore_suppression or not row["is_suppressed"]
            cells.append(
                Cell(
                    table,
                    f"{table}:{grain}",
                    key,
                    row.get("period_start"),
                    org.members(table, row),
                    published,
                    row["n_people"],
                )
            )
    return cells


def _people(contributions: dict[str, str], ids: set[str]) -> int:
    return len({contributions[i] for i in ids})


def attack(cells: list[Cell], *, check_counts: bool = True) -> list[str]:
    """Every group of 1 to 4 people the published figures reveal, in words (empty: none)."""
    findings = []
    published = [c for c in cells if c.published]
    by_family: dict[str, list[Cell]] = defaultdict(list)
    for cell in published:
        by_family[FAMILIES[cell.table][0]].append(cell)
    for _family, family_cells in by_family.items():
        measures = FAMILIES[family_cells[0].table][1]
        for cell in family_cells:
            people = len({c.person for c in cell.members})
            if check_counts and cell.n_people != people:
                findings.append(
                    f"{cell.table} {cell.key}: publishes n_people {cell.n_people}, has {people}"
                )
            for m in measures:
                n = _people(cell.contributions(m), set(cell.contributions(m)))
                if 0 < n < MIN_PEOPLE:
                    findings.append(f"{cell.table} {cell.key}: {m} of {n} people published")
        for m in measures:
            sets = [(cell, cell.contributions(m)) for cell in family_cells]
            for a, sa in sets:
                children: dict[str, set[str]] = defaultdict(set)
                for b, sb in sets:
                    if b is a or not sb or not set(sb) < set(sa):
                        continue
                    n = _people(sa, set(sa) - set(sb))
                    if 0 < n < MIN_PEOPLE:
                        findings.append(
                            f"{a.table} {a.key} minus {b.table} {b.key}: {m} of {n} people"
                        )
                    children[b.grain] |= set(sb)
                for grain, covered in children.items():
                    n = _people(sa, set(sa) - covered)
                    if 0 < n < MIN_PEOPLE:
                        findings.append(
                            f"{a.table} {a.key} minus every published {grain} in it: "
                            f"{m} of {n} people"
                        )
    months = defaultdict(list)
    for cell in cells:
        if cell.period is not None:
            months[cell.grain].append(cell)
    for series in months.values():
        series.sort(key=lambda c: c.period)
        for before, after in itertools.pairwise(series):
            if not (before.published and after.published):
                continue
            pb = {c.person for c in before.members}
            pa = {c.person for c in after.members}
            if (pb <= pa or pa <= pb) and 0 < abs(len(pa) - len(pb)) < MIN_PEOPLE:
                findings.append(
                    f"{before.table} {before.key} -> {after.key}: {abs(len(pa) - len(pb))} "
                    "people joined or left between consecutive published months"
                )
    return findings
