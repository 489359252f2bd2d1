"""The demo's calendar: a fixed end date, milestones, and vectorized timestamp sampling.

Times are int64 seconds since the Unix epoch (naive business-local time) until export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

END_DATE = date(2025, 6, 30)  # fixed, not today, so that output is reproducible
DAY = 86_400
_EPOCH = date(1970, 1, 1)
# Opening-hour weights (08:00-19:59): a morning and an after-lunch peak.
_HOUR_WEIGHTS = np.array([5, 9, 10, 9, 7, 8, 9, 8, 7, 6, 4, 3], dtype=float)


def day_number(d: date) -> int:
    """Days since the epoch."""
    return (d - _EPOCH).days


def weekday(seconds: np.ndarray) -> np.ndarray:
    """Weekday of each timestamp, Monday = 0 (1970-01-01 was a Thursday)."""
    return (seconds // DAY + 3) % 7


def open_hours(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """A timestamp within opening hours on each given day."""
    hours = 8 + rng.choice(
        len(_HOUR_WEIGHTS), size=len(days), p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()
    )
    return days.astype(np.int64) * DAY + hours * 3600 + rng.integers(0, 3600, size=len(days))


def fewer_weekends(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Move most weekend days to the following Monday (quiet weekends, busy Mondays)."""
    dow = (days + 3) % 7
    keep = np.where(dow == 5, 0.5, np.where(dow == 6, 0.3, 1.0))
    move = rng.random(len(days)) >= keep
    return np.where(move, days + (7 - dow), days)


def to_datetime(seconds: np.ndarray) -> pd.Series:
    """Seconds since the epoch as a pandas datetime column (NaT where missing)."""
    values = np.asarray(seconds, dtype="float64")
    out = pd.Series(np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]"))
    ok = ~np.isnan(values)
    out[ok] = values[ok].astype(np.int64).astype("datetime64[s]")
    return out


@dataclass(frozen=True)
class Timeline:
    """The history window and the dates of the business's initiatives."""

    start: date
    end: date  # inclusive

    @classmethod
    def ending(cls, end: date, months: int) -> Timeline:
        """``months`` whole calendar months ending with ``end``'s month."""
        if months < 1:
            raise ValueError("months must be at least 1")
        index = end.year * 12 + end.month - 1 - (months - 1)
        return cls(start=date(index // 12, index % 12 + 1, 1), end=end)

    @property
    def start_day(self) -> int:
        return day_number(self.start)

    @property
    def end_day(self) -> int:
        """First day after the window (exclusive bound)."""
        return day_number(self.end) + 1

    def monday_at(self, fraction: float) -> date:
        """The first Monday on or after the given fraction of the window."""
        d = self.start + timedelta(days=int((self.end - self.start).days * fraction))
        return d + timedelta(days=(7 - d.weekday()) % 7)

    @property
    def outreach_start(self) -> date:
        """Proactive check-in calls after complex purchases begin."""
        return self.monday_at(0.2)

    @property
    def automation_launch(self) -> date:
        """The chatbot takes over part of the chat traffic."""
        return self.monday_at(0.35)

    @property
    def training_start(self) -> date:
        """The empathy training of some frontline teams."""
        return self.monday_at(0.55)

    @property
    def wellbeing_start(self) -> date:
        """A well-being programme for all staff."""
        return self.monday_at(0.7)
