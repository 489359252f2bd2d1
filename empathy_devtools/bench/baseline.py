"""The plain baseline: what the same landing files cost without the framework.

One process, pandas and TextBlob only: read the survey and help-desk exports, keep one row per
id (the last row of the latest export, as ingestion and staging do), drop what ingestion
quarantines, compute CSAT, NPS and CES overall, by month and by channel, and score each
distinct text of every text column once with TextBlob. It shares no code with the pipeline
but the mapping files (which file and column holds what). :func:`compare` asserts that its
numbers equal the marts, so the ratio pipeline / baseline compares equal work.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import yaml

SURVEY_TYPES = ("csat", "nps", "ces")
SCALE = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
GRAINS = ("overall", "month", "channel")
# (mart, count columns compared, mean column or None)
MARTS = {
    "csat": ("fct_csat", ("n", "n_top2"), "csat_mean"),
    "nps": ("fct_nps", ("n", "n_promoters", "n_detractors"), "nps"),
    "ces": ("fct_ces", ("n", "n_easy"), "ces_mean"),
}
TEXT_COLUMNS = {  # mapping file, entity, text fields
    "surveys": {"survey_responses": ("comment",), "exit_surveys": ("comment",)},
    "reviews": {"reviews": ("review_text", "reply_text"), "social_mentions": ("mention_text",)},
    "crm": {"interactions": ("transcript",)},
}


@dataclass
class BaselineFigures:
    """Wall and CPU seconds, peak RSS, per-step seconds and what it computed."""

    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)
    distinct_texts: int = 0
    metrics: dict[tuple[str, str, str], tuple] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "wall_seconds": round(self.wall_seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "peak_rss_mb": round(self.peak_rss_mb),
            "steps": {k: round(v, 2) for k, v in self.steps.items()},
            "distinct_texts": self.distinct_texts,
            "metric_rows": len(self.metrics),
        }


def _entity(mappings: Path, source: str, entity: str) -> dict:
    return yaml.safe_load((mappings / f"{source}.yml").read_text("utf-8"))["entities"][entity]


def _files(landing: Path, mapping: dict) -> list[Path]:
    """The entity's exports, oldest first (the order ingestion loads them in)."""
    files = landing.glob(mapping["files"])
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, str(p)))


def _read(path: Path, mapping: dict) -> pd.DataFrame:
    if mapping["format"] == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_csv(
        path, sep=mapping["delimiter"], dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def _latest(frames: list[pd.DataFrame], key: str) -> pd.DataFrame:
    """One row per key: the last row of the latest file that has it."""
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).drop_duplicates(key, keep="last")


def surveys(landing: Path, mappings: Path) -> pd.DataFrame:
    """Valid survey answers (type, score, month, interaction id), one per response id."""
    mapping = _entity(mappings, "surveys", "survey_responses")
    cols = mapping["columns"]
    valid = []
    for path in _files(landing, mapping):
        raw = _read(path, mapping)
        raw = raw.assign(_id=raw[cols["response_id"]].str.strip()).drop_duplicates(
            "_id", keep="last"
        )
        frame = pd.DataFrame(
            {
                "response_id": raw["_id"],
                "survey_type": raw[cols["survey_type"]].str.strip().str.lower(),
                "score": pd.to_numeric(raw[cols["score"]].str.strip(), errors="coerce"),
                "understood": pd.to_numeric(raw[cols["felt_understood"]].str.strip(), "coerce"),
                "understood_text": raw[cols["felt_understood"]].str.strip(),
                "submitted": raw[cols["responded_at"]].str.strip(),
                "interaction_id": raw[cols["interaction_id"]].str.strip(),
            }
        )
        when = pd.to_datetime(
            frame["submitted"], format=mapping["date_formats"][0], errors="coerce"
        )
        low = frame["survey_type"].map({t: lo for t, (lo, _) in SCALE.items()})
        high = frame["survey_type"].map({t: hi for t, (_, hi) in SCALE.items()})
        ok = (
            (frame["response_id"] != "")
            & frame["survey_type"].isin(SURVEY_TYPES)
            & frame["score"].notna()
            & (frame["score"] == frame["score"].round())
            & frame["score"].between(low, high)
            & ((frame["understood_text"] == "") | frame["understood"].between(1, 5))
            & ((frame["submitted"] == "") | when.notna())
        )
        frame["month"] = when.dt.strftime("%Y-%m-01").fillna("unknown")
        valid.append(frame[ok])
    return _latest(valid, "response_id")


def interactions(landing: Path, mappings: Path) -> pd.DataFrame:
    """Ticket id and channel (walk-in is in_person, lower-cased), one row per ticket."""
    mapping = _entity(mappings, "crm", "interactions")
    frames = []
    for path in _files(landing, mapping):
        raw = _read(path, mapping)
        via = raw["via"].astype("string").str.strip().str.lower()
        frames.append(
            pd.DataFrame(
                {
                    "interaction_id": raw["ticket_id"].astype("string").str.strip(),
                    "channel": via.where(via != "walk-in", "in_person"),
                }
            )
        )
    return _latest(frames, "interaction_id")


def survey_metrics(answers: pd.DataFrame, tickets: pd.DataFrame) -> dict:
    """`(survey type, grain, grain value) -> (counts..., mean or NPS)` for every grain."""
    joined = answers.merge(tickets, on="interaction_id", how="left")
    joined["channel"] = joined["channel"].fillna("unknown")
    joined["overall"] = "overall"
    score = joined["score"]
    joined["hit"] = (
        ((joined["survey_type"] == "csat") & (score >= 4))
        | ((joined["survey_type"] == "nps") & (score >= 9))
        | ((joined["survey_type"] == "ces") & (score >= 5))
    )
    joined["detractor"] = (joined["survey_type"] == "nps") & (score <= 6)
    metrics = {}
    for survey_type in SURVEY_TYPES:
        rows = joined[joined["survey_type"] == survey_type]
        for grain in GRAINS:
            grouped = rows.groupby(grain).agg(
                n=("score", "size"),
                hits=("hit", "sum"),
                detractors=("detractor", "sum"),
                mean=("score", "mean"),
            )
            for value, g in grouped.iterrows():
                n, hits, det = int(g["n"]), int(g["hits"]), int(g["detractors"])
                if survey_type == "nps":
                    metrics[(survey_type, grain, value)] = (n, hits, det, 100 * (hits - det) / n)
                else:
                    metrics[(survey_type, grain, value)] = (n, hits, float(g["mean"]))
    return metrics


def _normalized(texts: pd.Series) -> pd.Series:
    return texts.astype("string").str.strip().str.replace(r"[ \t]+", " ", regex=True)


def distinct_texts(landing: Path, mappings: Path) -> list[str]:
    """Every distinct non-empty text of every text column of every export."""
    found: set[str] = set()
    for source, entities in TEXT_COLUMNS.items():
        for entity, fields in entities.items():
            mapping = _entity(mappings, source, entity)
            for path in _files(landing, mapping):
                raw = _read(path, mapping)
                for name in fields:
                    column = mapping["columns"].get(name)
                    if isinstance(column, str) and column in raw.columns:
                        texts = _normalized(raw[column]).dropna()
                        found.update(texts[texts != ""])
    return sorted(found)


def score_texts(texts: list[str]) -> list[float]:
    """TextBlob polarity of each text: the pipeline scorer's work in its simplest form."""
    from textblob import TextBlob

    return [TextBlob(text).sentiment.polarity for text in texts]


def run_baseline(landing: Path, mappings: Path) -> BaselineFigures:
    """The whole baseline once, timed step by step."""
    figures = BaselineFigures()
    cpu0, wall0 = time.process_time(), time.perf_counter()

    def step(name: str, started: float) -> float:
        now = time.perf_counter()
        figures.steps[name] = now - started
        return now

    t = time.perf_counter()
    answers, tickets = surveys(landing, mappings), interactions(landing, mappings)
    t = step("read surveys and tickets", t)
    figures.metrics = survey_metrics(answers, tickets)
    t = step("CSAT, NPS, CES by month and channel", t)
    texts = distinct_texts(landing, mappings)
    t = step("read texts", t)
    score_texts(texts)
    step("score distinct texts (TextBlob)", t)
    figures.distinct_texts = len(texts)
    figures.wall_seconds = time.perf_counter() - wall0
    figures.cpu_seconds = time.process_time() - cpu0
    figures.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def mart_metrics(build_db: Path) -> dict:
    """The same figures read from the marts (grains overall, month, channel)."""
    metrics = {}
    with duckdb.connect(str(build_db), read_only=True) as con:
        for survey_type, (table, counts, value) in MARTS.items():
            rows = con.execute(
                f"SELECT grain, grain_value, {', '.join(counts)}, {value} FROM marts.{table} "
                f"WHERE grain IN ({', '.join(repr(g) for g in GRAINS)})"
                + (" AND ces_scale = 'agree_1_7'" if survey_type == "ces" else "")
            ).fetchall()
            for grain, grain_value, *rest in rows:
                metrics[(survey_type, grain, grain_value)] = tuple(rest)
    return metrics


def compare(baseline: dict, marts: dict, places: int = 9) -> list[str]:
    """Differences between the baseline's numbers and the marts' (empty: they are equal)."""

    def rounded(values: tuple) -> tuple:
        return tuple(round(v, places) if isinstance(v, float) else v for v in values)

    problems = []
    for key in sorted(set(baseline) | set(marts)):
        mine, theirs = baseline.get(key), marts.get(key)
        if mine is None or theirs is None or rounded(mine) != rounded(tuple(theirs)):
            problems.append(f"{key}: baseline {mine}, marts {theirs}")
    return problems
