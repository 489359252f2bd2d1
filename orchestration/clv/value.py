"""Discounted customer value over a horizon from BG/NBD purchases and Gamma-Gamma spend."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orchestration.clv import bgnbd

DAYS_PER_MONTH = 365.25 / 12


def monthly_purchases(
    params: tuple[float, float, float, float],
    months: int,
    unit_days: float,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
) -> NDArray:
    """Expected purchases in each of the next `months` months: shape (customers, months)."""
    month = DAYS_PER_MONTH / unit_days
    cumulative = np.column_stack(
        [
            bgnbd.conditional_expected_purchases(params, m * month, x, t_x, T)
            for m in range(1, months + 1)
        ]
    )
    return np.diff(cumulative, axis=1, prepend=0.0)


def discounted_value(
    purchases_by_month: NDArray, order_value: ArrayLike, monthly_discount_rate: float
) -> NDArray:
    """Sum over months m = 1..M of purchases_m * order value / (1 + d)^m (end-of-month cash)."""
    if monthly_discount_rate < 0:
        raise ValueError("the discount rate must not be negative")
    months = purchases_by_month.shape[1]
    factors = (1.0 + monthly_discount_rate) ** -np.arange(1, months + 1)
    return (purchases_by_month @ factors) * np.asarray(order_value, dtype=float)
