"""Seeded BG/NBD + Gamma-Gamma customers, for tests of the CLV models and asset."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def simulate_orders(
    n: int,
    params: tuple[float, float, float, float] = (0.5, 6.0, 0.8, 3.0),
    spend: tuple[float, float, float] = (6.0, 4.0, 15.0),
    weeks: float = 78.0,
    start: dt.date = dt.date(2024, 1, 1),
    seed: int = 7,
) -> pd.DataFrame:
    """Orders of `n` customers, each born in the first 12 weeks, observed for `weeks` weeks.

    While alive a customer buys at rate lambda ~ Gamma(r, 1/alpha) a week and drops out after
    each repeat purchase with p ~ Beta(a, b) (never right after the first, as in the model);
    each order's value is Gamma(p_s, nu), nu ~ Gamma(q, gamma).
    """
    r, alpha, a, b = params
    p_s, q, gamma = spend
    rng = np.random.default_rng(seed)
    rows = []
    for customer in range(n):
        rate = rng.gamma(r, 1 / alpha)
        drop = rng.beta(a, b)
        nu = rng.gamma(q, 1 / gamma)
        t = rng.uniform(0, 12)
        first = True
        while t <= weeks:
            day = start + dt.timedelta(days=int(t * 7))
            rows.append((f"c{customer:05d}", day, round(rng.gamma(p_s, 1 / nu), 2)))
            if not first and rng.random() < drop:
                break
            first = False
            t += rng.exponential(1 / rate)
    return pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])
