"""Survey answers: CSAT and CES after inbound contacts, quarterly NPS, and exit surveys."""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo import phrases as p
from empathy_devtools.demo.interactions import draw_tone
from empathy_devtools.demo.timeline import DAY, Timeline, open_hours, to_datetime

CSAT_SHARE, CES_SHARE = 0.35, 0.12  # of inbound contacts answering each survey
NPS_RESPONSE = 0.22  # of active customers answering each quarterly NPS survey
EXIT_RESPONSE = 0.4
COMMENT_SHARE = {"csat": 0.45, "ces": 0.30, "nps": 0.35}
FOLLOW_UP_SHARE = 0.5  # CSAT and NPS answers with the felt_understood follow-up
LEAD_SHARE = 0.4  # comments that start by naming what the contact was about
PRAISE_SHARE = 0.15
EXIT_REASON = {
    "Too expensive": "Price",
    "Moving away": "Moving",
    "Switched to competitor": "Competitor",
    "Poor service": "Service",
    "Product didn't work": "Product",
    "Too complicated": "Product",
    "Other": "Other",
}


def _draw(rng: np.random.Generator, values: list[int], probs: list[float], n: int) -> np.ndarray:
    return np.array(values)[rng.choice(len(values), n, p=probs)]


def _by_group(rng: np.random.Generator, yes: np.ndarray, if_yes: tuple, if_no: tuple) -> np.ndarray:
    """A 1-5 style answer drawn from one distribution where ``yes`` and another elsewhere."""
    n = len(yes)
    return np.where(yes, _draw(rng, *if_yes, n), _draw(rng, *if_no, n)).astype(float)


def felt_understood(rng: np.random.Generator, understood: np.ndarray) -> np.ndarray:
    """'The person who helped me understood my situation', 1-5."""
    return _by_group(
        rng, understood, ([3, 4, 5], [0.15, 0.4, 0.45]), ([1, 2, 3, 4], [0.25, 0.35, 0.25, 0.15])
    )


def _with_follow_up(rng: np.random.Generator, understood: np.ndarray) -> np.ndarray:
    return np.where(
        rng.random(len(understood)) < FOLLOW_UP_SHARE, felt_understood(rng, understood), np.nan
    )


def _comments(
    rng: np.random.Generator,
    tone: np.ndarray,
    share: float,
    pools: p.Pools,
    leads: np.ndarray | None = None,
) -> np.ndarray:
    n = len(tone)
    text = p.pick_by(rng, tone, pools)
    if leads is not None:
        text = np.where(rng.random(n) < LEAD_SHARE, leads + text, text)
    return np.where(rng.random(n) < share, text, None)


def _same_day(rng: np.random.Generator, opened: np.ndarray) -> np.ndarray:
    """A time after ``opened`` and before 23:30 the same day."""
    until = (opened // DAY) * DAY + 23 * 3600 + 1800
    return (
        opened
        + 300
        + (rng.random(len(opened)) * np.maximum(until - opened - 300, 1)).astype(np.int64)
    )


def make_interaction_surveys(
    rng: np.random.Generator,
    interactions: pd.DataFrame,
    understood: np.ndarray,
    agent_names: np.ndarray,
) -> pd.DataFrame:
    """CSAT (1-5) and CES (agree 1-7) answered the same day as the inbound contact.

    ``understood`` and ``agent_names`` are given per interaction row.
    """
    inbound = np.flatnonzero((interactions["direction"] == "inbound").to_numpy())
    draw = rng.random(len(inbound))
    csat_rows = inbound[draw < CSAT_SHARE]
    ces_rows = inbound[(draw >= CSAT_SHARE) & (draw < CSAT_SHARE + CES_SHARE)]
    satisfied = interactions["_satisfied"].to_numpy()
    tone = interactions["_tone"].to_numpy()

    csat_score = np.where(
        satisfied[csat_rows],
        _draw(rng, [4, 5], [0.4, 0.6], len(csat_rows)),
        _draw(rng, [1, 2, 3], [0.3, 0.3, 0.4], len(csat_rows)),
    )
    easy = rng.random(len(ces_rows)) < 0.35 + 0.45 * satisfied[ces_rows]
    ces_score = np.where(
        easy,
        _draw(rng, [5, 6, 7], [0.3, 0.4, 0.3], len(ces_rows)),
        _draw(rng, [1, 2, 3, 4], [0.15, 0.25, 0.3, 0.3], len(ces_rows)),
    )
    rows = np.concatenate([csat_rows, ces_rows])
    kind = np.repeat(np.array(["csat", "ces"], dtype=object), [len(csat_rows), len(ces_rows)])
    leads = p.pick_by(
        rng, interactions["interaction_type"].to_numpy()[rows], p.COMMENT_LEAD_BY_TYPE
    )
    comment = np.concatenate(
        [
            _comments(
                rng, tone[csat_rows], COMMENT_SHARE["csat"], p.COMMENT, leads[: len(csat_rows)]
            ),
            _comments(
                rng, tone[ces_rows], COMMENT_SHARE["ces"], p.COMMENT, leads[len(csat_rows) :]
            ),
        ]
    )
    names = agent_names[rows]
    praised = np.flatnonzero(
        (tone[rows] == p.POSITIVE)
        & (names != "")
        & pd.notna(comment)
        & (rng.random(len(rows)) < PRAISE_SHARE)
    )
    comment[praised] = p.praise(rng, p.COMMENT_PRAISE, names[praised])
    follow_up = np.where(kind == "csat", _with_follow_up(rng, understood[rows]), np.nan)
    return pd.DataFrame(
        {
            "_interaction": rows,
            "survey_type": kind,
            "score": np.concatenate([csat_score, ces_score]).astype(float),
            "ces_scale": np.where(kind == "ces", "agree_1_7", None),
            "felt_understood": follow_up,
            "_at": _same_day(rng, interactions["_at"].to_numpy()[rows]),
            "comment": comment,
            "_tone": np.where(pd.notna(comment), tone[rows], np.nan),
        }
    )


def make_nps_surveys(
    rng: np.random.Generator, customers: pd.DataFrame, cancel: np.ndarray, timeline: Timeline
) -> pd.DataFrame:
    """Rolling relationship NPS: each customer is invited on one random day per quarter."""
    quarters = pd.date_range(
        timeline.start, timeline.end, freq="QS-" + timeline.start.strftime("%b").upper()
    )
    first_days = (quarters - pd.Timestamp("1970-01-01")).days.to_numpy()
    lengths = np.diff(np.append(first_days, timeline.end_day))
    n = len(customers)
    row = np.repeat(np.arange(n), len(first_days))
    offset = (rng.random(len(row)) * np.tile(lengths, n)).astype(np.int64)
    invited = open_hours(rng, np.tile(first_days, n) + offset)
    active = (customers["_active_from"].to_numpy()[row] <= invited) & (invited < cancel[row])
    answered = active & (rng.random(len(row)) < NPS_RESPONSE)
    row, invited = row[answered], invited[answered]
    understood = customers["_understood"].to_numpy()[row]
    draw = rng.random(len(row))
    promoter = draw < 0.40 + 0.20 * understood
    detractor = ~promoter & (draw > 0.75 + 0.12 * understood)
    score = np.select(
        [promoter, detractor],
        [
            _draw(rng, [9, 10], [0.45, 0.55], len(row)),
            _draw(rng, list(range(7)), [0.03, 0.03, 0.05, 0.09, 0.15, 0.25, 0.4], len(row)),
        ],
        _draw(rng, [7, 8], [0.5, 0.5], len(row)),
    )
    tone = np.select(
        [promoter, detractor],
        [draw_tone(rng, len(row), (0.0, 0.15, 0.85)), draw_tone(rng, len(row), (0.75, 0.25, 0.0))],
        draw_tone(rng, len(row), (0.15, 0.6, 0.25)),
    )
    comment = _comments(rng, tone, COMMENT_SHARE["nps"], p.NPS_COMMENT)
    answered_at = np.minimum(
        invited + rng.integers(600, 4 * DAY, len(row)), timeline.end_day * DAY - 60
    )
    return pd.DataFrame(
        {
            "_customer": row,
            "survey_type": "nps",
            "score": score.astype(float),
            "ces_scale": None,
            "felt_understood": _with_follow_up(rng, understood),
            "_at": answered_at,
            "comment": comment,
            "_tone": np.where(pd.notna(comment), tone, np.nan),
        }
    )


def make_exit_surveys(
    rng: np.random.Generator,
    cancellations: pd.DataFrame,
    understood: np.ndarray,
    timeline: Timeline,
) -> pd.DataFrame:
    """Exit-survey answers of churned customers (``understood`` per cancellation row)."""
    cancelled = cancellations["cancelled_at"].to_numpy().astype("datetime64[s]").astype(np.int64)
    answered_at = cancelled + rng.integers(DAY, 10 * DAY, len(cancellations))
    keep = (rng.random(len(cancellations)) < EXIT_RESPONSE) & (answered_at < timeline.end_day * DAY)
    rows = np.flatnonzero(keep)
    u = understood[rows]
    reason = cancellations["reason"].map(EXIT_REASON).to_numpy()[rows]
    comment = p.pick_by(rng, reason, p.EXIT_COMMENT_BY_REASON)
    return pd.DataFrame(
        {
            "customer_id": cancellations["customer_id"].to_numpy()[rows],
            "responded_at": to_datetime(answered_at[rows]),
            "felt_understood": _by_group(
                rng,
                u,
                ([2, 3, 4, 5], [0.1, 0.25, 0.35, 0.3]),
                ([1, 2, 3, 4], [0.35, 0.35, 0.2, 0.1]),
            ),
            "felt_valued": _by_group(
                rng, u, ([2, 3, 4, 5], [0.15, 0.3, 0.35, 0.2]), ([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1])
            ),
            "reason": reason,
            "comment": np.where((comment != "") & (rng.random(len(rows)) < 0.6), comment, None),
        }
    )
