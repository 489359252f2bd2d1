"""BG/NBD and Gamma-Gamma math on hand-checked numbers, summaries in SQL, seeded recovery."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from clv_simulation import simulate_orders
from scipy.special import hyp2f1

from orchestration.clv import bgnbd, gamma_gamma, holdout, rfm, value

UNIT = (1.0, 1.0, 1.0, 1.0)


def test_bgnbd_likelihood_of_a_customer_without_repeat_purchase() -> None:
    # x = 0: L = (alpha / (alpha + T))^r; with r = alpha = 1 and T = 1 that is 1/2.
    assert bgnbd.log_likelihood(UNIT, [0], [0], [1]) == pytest.approx(math.log(0.5))


def test_bgnbd_likelihood_with_a_repeat_purchase_by_hand() -> None:
    # x = 1, t_x = 1, T = 2, all parameters 1:
    # alive:   B(1,2)/B(1,1) * 1/(1+2)^2 = 1/18;  dropped: B(2,1)/B(1,1) * 1/(1+1)^2 = 1/8.
    assert bgnbd.log_likelihood(UNIT, [1], [1], [2]) == pytest.approx(math.log(1 / 18 + 1 / 8))


def test_probability_alive_is_the_alive_share_of_the_likelihood() -> None:
    # (1/18) / (1/18 + 1/8) = 4/13; a customer with no repeat purchase is alive for sure.
    alive = bgnbd.probability_alive(UNIT, [1, 0], [1, 0], [2, 5])
    assert alive == pytest.approx([4 / 13, 1.0])


def test_weights_equal_repeated_rows() -> None:
    params = (0.3, 4.0, 0.8, 2.5)
    once = bgnbd.log_likelihood(params, [2, 0], [3.0, 0], [9.0, 4.0], weights=[3, 2])
    repeated = bgnbd.log_likelihood(
        params, [2, 2, 2, 0, 0], [3.0] * 3 + [0, 0], [9.0] * 3 + [4.0] * 2
    )
    assert once == pytest.approx(repeated)


def test_a_new_customer_is_expected_to_buy_what_the_unconditional_model_says() -> None:
    params = (0.243, 4.414, 0.793, 2.426)
    t = np.array([1.0, 10.0, 39.0])
    new = bgnbd.conditional_expected_purchases(params, t, [0, 0, 0], [0, 0, 0], [0, 0, 0])
    assert new == pytest.approx(bgnbd.expected_purchases(params, t))


def test_conditional_expectation_stays_finite_for_heavy_buyers() -> None:
    # Euler's transformation of the paper's 2F1 term: same values, no overflow at x = 2,000.
    params = (0.243, 4.414, 0.793, 2.426)
    x, t_x, T, t = np.array([3.0, 2000.0]), np.array([20.0, 52.0]), np.array([30.0, 52.0]), 52.0
    result = bgnbd.conditional_expected_purchases(params, t, x, t_x, T)
    r, alpha, a, b = params
    z = t / (alpha + T[0] + t)
    paper = (
        (a + b + x[0] - 1)
        / (a - 1)
        * (
            1
            - ((alpha + T[0]) / (alpha + T[0] + t)) ** (r + x[0])
            * hyp2f1(r + x[0], b + x[0], a + b + x[0] - 1, z)
        )
        * bgnbd.probability_alive(params, x[:1], t_x[:1], T[:1])[0]
    )
    assert result[0] == pytest.approx(paper)
    assert np.all(np.isfinite(result)) and result[1] > 100


def test_conditional_expectation_with_a_nearly_homogeneous_dropout() -> None:
    # a and b at the boundary (the demo's calibration fit): Euler's form fails, the paper's
    # holds, and the value converges as a and b grow with a / (a + b) fixed.
    huge = (1.93, 15.3, 234_408.0, 6_123_383.0)
    large = (1.93, 15.3, 23_440.8, 612_338.3)
    x, t_x, T = [0, 1, 5, 20], [0, 1, 5, 30], [40, 40, 40, 40]
    result = bgnbd.conditional_expected_purchases(huge, 26.0, x, t_x, T)
    assert np.all(np.isfinite(result)) and np.all(result > 0)
    assert result == pytest.approx(
        bgnbd.conditional_expected_purchases(large, 26.0, x, t_x, T), rel=0.01
    )


def test_expected_purchases_match_a_monte_carlo_of_the_process() -> None:
    params, t, n = (0.8, 5.0, 1.5, 3.0), 20.0, 200_000
    rng = np.random.default_rng(3)
    rate, drop = rng.gamma(params[0], 1 / params[1], n), rng.beta(params[2], params[3], n)
    counts = np.zeros(n)
    clock = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        clock[alive] += rng.exponential(1 / rate[alive])
        bought = alive & (clock <= t)
        counts[bought] += 1
        alive = bought & (rng.random(n) >= drop)
    expected = float(bgnbd.expected_purchases(params, t))
    assert counts.mean() == pytest.approx(expected, abs=4 * counts.std() / math.sqrt(n))


def test_probability_alive_falls_with_time_since_the_last_purchase() -> None:
    params = (0.243, 4.414, 0.793, 2.426)
    alive = bgnbd.probability_alive(params, [3, 3, 3], [30, 20, 5], [30, 30, 30])
    assert alive[0] > alive[1] > alive[2]


def test_invalid_summaries_are_refused() -> None:
    with pytest.raises(ValueError, match="t_x <= T"):
        bgnbd.log_likelihood(UNIT, [1], [5], [2])
    with pytest.raises(ValueError, match="t_x = 0"):
        bgnbd.log_likelihood(UNIT, [0], [1], [2])


def test_gamma_gamma_density_and_expectations_by_hand() -> None:
    # p = q = gamma = 1, x = 1, m = 1: Gamma(2)/(Gamma(1)Gamma(1)) * 1 * 1 / (1 + 1)^2 = 1/4.
    assert gamma_gamma.log_likelihood((1.0, 1.0, 1.0), [1], [1.0]) == pytest.approx(math.log(0.25))
    # p=2, q=3, gamma=4: x=2, m=10 -> (4 + 20) * 2 / (4 + 3 - 1) = 8; x=0 -> 2*4/(3-1) = 4.
    expected = gamma_gamma.expected_order_value((2.0, 3.0, 4.0), [2, 0], [10.0, np.nan])
    assert expected == pytest.approx([8.0, 4.0])
    with pytest.raises(ValueError, match="q"):
        gamma_gamma.expected_order_value((2.0, 0.9, 4.0), [2], [10.0])


def test_discounted_value_by_hand() -> None:
    # one purchase a month for two months at 100, 10% a month: 100/1.1 + 100/1.21.
    result = value.discounted_value(np.array([[1.0, 1.0]]), [100.0], 0.10)
    assert result == pytest.approx([100 / 1.1 + 100 / 1.21])
    by_month = value.monthly_purchases((0.5, 6.0, 0.8, 3.0), 12, 7.0, [2], [10.0], [20.0])
    total = bgnbd.conditional_expected_purchases(
        (0.5, 6.0, 0.8, 3.0), 12 * value.DAYS_PER_MONTH / 7, [2], [10.0], [20.0]
    )
    assert by_month.sum() == pytest.approx(total[0])
    assert np.all(by_month >= 0)


def test_summaries_in_sql_collapse_days_and_split_calibration_and_holdout() -> None:
    day0 = dt.date(2024, 1, 1)
    orders = pd.DataFrame(
        [
            ("a", day0, 10.0),
            ("a", day0, 5.0),  # same day: one transaction of 15
            ("a", day0 + dt.timedelta(days=7), 20.0),
            ("a", day0 + dt.timedelta(days=21), 30.0),
            ("a", day0 + dt.timedelta(days=35), 99.0),  # holdout
            ("b", day0 + dt.timedelta(days=14), 12.0),
            ("c", day0 + dt.timedelta(days=30), 50.0),  # first order after calibration
        ],
        columns=["customer_id", "ordered_at", "amount"],
    )
    con = duckdb.connect()
    con.register("orders", orders)
    summary = rfm.summarize(
        con, "SELECT * FROM orders", day0 + dt.timedelta(days=28), 7.0, day0 + dt.timedelta(days=42)
    ).set_index("customer_id")
    assert list(summary.index) == ["a", "b"]
    a, b = summary.loc["a"], summary.loc["b"]
    assert (a.frequency, a.recency, a["T"], a.monetary_value, a.revenue) == (
        2,
        3.0,
        4.0,
        25.0,
        65.0,
    )
    assert a.holdout_purchases == 1
    assert (b.frequency, b.recency, b["T"], b.holdout_purchases) == (0, 0.0, 2.0, 0)
    assert pd.isna(b.monetary_value)


def test_holdout_buckets_add_up_to_the_total() -> None:
    summary = pd.DataFrame(
        {
            "frequency": [0, 1, 8, 9],
            "recency": [0.0, 2.0, 9.0, 9.5],
            "T": [10.0] * 4,
            "holdout_purchases": [0, 1, 3, 4],
        }
    )
    table = holdout.holdout_comparison((0.5, 6.0, 0.8, 3.0), summary, 10.0)
    assert list(table["frequency_bucket"]) == ["0", "1", "7+", "all"]
    parts, total = table.iloc[:-1], table.iloc[-1]
    assert parts["predicted"].sum() == pytest.approx(total["predicted"])
    assert (parts["actual"].sum(), total["actual"], total["customers"]) == (8, 8, 4)


def test_fits_recover_simulated_parameters() -> None:
    truth_bg, truth_gg = (0.5, 6.0, 0.8, 3.0), (6.0, 4.0, 15.0)
    orders = simulate_orders(4000, truth_bg, truth_gg, seed=11)
    con = duckdb.connect()
    con.register("orders", orders)
    summary = rfm.summarize(con, "SELECT * FROM orders", dt.date(2025, 6, 29), 7.0)
    fit = bgnbd.fit(summary.frequency, summary.recency, summary["T"])
    assert fit.converged
    # Loose bounds: 4,000 customers identify r/alpha well, a/b less so; weekly rounding to days.
    assert fit.r == pytest.approx(0.5, rel=0.15)
    assert fit.alpha == pytest.approx(6.0, rel=0.2)
    assert fit.a == pytest.approx(0.8, rel=0.3)
    assert fit.b == pytest.approx(3.0, rel=0.3)
    assert fit.log_likelihood >= bgnbd.log_likelihood(
        truth_bg, summary.frequency, summary.recency, summary["T"]
    )
    repeat = summary[summary.frequency > 0]
    gg = gamma_gamma.fit(repeat.frequency, repeat.monetary_value)
    assert gg.population_mean == pytest.approx(6.0 * 15.0 / 3.0, rel=0.1)
