"""Customers and their orders over the potential life of each relationship.

A customer's *potential* end is their natural churn time; cancellations triggered by service
events can end the relationship earlier (see :mod:`empathy_devtools.demo.churn`), and whatever
falls after the actual end is dropped there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo.effects import EffectSizes
from empathy_devtools.demo.keys import zero_padded
from empathy_devtools.demo.names import People, phones
from empathy_devtools.demo.timeline import DAY, Timeline, fewer_weekends, open_hours, to_datetime

LOCATIONS = np.array(["Downtown", "Riverside Mall", "Northgate"], dtype=object)
PLANS = np.array(["Basic", "Plus", "Premier"], dtype=object)
PRODUCTS = pd.DataFrame(
    [
        ("HDMI Cable 2m", "ACC-HDMI2", 14.99, False, 10),
        ("Smart Plug 2-pack", "SH-PLUG2", 29.99, False, 10),
        ("Surge Protector", "ACC-SURGE", 24.50, False, 8),
        ("Streaming Stick", "TV-STICK", 49.00, False, 8),
        ("Wireless Earbuds", "AU-BUDS", 79.00, False, 7),
        ("Home Care Plan (monthly)", "SVC-CARE", 12.00, False, 14),
        ("Mesh Wi-Fi System", "NET-MESH3", 299.00, True, 4),
        ("Smart Thermostat (installed)", "SH-THERM", 249.00, True, 3),
        ("Home Security Kit", "SEC-KIT", 399.00, True, 3),
        ("Home Theater Setup", "TV-THEATER", 899.00, True, 1),
    ],
    columns=["product", "sku", "price", "is_complex_product", "weight"],
)
MONTHLY_CHURN = 0.012  # natural churn hazard per month
UNDERSTOOD_SHARE = 0.6  # customers who, when asked, say they felt understood


def make_customers(
    rng: np.random.Generator, n: int, timeline: Timeline, sizes: EffectSizes
) -> pd.DataFrame:
    """Customer accounts with PII, plus internal columns (prefixed ``_``) for the simulation.

    ``_understood``: the customer feels understood (drives felt_understood answers);
    ``_active_from`` / ``_natural_end``: seconds when the relationship is observed from and
    when it would end by itself.
    """
    if n < 1:
        raise ValueError("customers must be at least 1")
    start, end = timeline.start_day, timeline.end_day
    existing = rng.random(n) < 0.55
    signup_day = np.where(
        existing,
        start - rng.integers(1, 3 * 365, n),
        rng.integers(start, max(start + 1, end - 14), n),
    )
    order = np.argsort(signup_day, kind="stable")
    signup_day, existing = signup_day[order], existing[order]
    understood = rng.random(n) < UNDERSTOOD_SHARE
    hazard_factor = np.where(
        understood, sizes.understood_churn_hazard, 1 / sizes.understood_churn_hazard
    )
    active_from = np.maximum(signup_day, start) * DAY + np.where(existing, 0, 9 * 3600)
    lifetime_days = rng.exponential(30 / (MONTHLY_CHURN * hazard_factor))
    people = People.random(rng, n)
    ids = zero_padded(np.sort(rng.choice(10**7, n, replace=False)), 7)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "full_name": people.full_names(),
            "email": people.emails(rng),
            "phone": phones(rng, n),
            "signed_up_at": to_datetime(signup_day * DAY),
            "location": LOCATIONS[rng.choice(3, n, p=[0.45, 0.35, 0.2])],
            "segment": PLANS[rng.choice(3, n, p=[0.5, 0.35, 0.15])],
            "_understood": understood,
            "_opt_in": rng.random(n) < 0.4,
            "_new": ~existing,
            "_active_from": active_from,
            "_natural_end": active_from + (lifetime_days * DAY).astype(np.int64),
            "_order_rate": 0.45
            * rng.gamma(2.0, 0.5, n)
            * np.where(understood, sizes.understood_order_rate, 1.0),
            "_contact_rate": 0.32 * rng.gamma(2.0, 0.5, n),
        }
    )


def events_over_life(
    rng: np.random.Generator, customers: pd.DataFrame, monthly_rate: np.ndarray, timeline: Timeline
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson event times over each customer's potential life: (customer row, seconds)."""
    begin = customers["_active_from"].to_numpy()
    stop = np.minimum(customers["_natural_end"].to_numpy(), timeline.end_day * DAY)
    span_days = np.maximum(stop - begin, 0) / DAY
    counts = rng.poisson(monthly_rate * span_days / 30)
    row = np.repeat(np.arange(len(customers)), counts)
    day = (begin[row] / DAY + rng.random(len(row)) * span_days[row]).astype(np.int64)
    seconds = open_hours(rng, fewer_weekends(rng, day))
    keep = (seconds >= begin[row]) & (seconds < stop[row])
    return row[keep], seconds[keep]


def make_orders(
    rng: np.random.Generator, customers: pd.DataFrame, timeline: Timeline, sizes: EffectSizes
) -> pd.DataFrame:
    """Orders (with ``_customer`` row); a new customer's first order is on their sign-up day.

    Customers who feel understood order more often and buy more units when the
    ``understood_higher_cltv`` effect is planted.
    """
    row, seconds = events_over_life(rng, customers, customers["_order_rate"].to_numpy(), timeline)
    new = np.flatnonzero(customers["_new"].to_numpy())
    row = np.concatenate([new, row])
    seconds = np.concatenate(
        [customers["_active_from"].to_numpy()[new] + rng.integers(0, 8 * 3600, len(new)), seconds]
    )
    product = rng.choice(len(PRODUCTS), len(row), p=PRODUCTS["weight"] / PRODUCTS["weight"].sum())
    understood = customers["_understood"].to_numpy()[row]
    quantity = 1 + rng.poisson(0.25 + sizes.understood_extra_quantity * understood)
    price = PRODUCTS["price"].to_numpy()[product]
    return pd.DataFrame(
        {
            "_customer": row,
            "_at": seconds,
            "customer_id": customers["customer_id"].to_numpy()[row],
            "product": PRODUCTS["product"].to_numpy()[product],
            "sku": PRODUCTS["sku"].to_numpy()[product],
            "quantity": quantity,
            "amount": np.round(price * quantity, 2),
            "is_complex_product": PRODUCTS["is_complex_product"].to_numpy()[product],
        }
    )
