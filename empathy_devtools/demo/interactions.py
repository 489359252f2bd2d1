"""Service interactions: inbound contacts with their outcome, and proactive check-in calls.

Each inbound contact gets a channel, a type, a first responder (agent or, after the chatbot
launch, a bot), a resolution, and a latent ``_satisfied`` outcome that the CSAT answer and the
tone of its texts (``_tone``) follow. The planted effects enter here: the understaffed
weekday, the bot gap, team empathy, billing tone and the empathy training.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo.customers import events_over_life
from empathy_devtools.demo.effects import DIP_WEEKDAY, EffectSizes
from empathy_devtools.demo.phrases import NEGATIVE, NEUTRAL, POSITIVE
from empathy_devtools.demo.staff import Staff
from empathy_devtools.demo.timeline import DAY, Timeline, day_number, weekday

CHANNELS = np.array(["phone", "email", "chat", "social", "in_person"], dtype=object)
CHANNEL_SHARE = [0.30, 0.25, 0.25, 0.08, 0.12]
TYPES = np.array(
    ["billing", "technical", "complaint", "delivery", "product", "account", "general"], dtype=object
)
TYPE_SHARE = [0.20, 0.22, 0.10, 0.14, 0.16, 0.10, 0.08]
UNRESOLVED_SHARE = np.array([0.07, 0.20, 0.14, 0.08, 0.05, 0.05, 0.04])  # by type
BOT_SHARE = {"chat": 0.65, "social": 0.30}  # after the chatbot launch
ESCALATION_SHARE = 0.25
# Median seconds (by channel, as in CHANNELS) to the first response and, after it, to the
# resolution; lognormal around them. Technical issues take three times longer to resolve.
FIRST_RESPONSE = np.array([180, 4 * 3600, 60, 2 * 3600, 120])
RESOLUTION = np.array([600, 20 * 3600, 900, 6 * 3600, 900])
BASE_TOP2 = 0.80  # CSAT top-2-box probability before any effect
UNRESOLVED_TOP2 = -0.30
TONE_IF_SATISFIED = (0.08, 0.22, 0.70)  # P(negative, neutral, positive)
TONE_IF_NOT = (0.65, 0.27, 0.08)
TONE_OF_OUTREACH = (0.05, 0.25, 0.70)
_TONES = np.array([NEGATIVE, NEUTRAL, POSITIVE])
FOLLOW_UP_DAYS = 30  # an inbound contact within 30 days of the customer's previous one
ACKNOWLEDGED_SHARE = 0.4  # agents acknowledge the earlier issue in 40% of follow-ups


def draw_tone(rng: np.random.Generator, n: int, probs: tuple[float, float, float]) -> np.ndarray:
    """Tones (NEGATIVE, NEUTRAL, POSITIVE) drawn with the given probabilities."""
    return _TONES[rng.choice(3, n, p=probs)]


def _lognormal(rng: np.random.Generator, medians: np.ndarray, sigma: float) -> np.ndarray:
    return medians * rng.lognormal(0.0, sigma, len(medians))


def uniform_from(seconds: np.ndarray) -> np.ndarray:
    """A uniform number per contact derived from its time (no draw from the generator, so
    the rest of the simulated business stays byte-identical)."""
    whole = np.floor(seconds).astype(np.int64) % (2**31)
    return ((whole * 2654435761) % (2**32)) / 2**32


def _previous_contact(row: np.ndarray, opened: np.ndarray) -> np.ndarray:
    """Index of each contact's previous inbound contact of the same customer (-1: none)."""
    order = np.lexsort((opened, row))
    previous = np.full(len(row), -1)
    same = row[order][1:] == row[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def make_inbound(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    staff: Staff,
    timeline: Timeline,
    sizes: EffectSizes,
) -> pd.DataFrame:
    """Inbound contacts over each customer's potential life (times in seconds)."""
    row, opened = events_over_life(rng, customers, customers["_contact_rate"].to_numpy(), timeline)
    n = len(row)
    channel_index = rng.choice(len(CHANNELS), n, p=CHANNEL_SHARE)
    channel = CHANNELS[channel_index]
    type_index = rng.choice(len(TYPES), n, p=TYPE_SHARE)
    after_launch = opened >= day_number(timeline.automation_launch) * DAY
    bot_share = np.select([channel == c for c in BOT_SHARE], list(BOT_SHARE.values()), 0.0)
    bot = after_launch & (rng.random(n) < bot_share)
    escalated = bot & (rng.random(n) < ESCALATION_SHARE)
    struggling_bot = bot & ~escalated
    unresolved = (
        rng.random(n) < UNRESOLVED_SHARE[type_index] + sizes.bot_extra_unresolved * struggling_bot
    )

    holder = staff.holders(rng.integers(0, len(staff.slot_holder), n), opened)
    by_agent = ~bot
    previous = _previous_contact(row, opened)
    has_previous = previous >= 0
    follow_up = has_previous & (opened - opened[np.maximum(previous, 0)] <= FOLLOW_UP_DAYS * DAY)
    acknowledged = follow_up & by_agent & (uniform_from(opened) < ACKNOWLEDGED_SHARE)
    agent_row = np.where(by_agent | escalated, holder, -1)
    empathy = staff.column("_empathy", holder)
    on_dip_day = weekday(opened) == DIP_WEEKDAY
    top2 = (
        BASE_TOP2
        + sizes.weekday_top2_delta * on_dip_day
        + sizes.bot_top2_delta * bot
        + sizes.team_top2_per_empathy * empathy * by_agent
        + UNRESOLVED_TOP2 * unresolved
    )
    satisfied = rng.random(n) < np.clip(top2, 0.03, 0.97)

    tone = np.where(satisfied, draw_tone(rng, n, TONE_IF_SATISFIED), draw_tone(rng, n, TONE_IF_NOT))
    billing = TYPES[type_index] == "billing"
    tone = np.where(billing & (rng.random(n) < sizes.billing_negative_flip), NEGATIVE, tone)
    trained = (
        by_agent
        & np.isin(staff.column("team", holder), staff.trained_teams)
        & (opened >= day_number(timeline.training_start) * DAY)
    )
    tone = np.where(trained & (rng.random(n) < sizes.training_positive_flip), POSITIVE, tone)

    response = FIRST_RESPONSE[channel_index] * rng.lognormal(0.0, 0.8, n)
    response = np.where(by_agent & on_dip_day, response * sizes.weekday_response_slowdown, response)
    response = np.where(bot, rng.uniform(2, 8, n), response)
    slower = np.where(TYPES[type_index] == "technical", 3.0, 1.0)
    duration = RESOLUTION[channel_index] * slower * rng.lognormal(0.0, 1.0, n)
    resolved = np.where(unresolved, np.nan, opened + response + duration)
    # A customer chasing an issue still open when they contact again: agents answer sooner
    # when ``distressed_priority`` is planted (the resolution time stays as drawn).
    earlier = resolved[np.maximum(previous, 0)]
    distressed = follow_up & ~(earlier <= opened)
    prioritised = np.where(
        by_agent & distressed, response * sizes.distressed_response_factor, response
    )
    return pd.DataFrame(
        {
            "_customer": row,
            "_at": opened,
            "channel": CHANNELS[channel_index],
            "interaction_type": TYPES[type_index],
            "direction": "inbound",
            "handled_by": np.where(bot, "bot", "agent"),
            "escalated_to_human": escalated,
            "_agent_row": agent_row,
            "_first_response": opened + prioritised,
            "_resolved": resolved,
            "_unresolved": unresolved,
            "_follow_up": follow_up,
            "_distressed": distressed,
            "_acknowledged": acknowledged,
            "_satisfied": satisfied,
            "_tone": tone,
            "_empathetic_reply": trained & (sizes.training_positive_flip > 0),
            "product": None,
        }
    )


def lift_acknowledged_csat(
    surveys: pd.DataFrame, interactions: pd.DataFrame, sizes: EffectSizes
) -> pd.DataFrame:
    """CSAT answers after an acknowledged follow-up: a score of 1-3 becomes 4 with probability
    ``acknowledged_lift`` (planted ``acknowledged_follow_up_csat``). Decided from the contact's
    time, not drawn, so the generator's random stream (and every later export) is unchanged."""
    rows = surveys["_interaction"].to_numpy()
    opened = interactions["_at"].to_numpy()[rows]
    lifted = (
        (surveys["survey_type"] == "csat").to_numpy()
        & interactions["_acknowledged"].to_numpy(dtype=bool)[rows]
        & (surveys["score"].to_numpy() <= 3)
        & (uniform_from(opened + 7919) < sizes.acknowledged_lift)
    )
    return surveys.assign(score=np.where(lifted, 4.0, surveys["score"].to_numpy()))


def make_outreach_calls(rng: np.random.Generator, plan: pd.DataFrame, staff: Staff) -> pd.DataFrame:
    """The proactive check-in calls of the reached complex buyers (times in seconds)."""
    reached = plan[plan["reached"]]
    n = len(reached)
    opened = reached["outreach_at"].to_numpy().astype(np.int64)
    holder = staff.holders(rng.integers(0, len(staff.slot_holder), n), opened)
    return pd.DataFrame(
        {
            "_customer": reached["_customer"].to_numpy(),
            "_at": opened,
            "channel": "phone",
            "interaction_type": "product",
            "direction": "proactive",
            "handled_by": "agent",
            "escalated_to_human": False,
            "_agent_row": holder,
            "_first_response": opened,
            "_resolved": opened + rng.integers(5 * 60, 20 * 60, n),
            "_unresolved": False,
            "_follow_up": False,
            "_distressed": False,
            "_acknowledged": False,
            "_satisfied": True,
            "_tone": draw_tone(rng, n, TONE_OF_OUTREACH),
            "_empathetic_reply": False,
            "product": reached["product"].to_numpy(),
        }
    )
