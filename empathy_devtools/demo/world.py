"""The simulated business: every entity of the canonical contract, in canonical column names.

Columns prefixed ``_`` are simulation internals (latent outcomes, tones, row links) that the
ground truth reads and the exports drop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from empathy_devtools.demo.churn import cancellation_times, earliest_trigger, make_cancellations
from empathy_devtools.demo.customers import make_customers, make_orders
from empathy_devtools.demo.effects import EffectSizes
from empathy_devtools.demo.interactions import (
    lift_acknowledged_csat,
    make_inbound,
    make_outreach_calls,
)
from empathy_devtools.demo.keys import sequence_ids
from empathy_devtools.demo.outreach import plan_outreach
from empathy_devtools.demo.public_voice import make_reviews, make_social_mentions
from empathy_devtools.demo.staff import (
    Staff,
    make_empathy_assessments,
    make_pulse_surveys,
    make_staff,
    make_trainings,
)
from empathy_devtools.demo.surveys import (
    make_exit_surveys,
    make_interaction_surveys,
    make_nps_surveys,
)
from empathy_devtools.demo.timeline import DAY, END_DATE, Timeline, to_datetime
from empathy_devtools.demo.transcripts import make_transcripts

TECHNICAL_TRIGGER_DAYS = (3, 90)  # a triggered cancellation follows within this many days


@dataclass(frozen=True)
class World:
    """All canonical frames of one simulated business, and how it was made."""

    timeline: Timeline
    sizes: EffectSizes
    staff: Staff
    customers: pd.DataFrame
    orders: pd.DataFrame
    interactions: pd.DataFrame
    cancellations: pd.DataFrame
    survey_responses: pd.DataFrame
    exit_surveys: pd.DataFrame
    reviews: pd.DataFrame
    social_mentions: pd.DataFrame
    pulse_surveys: pd.DataFrame
    empathy_assessments: pd.DataFrame
    trainings: pd.DataFrame

    @property
    def employees(self) -> pd.DataFrame:
        return self.staff.employees


def _technical_triggers(
    rng: np.random.Generator, inbound: pd.DataFrame, n_customers: int, sizes: EffectSizes
) -> np.ndarray:
    """Cancellations caused by unresolved technical contacts (earliest per customer)."""
    candidates = inbound[(inbound["interaction_type"] == "technical") & inbound["_unresolved"]]
    fire = rng.random(len(candidates)) < sizes.technical_churn_trigger
    delay = rng.integers(TECHNICAL_TRIGGER_DAYS[0], TECHNICAL_TRIGGER_DAYS[1] + 1, len(candidates))
    times = candidates["_at"].to_numpy() + delay * DAY
    return earliest_trigger(n_customers, candidates["_customer"].to_numpy()[fire], times[fire])


def _before(frame: pd.DataFrame, cancel: np.ndarray, timeline: Timeline) -> pd.DataFrame:
    """Rows before their customer's cancellation and the end of the window, in time order."""
    at = frame["_at"].to_numpy()
    kept = frame[(at < cancel[frame["_customer"].to_numpy()]) & (at < timeline.end_day * DAY)]
    return kept.sort_values("_at", kind="stable").reset_index(drop=True)


def _observed_by(seconds: pd.Series, end_seconds: int) -> pd.Series:
    """Timestamps that exist at export time (later ones are not there yet)."""
    values = seconds.to_numpy(dtype=float)
    return to_datetime(np.where(values < end_seconds, values, np.nan))


def _finish_interactions(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    customers: pd.DataFrame,
    staff: Staff,
    timeline: Timeline,
) -> pd.DataFrame:
    agent_row = frame["_agent_row"].to_numpy()
    has_agent = agent_row >= 0
    names = np.where(has_agent, staff.column("display_name", np.maximum(agent_row, 0)), "")
    end = timeline.end_day * DAY
    frame = frame.assign(
        interaction_id=sequence_ids("T-", len(frame), 100001),
        customer_id=customers["customer_id"].to_numpy()[frame["_customer"]],
        agent_id=np.where(has_agent, staff.column("agent_id", np.maximum(agent_row, 0)), None),
        opened_at=to_datetime(frame["_at"].to_numpy()),
        first_response_at=_observed_by(frame["_first_response"], end),
        resolved_at=_observed_by(frame["_resolved"], end),
        _agent_name=names,
    )
    return frame.assign(transcript=make_transcripts(rng, frame, names))


def _surveys(
    rng: np.random.Generator,
    interactions: pd.DataFrame,
    sizes: EffectSizes,
    customers: pd.DataFrame,
    cancel: np.ndarray,
    timeline: Timeline,
) -> pd.DataFrame:
    understood = customers["_understood"].to_numpy()
    after_contact = make_interaction_surveys(
        rng,
        interactions,
        understood[interactions["_customer"].to_numpy()],
        interactions["_agent_name"].to_numpy(),
    )
    after_contact = lift_acknowledged_csat(after_contact, interactions, sizes)
    linked = after_contact["_interaction"].to_numpy()
    after_contact["_customer"] = interactions["_customer"].to_numpy()[linked]
    after_contact["interaction_id"] = interactions["interaction_id"].to_numpy()[linked]
    nps = make_nps_surveys(rng, customers, cancel, timeline).assign(interaction_id=None)
    frame = pd.concat([after_contact.drop(columns="_interaction"), nps], ignore_index=True)
    frame = frame.sort_values("_at", kind="stable").reset_index(drop=True)
    return frame.assign(
        response_id=sequence_ids("R-", len(frame), 1000001, 7),
        customer_id=customers["customer_id"].to_numpy()[frame["_customer"]],
        responded_at=to_datetime(frame["_at"].to_numpy()),
    )


def build_world(
    rng: np.random.Generator, customers_n: int, agents: int, months: int, sizes: EffectSizes
) -> World:
    """Simulate the business from its staff and customers to every export entity."""
    timeline = Timeline.ending(END_DATE, months)
    staff = make_staff(rng, agents, timeline)
    customers = make_customers(rng, customers_n, timeline, sizes)
    orders = make_orders(rng, customers, timeline, sizes)
    outreach = plan_outreach(rng, orders, timeline, sizes)
    inbound = make_inbound(rng, customers, staff, timeline, sizes)
    cancel, cause = cancellation_times(
        customers["_natural_end"].to_numpy(),
        _technical_triggers(rng, inbound, len(customers), sizes),
        earliest_trigger(
            len(customers), outreach["_customer"].to_numpy(), outreach["setup_trigger"].to_numpy()
        ),
        timeline,
    )
    customers = customers.assign(is_churned=np.isfinite(cancel))
    cancellations = make_cancellations(rng, customers["customer_id"].to_numpy(), cancel, cause)

    calls = make_outreach_calls(rng, outreach, staff)
    interactions = _before(pd.concat([inbound, calls], ignore_index=True), cancel, timeline)
    interactions = _finish_interactions(rng, interactions, customers, staff, timeline)
    orders = _before(orders, cancel, timeline)
    orders = orders.assign(
        order_id=sequence_ids("SO-", len(orders), 100001), ordered_at=to_datetime(orders["_at"])
    )
    understood = customers["_understood"].to_numpy()
    return World(
        timeline=timeline,
        sizes=sizes,
        staff=staff,
        customers=customers,
        orders=orders,
        interactions=interactions,
        cancellations=cancellations,
        survey_responses=_surveys(rng, interactions, sizes, customers, cancel, timeline),
        exit_surveys=make_exit_surveys(
            rng, cancellations, understood[cancellations["_customer"]], timeline
        ),
        reviews=make_reviews(rng, customers_n, staff, timeline, months),
        social_mentions=make_social_mentions(rng, customers_n, timeline, months),
        pulse_surveys=make_pulse_surveys(rng, staff, timeline),
        empathy_assessments=make_empathy_assessments(rng, staff, timeline),
        trainings=make_trainings(staff, timeline),
    )
