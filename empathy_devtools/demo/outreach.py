"""Proactive setup check-ins after complex purchases, and the churn risk those purchases carry.

From the programme's start, half of the customers who buy a complex product (chosen at
random: outreach capacity is limited) get a check-in call within two weeks. Complex buyers
who are not reached cancel more often in the following months; reached ones less so when
``proactive_outreach_retention`` is planted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo.effects import SETUP_CHURN_NOT_REACHED, EffectSizes
from empathy_devtools.demo.timeline import DAY, Timeline, day_number

REACH_SHARE = 0.5


def plan_outreach(
    rng: np.random.Generator, orders: pd.DataFrame, timeline: Timeline, sizes: EffectSizes
) -> pd.DataFrame:
    """One row per complex buyer: ``_customer``, ``product``, ``reached``, ``outreach_at``
    (seconds, NaN if not reached) and ``setup_trigger`` (seconds, inf if none)."""
    complex_orders = orders[orders["is_complex_product"]].sort_values(
        ["_customer", "_at"], kind="stable"
    )
    first = complex_orders.drop_duplicates("_customer")
    n = len(first)
    bought = first["_at"].to_numpy()
    eligible = bought >= day_number(timeline.outreach_start) * DAY
    reached = eligible & (rng.random(n) < REACH_SHARE)
    call_day = bought // DAY + rng.integers(2, 15, n)
    call_day += np.where((call_day + 3) % 7 >= 5, 7 - (call_day + 3) % 7, 0)  # weekdays only
    call_at = call_day * DAY + rng.integers(9 * 3600, 17 * 3600, n)
    churn_p = np.where(reached, sizes.setup_churn_reached, SETUP_CHURN_NOT_REACHED)
    trigger = bought + rng.integers(14, 151, n) * DAY
    return pd.DataFrame(
        {
            "_customer": first["_customer"].to_numpy(),
            "product": first["product"].to_numpy(),
            "reached": reached,
            "outreach_at": np.where(reached, call_at, np.nan),
            "setup_trigger": np.where(rng.random(n) < churn_p, trigger, np.inf),
        }
    )
