"""Employees in teams, their pulse surveys, TEQ answer sheets and the business's initiatives.

Frontline work is organised in *slots*: each slot belongs to a team and is held by one
agent at a time; when an agent leaves, a successor takes the slot over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from empathy_devtools.demo.keys import sequence_ids
from empathy_devtools.demo.names import People
from empathy_devtools.demo.timeline import DAY, Timeline, to_datetime

TEAM_NAMES = (
    "Harbor", "Summit", "Meadow", "Canyon", "Prairie", "Delta", "Aurora", "Beacon", "Cedar",
    "Willow", "Granite", "Lagoon",
)  # fmt: skip
BACK_OFFICE = "Operations"
MIN_TEAM = 5  # HR aggregates are suppressed below 5 people
TEQ_ITEMS = 16
TEQ_REVERSED = (2, 4, 7, 10, 11, 12, 14, 15)  # 1-based items scored 4 - answer


@dataclass(frozen=True)
class Staff:
    """Employees (canonical columns plus ``_empathy``, the team's latent empathy -1..1)."""

    employees: pd.DataFrame
    slot_team: np.ndarray  # team name of each frontline slot
    slot_holder: np.ndarray  # employee row of each slot's first holder
    slot_successor: np.ndarray  # employee row of the successor, -1 if none
    slot_handover: np.ndarray  # seconds when the successor takes over
    trained_teams: tuple[str, ...]

    def holders(self, slots: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Employee row holding each slot at each time."""
        later = at >= self.slot_handover[slots]
        return np.where(later, self.slot_successor[slots], self.slot_holder[slots])

    def column(self, name: str, rows: np.ndarray) -> np.ndarray:
        """An employees column looked up by employee row."""
        return self.employees[name].to_numpy()[rows]


def _team_names(n: int) -> np.ndarray:
    """'Team Harbor', ... and 'Team Harbor 2', ... once the names run out."""
    names = [f"Team {TEAM_NAMES[i % len(TEAM_NAMES)]}" for i in range(n)]
    rounds = [f" {i // len(TEAM_NAMES) + 1}" if i >= len(TEAM_NAMES) else "" for i in range(n)]
    return np.array([a + b for a, b in zip(names, rounds, strict=True)], dtype=object)


def make_staff(rng: np.random.Generator, agents: int, timeline: Timeline) -> Staff:
    """Frontline teams of at least five agents (when there are enough), leavers and back office."""
    if agents < 1:
        raise ValueError("agents must be at least 1")
    n_teams = max(1, agents // MIN_TEAM)
    teams = _team_names(n_teams)
    slot_team_index = np.arange(agents) % n_teams
    empathy = rng.permutation(np.linspace(-1.0, 1.0, n_teams)) if n_teams > 1 else np.zeros(1)

    start, end = timeline.start_day, timeline.end_day
    has_successor = rng.random(agents) < 0.15
    handover_day = rng.integers(start + 30, max(start + 31, end - 30), agents)
    n_back = max(MIN_TEAM, agents // 4)
    n_people = agents + int(has_successor.sum()) + n_back
    people = People.distinct_display(rng, n_people)

    successor_slots = np.flatnonzero(has_successor)
    frontline_team = np.concatenate([slot_team_index, slot_team_index[successor_slots]])
    hired = np.concatenate(
        [
            start - rng.integers(90, 2200, agents),
            handover_day[successor_slots] - 7,
            start - rng.integers(90, 2200, n_back),
        ]
    )
    left = np.full(n_people, np.nan)
    left[successor_slots] = handover_day[successor_slots]
    n_front = agents + len(successor_slots)
    is_front = np.arange(n_people) < n_front

    employees = pd.DataFrame(
        {
            "employee_id": sequence_ids("E", n_people, 1001, 4),
            "full_name": people.full_names(),
            "display_name": people.display_names(),
            "agent_id": np.where(is_front, sequence_ids("A-", n_people, 2001, 4), None),
            "team": np.concatenate([teams[frontline_team], np.full(n_back, BACK_OFFICE, object)]),
            "department": np.where(is_front, "Customer Service", "Operations"),
            "is_frontline": is_front,
            "hired_at": to_datetime(hired * DAY),
            "left_at": to_datetime(left * DAY),
            "_empathy": np.concatenate([empathy[frontline_team], np.zeros(n_back)]),
            "_hired_day": hired,
            "_left_day": np.where(np.isnan(left), np.inf, left),
        }
    )
    successor = np.full(agents, -1)
    successor[successor_slots] = agents + np.arange(len(successor_slots))
    handover = np.where(has_successor, handover_day * DAY, np.iinfo(np.int64).max)
    n_trained = max(1, n_teams // 2)
    trained = tuple(sorted(rng.choice(teams, n_trained, replace=False)))
    return Staff(employees, teams[slot_team_index], np.arange(agents), successor, handover, trained)


def _active_grid(staff: Staff, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(employee row, day) for every employee employed on each given day."""
    emp = np.repeat(np.arange(len(staff.employees)), len(days))
    day = np.tile(days, len(staff.employees))
    hired = staff.employees["_hired_day"].to_numpy()[emp]
    left = staff.employees["_left_day"].to_numpy()[emp]
    keep = (hired <= day) & (day < left)
    return emp[keep], day[keep]


def _scale(
    rng: np.random.Generator, centre: np.ndarray, spread: float, low: int, high: int
) -> np.ndarray:
    return np.clip(np.rint(centre + rng.normal(0, spread, len(centre))), low, high)


def make_pulse_surveys(rng: np.random.Generator, staff: Staff, timeline: Timeline) -> pd.DataFrame:
    """Monthly pulse answers; well-being and satisfaction follow the team's empathy climate."""
    months = pd.date_range(timeline.start, timeline.end, freq="MS")
    days = ((months - pd.Timestamp("1970-01-01")).days + 5).to_numpy()
    emp, day = _active_grid(staff, days)
    answered = rng.random(len(emp)) < 0.8
    emp, day = emp[answered], day[answered]
    e = staff.employees["_empathy"].to_numpy()[emp]
    seconds = (day + rng.integers(0, 7, len(day))) * DAY + rng.integers(
        9 * 3600, 17 * 3600, len(day)
    )
    return pd.DataFrame(
        {
            "response_id": sequence_ids("P", len(emp), 100001),
            "employee_id": staff.employees["employee_id"].to_numpy()[emp],
            "responded_at": to_datetime(seconds),
            "job_satisfaction": _scale(rng, 3.5 + 0.5 * e, 0.8, 1, 5),
            "wellbeing": _scale(rng, 3.4 + 0.6 * e, 0.8, 1, 5),
            "stress": _scale(rng, 2.8 - 0.5 * e, 0.9, 1, 5),
            "enps": _scale(rng, 7.0 + 1.5 * e, 1.8, 0, 10).astype(int),
        }
    )


def make_empathy_assessments(
    rng: np.random.Generator, staff: Staff, timeline: Timeline
) -> pd.DataFrame:
    """TEQ answer sheets in two waves, raw as answered.

    Empathetic people answer the reverse-scored items low.
    """
    waves = np.array([timeline.start_day + 30, timeline.start_day + 270])
    emp, day = _active_grid(staff, waves[waves < timeline.end_day])
    done = rng.random(len(emp)) < 0.9
    emp, day = emp[done], day[done]
    e = staff.employees["_empathy"].to_numpy()[emp]
    target = 42 + 7 * e + rng.normal(0, 3.5, len(emp))
    scored = np.clip(
        np.rint(target[:, None] / TEQ_ITEMS + rng.normal(0, 0.7, (len(emp), TEQ_ITEMS))), 0, 4
    )
    reverse = np.isin(np.arange(1, TEQ_ITEMS + 1), TEQ_REVERSED)
    answers = np.where(reverse, 4 - scored, scored).astype(int)
    frame = pd.DataFrame(
        {
            "assessment_id": sequence_ids("TEQ-", len(emp), 5001, 4),
            "employee_id": staff.employees["employee_id"].to_numpy()[emp],
            "assessed_at": to_datetime((day + rng.integers(0, 10, len(day))) * DAY),
        }
    )
    items = pd.DataFrame(answers, columns=[f"teq_{i:02d}" for i in range(1, TEQ_ITEMS + 1)])
    return pd.concat([frame, items], axis=1)


def make_trainings(staff: Staff, timeline: Timeline) -> pd.DataFrame:
    """The initiatives: outreach calls, the chatbot launch, the empathy training, well-being."""
    rows = [
        (
            "INI-01",
            "Proactive setup check-in calls",
            "process_change",
            timeline.outreach_start,
            None,
            "all",
        ),
        ("INI-02", "Website chatbot", "automation_launch", timeline.automation_launch, None, "all"),
        (
            "INI-03",
            "Empathy in every conversation",
            "training",
            timeline.training_start,
            timeline.training_start + timedelta(days=11),
            ";".join(staff.trained_teams),
        ),
        (
            "INI-04",
            "Well-being programme",
            "wellbeing_program",
            timeline.wellbeing_start,
            None,
            "all",
        ),
    ]
    columns = ["initiative_id", "initiative_name", "kind", "started_at", "ended_at", "teams"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("started_at", "ended_at"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    return frame
