"""Conversation transcripts composed from phrase templates, one turn per line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo import phrases as p

PRAISE_SHARE = 0.15  # positive closings that thank the agent by name


def _lines(*parts: np.ndarray | str) -> np.ndarray:
    out = parts[0]
    for part in parts[1:]:
        out = out + part
    return out


def make_transcripts(
    rng: np.random.Generator, interactions: pd.DataFrame, agent_names: np.ndarray
) -> np.ndarray:
    """One transcript per interaction ('customer: ...' / 'agent: ...' / 'bot: ...' turns).

    ``agent_names`` holds the display name of each interaction's agent ('' for none).
    """
    n = len(interactions)
    tone = interactions["_tone"].to_numpy()
    bot = (interactions["handled_by"] == "bot").to_numpy()
    escalated = interactions["escalated_to_human"].to_numpy(dtype=bool)
    unresolved = interactions["_unresolved"].to_numpy(dtype=bool)

    reply = np.where(
        interactions["_empathetic_reply"].to_numpy(dtype=bool),
        p.pick(rng, p.EMPATHETIC_AGENT_REPLY, n),
        p.pick(rng, p.AGENT_REPLY, n),
    )
    acknowledged = interactions["_acknowledged"].to_numpy(dtype=bool)
    phrase = np.array(p.ACKNOWLEDGEMENT, dtype=object)[np.arange(n) % len(p.ACKNOWLEDGEMENT)]
    reply = np.where(acknowledged, phrase + " " + reply, reply)
    handover = np.array(
        [f"\ncustomer: {c}\nbot: {b}\nagent: " for c, b in p.ESCALATION], dtype=object
    )
    bot_turns = _lines(
        "bot: ",
        p.pick(rng, p.BOT_REPLY, n),
        np.where(
            escalated,
            handover[rng.integers(0, len(handover), n)] + p.pick(rng, p.AGENT_REPLY, n),
            "",
        ),
    )
    resolution = np.where(
        bot & ~escalated,
        "bot: "
        + np.where(unresolved, p.pick(rng, p.BOT_UNRESOLVED, n), p.pick(rng, p.RESOLVED, n)),
        "agent: " + np.where(unresolved, p.pick(rng, p.UNRESOLVED, n), p.pick(rng, p.RESOLVED, n)),
    )
    closing = p.pick_by(rng, tone, p.CLOSING)
    praised = np.flatnonzero(
        (tone == p.POSITIVE) & ~bot & (agent_names != "") & (rng.random(n) < PRAISE_SHARE)
    )
    closing[praised] = p.praise(rng, p.CLOSING_PRAISE, agent_names[praised])
    inbound = _lines(
        "customer: ",
        p.pick_by(rng, interactions["interaction_type"].to_numpy(), p.OPENING_BY_TYPE),
        "\n",
        np.where(bot, bot_turns, "agent: " + reply),
        "\n",
        resolution,
        "\ncustomer: ",
        closing,
    )
    product = interactions["product"].fillna("").to_numpy(dtype=object)
    outreach = _lines(
        "agent: " + p.OUTREACH_OPENING,
        np.char.lower(product.astype(str)).astype(object),
        " is going.\ncustomer: ",
        p.pick_by(rng, tone, p.OUTREACH_REPLY),
        "\nagent: ",
        p.pick(rng, p.OUTREACH_CLOSING, n),
    )
    return np.where((interactions["direction"] == "inbound").to_numpy(), inbound, outreach)
