"""Must-show 2: CSAT, NPS and CES recomputed in plain Python from the landing files agree with
the marts to the last decimal, overall and by month.

The reference reads the survey export with the csv module, applies the contract's quarantine
rules (contracts/surveys.yml) and keeps, per response id, the last row of the latest export,
as documented for ingestion and staging. It shares no code with the pipeline.
"""

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.settings import Settings

pytestmark = pytest.mark.slow

Z_95 = 1.959963984540054
EASY = {"agree_1_7": range(5, 8), "effort_1_5": range(1, 3)}
SURVEY_TYPES = ("csat", "nps", "ces")
SCALE_MAX = {"csat": 5, "nps": 10, "agree_1_7": 7, "effort_1_5": 5}


@dataclass
class Answer:
    survey_type: str
    score: float
    month: str
    ces_scale: str | None


@dataclass
class Tally:
    n: int = 0
    scores: list[float] = field(default_factory=list)
    hits: int = 0  # top-2 (CSAT), promoters (NPS), easy (CES)
    detractors: int = 0


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _valid(row: dict[str, str], columns: dict[str, str], date_format: str) -> Answer | None:
    """The row as loaded into raw.survey_responses, or None when ingestion quarantines it."""
    survey_type = row[columns["survey_type"]].strip().lower()
    score = _number(row[columns["score"]].strip())
    if not row[columns["response_id"]].strip() or survey_type not in SURVEY_TYPES or score is None:
        return None
    ces_scale = "agree_1_7" if survey_type == "ces" else None
    low = 0 if survey_type == "nps" else 1
    if score != math.floor(score) or not low <= score <= SCALE_MAX[ces_scale or survey_type]:
        return None
    understood = row[columns["felt_understood"]].strip()
    if understood and not 1 <= (_number(understood) or 0) <= 5:
        return None
    submitted = row[columns["responded_at"]].strip()
    try:
        month = (
            datetime.strptime(submitted, date_format).strftime("%Y-%m-01") if submitted else None
        )
    except ValueError:
        return None
    return Answer(survey_type, score, month or "unknown", ces_scale)


def reference_answers(landing: Path, mappings: Path) -> list[Answer]:
    """Valid survey answers, one per response id: the last row of the latest export wins."""
    mapping = yaml.safe_load((mappings / "surveys.yml").read_text())["entities"]["survey_responses"]
    columns = mapping["columns"]
    files = sorted(landing.glob(mapping["files"]), key=lambda p: (p.stat().st_mtime_ns, str(p)))
    latest: dict[str, Answer | None] = {}
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            in_file: dict[str, dict[str, str]] = {}
            for row in csv.DictReader(handle, delimiter=mapping["delimiter"]):
                in_file[row[columns["response_id"]].strip()] = row  # duplicates: last one kept
        for response_id, row in in_file.items():
            answer = _valid(row, columns, mapping["date_formats"][0])
            if answer is not None:
                latest[response_id] = answer
    return [a for a in latest.values() if a is not None]


def tallies(answers: list[Answer], survey_type: str) -> dict[tuple[str, str], Tally]:
    """Per (grain, grain_value) for grains overall and month."""
    result: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for answer in (a for a in answers if a.survey_type == survey_type):
        for key in (("overall", "overall"), ("month", answer.month)):
            tally = result[key]
            tally.n += 1
            tally.scores.append(answer.score)
            if survey_type == "csat":
                tally.hits += answer.score >= 4
            elif survey_type == "nps":
                tally.hits += answer.score >= 9
                tally.detractors += answer.score <= 6
            else:
                tally.hits += int(answer.score) in EASY[answer.ces_scale]
    return result


def wilson(hits: int, n: int) -> tuple[float, float]:
    p = hits / n
    centre = p + Z_95**2 / (2 * n)
    half = Z_95 * math.sqrt(p * (1 - p) / n + Z_95**2 / (4 * n * n))
    low, high = (centre - half) / (1 + Z_95**2 / n), (centre + half) / (1 + Z_95**2 / n)
    return round(max(0.0, low), 6), round(min(1.0, high), 6)


def adjusted_wald_nps(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    p, d = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
    half = Z_95 * math.sqrt((p + d - (p - d) ** 2) / (n + 3))
    return round(max(-100.0, 100 * (p - d - half)), 6), round(min(100.0, 100 * (p - d + half)), 6)


def mart(build_db: Path, table: str, columns: str) -> dict[tuple[str, str], tuple]:
    with duckdb.connect(str(build_db), read_only=True) as con:
        rows = con.execute(
            f"SELECT grain, grain_value, {columns} FROM marts.{table} "
            "WHERE grain IN ('overall', 'month')"
        ).fetchall()
    return {(grain, value): tuple(rest) for grain, value, *rest in rows}


@pytest.fixture(scope="module")
def answers(demo_pipeline) -> list[Answer]:
    settings: Settings = demo_pipeline.settings
    found = reference_answers(settings.landing_dir, settings.mappings_dir)
    assert {a.survey_type for a in found} == {"csat", "nps", "ces"}
    return found


def test_csat_matches_the_reference(answers: list[Answer], demo_pipeline) -> None:
    expected = {
        key: (
            t.n,
            t.hits,
            t.hits / t.n,
            *wilson(t.hits, t.n),
            sum(t.scores) / t.n,
        )
        for key, t in tallies(answers, "csat").items()
    }
    published = mart(
        demo_pipeline.settings.build_db,
        "fct_csat",
        "n, n_top2, csat_top2_share, csat_top2_share_ci_low, csat_top2_share_ci_high, csat_mean",
    )
    assert len(expected) > 12  # overall and every month of the demo history
    assert published == expected


def test_nps_matches_the_reference(answers: list[Answer], demo_pipeline) -> None:
    expected = {
        key: (
            t.n,
            t.hits,
            t.detractors,
            (t.hits - t.detractors) * 100 / t.n,
            *adjusted_wald_nps(t.hits, t.detractors, t.n),
        )
        for key, t in tallies(answers, "nps").items()
    }
    published = mart(
        demo_pipeline.settings.build_db,
        "fct_nps",
        "n, n_promoters, n_detractors, nps, nps_ci_low, nps_ci_high",
    )
    assert len(expected) > 2
    assert published == expected


def test_ces_matches_the_reference(answers: list[Answer], demo_pipeline) -> None:
    expected = {
        key: (t.n, t.hits, t.hits / t.n, *wilson(t.hits, t.n), sum(t.scores) / t.n)
        for key, t in tallies(answers, "ces").items()
    }
    published = mart(
        demo_pipeline.settings.build_db,
        "fct_ces",
        "n, n_easy, ces_easy_share, ces_easy_share_ci_low, ces_easy_share_ci_high, ces_mean",
    )
    assert len(expected) > 12
    assert published == expected
