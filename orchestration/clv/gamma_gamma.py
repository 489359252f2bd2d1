"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using
iso-value curves for customer base analysis", Journal of Marketing Research 42(4); after
Colombo & Jiang 1999).

A customer's transaction values are Gamma(p, nu) around their mean p/nu, with
nu ~ Gamma(q, gamma) across customers. Fitted on customers with at least one repeat
purchase, from `x` (repeat purchases) and `m_x` (their mean value). Assumes spend does not
depend on purchase frequency (check the correlation before trusting it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import gammaln

PARAMETER_NAMES = ("p", "q", "gamma")


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted parameters, the maximized log-likelihood and the optimizer's verdict."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int
    converged: bool
    message: str

    @property
    def params(self) -> tuple[float, float, float]:
        return (self.p, self.q, self.gamma)

    @property
    def population_mean(self) -> float | None:
        """E[M] of a customer with no repeat purchase yet: p gamma / (q - 1), if q > 1."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else None


def _arrays(x: ArrayLike, m_x: ArrayLike) -> tuple[NDArray, NDArray]:
    x_, m_ = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    if np.any(x_ < 1) or np.any(m_ <= 0):
        raise ValueError("Gamma-Gamma needs x >= 1 repeat purchases and a positive mean value")
    return x_, m_


def log_likelihood_terms(
    params: tuple[float, float, float], x: ArrayLike, m_x: ArrayLike
) -> NDArray:
    """Each customer's log density of their mean value m_x given x (equation 3 of the paper)."""
    p, q, gamma = params
    x_, m_ = _arrays(x, m_x)
    px = p * x_
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m_)
        + px * np.log(x_)
        - (px + q) * np.log(gamma + m_ * x_)
    )


def log_likelihood(params: tuple[float, float, float], x: ArrayLike, m_x: ArrayLike) -> float:
    """Sum of the customers' log-likelihoods."""
    return float(np.sum(log_likelihood_terms(params, x, m_x)))


def _likelihood_of(x: NDArray, m_x: NDArray) -> Callable[..., float]:
    """`log_likelihood` of fixed (validated) data as a function of the parameters, for the
    optimizer: gammaln once per distinct x, the logarithms of the data once, otherwise the
    operations of `log_likelihood_terms` in its order, so every value is the same to the last
    bit, several times faster."""
    distinct, inverse = np.unique(x, return_inverse=True)
    log_m, log_x, spend = np.log(m_x), np.log(x), m_x * x

    def value(params: tuple[float, float, float]) -> float:
        p, q, gamma = params
        px = p * x
        p_distinct = p * distinct
        terms = (
            gammaln(p_distinct + q)[inverse]
            - gammaln(p_distinct)[inverse]
            - gammaln(q)
            + q * np.log(gamma)
            + (px - 1) * log_m
            + px * log_x
            - (px + q) * np.log(gamma + spend)
        )
        return float(np.sum(terms))

    return value


def fit(x: ArrayLike, m_x: ArrayLike, start: float = 1.0) -> GammaGammaFit:
    """Maximum likelihood on log-parameters, Nelder-Mead then BFGS."""
    x_, m_ = _arrays(x, m_x)
    if x_.size == 0:
        raise ValueError("no customers with a repeat purchase to fit")
    scale = float(x_.size)
    likelihood = _likelihood_of(x_, m_)

    def objective(log_params: NDArray) -> float:
        value = likelihood(tuple(np.exp(log_params)))
        return -value / scale if np.isfinite(value) else 1e10

    # Start gamma near the scale of the data so the simplex does not wander for long.
    start_point = np.log([start, start, max(float(np.mean(m_)), 1e-6)])
    first = minimize(
        objective,
        start_point,
        method="Nelder-Mead",
        options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-12},
    )
    best = minimize(objective, first.x, method="BFGS", options={"gtol": 1e-8})
    if not np.isfinite(best.fun) or best.fun > first.fun:
        best = first
    p, q, gamma = (float(v) for v in np.exp(best.x))
    return GammaGammaFit(
        p=p,
        q=q,
        gamma=gamma,
        log_likelihood=-float(best.fun) * scale,
        n_customers=int(x_.size),
        converged=bool(first.success or best.success),
        message=str(best.message),
    )


def expected_order_value(
    params: tuple[float, float, float], x: ArrayLike, m_x: ArrayLike
) -> NDArray:
    """E[M | p, q, gamma, m_x, x] = (gamma + m_x x) p / (p x + q - 1) (equation 5).

    A customer with x = 0 (or no positive m_x) gets the population mean p gamma / (q - 1).
    Needs q > 1 (otherwise the mean spend is infinite).
    """
    p, q, gamma = params
    if q <= 1:
        raise ValueError(f"q = {q:.3g} <= 1: the Gamma-Gamma mean spend does not exist")
    x_ = np.asarray(x, dtype=float)
    m_ = np.nan_to_num(np.asarray(m_x, dtype=float), nan=0.0)
    observed = (x_ > 0) & (m_ > 0)
    x_used = np.where(observed, x_, 0.0)
    m_used = np.where(observed, m_, 0.0)
    return (gamma + m_used * x_used) * p / (p * x_used + q - 1)
