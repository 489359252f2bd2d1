"""Issue 13, must-show 2: first-response and resolution times and the bot's containment,
recomputed in plain Python from the help-desk export in the landing folder, equal the marts
(fct_service_response_times by channel and overall, fct_automation_containment).

The reference reads the JSON-lines export with the json module through the mapping of
mappings/crm.yml as written there (column names, the two SQL expressions re-implemented by
hand), keeps the last row per ticket id, and shares no code with the pipeline.
"""

import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from effects_warehouse import Warehouse

from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

Z_95 = 1.959963984540054
CHANNELS = {"phone", "email", "chat", "social", "in_person"}


@dataclass(frozen=True)
class Ticket:
    channel: str
    inbound: bool
    bot: bool
    escalated: bool
    first_response_minutes: float | None
    resolution_minutes: float | None


def _minutes(start: datetime, end: str | None, fmt: str) -> float | None:
    return None if not end else (datetime.strptime(end, fmt) - start).total_seconds() / 60


def reference_tickets(landing: Path) -> list[Ticket]:
    """Valid tickets, one per ticket id (the last row of the export wins)."""
    mapping = yaml.safe_load((PROJECT_ROOT / "mappings" / "crm.yml").read_text())
    spec = mapping["entities"]["interactions"]
    cols, fmt = spec["columns"], spec["date_formats"][0]
    rows: dict[str, dict] = {}
    for path in sorted(landing.glob(spec["files"])):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row[cols["interaction_id"]]] = row
    tickets = []
    for row in rows.values():
        via = str(row["via"]).strip().lower()
        channel = "in_person" if via == "walk-in" else via
        if channel not in CHANNELS:
            continue
        opened = datetime.strptime(row[cols["opened_at"]], fmt)
        tickets.append(
            Ticket(
                channel=channel,
                inbound=str(row["direction"]).strip().lower() != "outbound",
                bot=str(row["handled_by_bot"]).lower() == "true",
                escalated=bool(row[cols["escalated_to_human"]]),
                first_response_minutes=_minutes(opened, row[cols["first_response_at"]], fmt),
                resolution_minutes=_minutes(opened, row[cols["resolved_at"]], fmt),
            )
        )
    return tickets


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (percentile_cont, numpy's default)."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    upper = ordered[min(low + 1, len(ordered) - 1)]
    return ordered[low] + (h - low) * (upper - ordered[low])


def median_interval(values: list[float]) -> tuple[float, float]:
    """Distribution-free 95% interval of the median from order statistics (Conover)."""
    ordered, n = sorted(values), len(values)
    half = Z_95 * math.sqrt(n) / 2
    low = max(1, math.floor(n / 2 - half))
    high = min(n, math.ceil(n / 2 + 1 + half))
    return ordered[low - 1], ordered[high - 1]


def wilson(hits: int, n: int) -> tuple[float, float]:
    p = hits / n
    centre = p + Z_95**2 / (2 * n)
    half = Z_95 * math.sqrt(p * (1 - p) / n + Z_95**2 / (4 * n * n))
    low, high = (centre - half) / (1 + Z_95**2 / n), (centre + half) / (1 + Z_95**2 / n)
    return round(max(0.0, low), 6), round(min(1.0, high), 6)


@pytest.fixture(scope="module")
def tickets(planted: Warehouse) -> list[Ticket]:
    found = [t for t in reference_tickets(planted.landing_dir) if t.inbound]
    assert len(found) > 5000
    return found


def _times(group: list[Ticket]) -> tuple:
    first = [t.first_response_minutes for t in group if t.first_response_minutes is not None]
    resolved = [t.resolution_minutes for t in group if t.resolution_minutes is not None]
    return (
        len(group),
        len(first),
        statistics.median(first),
        *median_interval(first),
        quantile(first, 0.9),
        len(resolved),
        statistics.median(resolved),
        *median_interval(resolved),
        quantile(resolved, 0.9),
    )


def test_response_times_match_the_reference(tickets: list[Ticket], planted: Warehouse) -> None:
    groups: dict[tuple[str, str, str], list[Ticket]] = defaultdict(list)
    for t in tickets:
        for responder in ("any", "bot" if t.bot else "agent"):
            groups[(responder, "overall", "overall")].append(t)
            groups[(responder, "channel", t.channel)].append(t)
    expected = {key: _times(group) for key, group in groups.items()}
    published = {
        (r[0], r[1], r[2]): tuple(r[3:])
        for r in planted.query(
            """SELECT first_responder, grain, grain_value, n_conversations, n_responded,
                      median_first_response_minutes, median_first_response_minutes_ci_low,
                      median_first_response_minutes_ci_high, p90_first_response_minutes,
                      n_resolved, median_resolution_minutes, median_resolution_minutes_ci_low,
                      median_resolution_minutes_ci_high, p90_resolution_minutes
               FROM marts.fct_service_response_times WHERE grain IN ('overall', 'channel')"""
        )
    }
    assert set(published) == set(expected)
    for key, values in expected.items():
        assert published[key] == pytest.approx(values, abs=1e-6), key


def test_containment_matches_the_reference(tickets: list[Ticket], planted: Warehouse) -> None:
    groups: dict[tuple[str, str], list[Ticket]] = defaultdict(list)
    for t in (t for t in tickets if t.bot):
        groups[("overall", "overall")].append(t)
        groups[("channel", t.channel)].append(t)
    expected = {}
    for key, group in groups.items():
        n = len(group)
        contained = sum(not t.escalated and t.resolution_minutes is not None for t in group)
        escalated = sum(t.escalated for t in group)
        unresolved = sum(t.resolution_minutes is None for t in group)
        expected[key] = (
            n,
            contained,
            contained / n,
            *wilson(contained, n),
            escalated,
            escalated / n,
            *wilson(escalated, n),
            unresolved,
            unresolved / n,
        )
    published = {
        (r[0], r[1]): tuple(r[2:])
        for r in planted.query(
            """SELECT grain, grain_value, n_bot_conversations, n_contained, containment_rate,
                      containment_rate_ci_low, containment_rate_ci_high, n_escalated,
                      escalation_rate, escalation_rate_ci_low, escalation_rate_ci_high,
                      n_unresolved, unresolved_rate
               FROM marts.fct_automation_containment WHERE grain IN ('overall', 'channel')"""
        )
    }
    assert len(expected) >= 2
    assert set(published) == set(expected)
    for key, values in expected.items():
        assert published[key] == pytest.approx(values, abs=1e-9), key
