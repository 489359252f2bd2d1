"""BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005, "Counting your customers the
easy way", Marketing Science 24(2)).

While alive a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after each purchase
they drop out with probability p ~ Beta(a, b). A customer is summarized by `x` (repeat
purchases), `t_x` (time of the last purchase since the first) and `T` (time since the first
purchase at the end of the observation window), all in one time unit (e.g. weeks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

PARAMETER_NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BgNbdFit:
    """Fitted parameters, the maximized log-likelihood and the optimizer's verdict."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool
    message: str

    @property
    def params(self) -> tuple[float, float, float, float]:
        return (self.r, self.alpha, self.a, self.b)


def _arrays(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    x_, tx_, T_ = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if np.any(x_ < 0) or np.any(tx_ < 0) or np.any(tx_ > T_ + 1e-9):
        raise ValueError("need x >= 0 and 0 <= t_x <= T for every customer")
    if np.any((x_ == 0) & (tx_ > 0)):
        raise ValueError("a customer without repeat purchases must have t_x = 0")
    return x_, tx_, T_


def log_likelihood_terms(
    params: tuple[float, float, float, float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> NDArray:
    """Each customer's log-likelihood, equation (6) of the paper in closed form."""
    r, alpha, a, b = params
    x_, tx_, T_ = _arrays(x, t_x, T)
    common = gammaln(r + x_) - gammaln(r) + r * np.log(alpha)
    still_alive = betaln(a, b + x_) - betaln(a, b) - (r + x_) * np.log(alpha + T_)
    repeat = x_ > 0
    dropped = np.full_like(x_, -np.inf)
    xr = x_[repeat]
    dropped[repeat] = (
        betaln(a + 1, b + xr - 1) - betaln(a, b) - (r + xr) * np.log(alpha + tx_[repeat])
    )
    return common + np.logaddexp(still_alive, dropped)


def log_likelihood(
    params: tuple[float, float, float, float],
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    """Sum of the customers' log-likelihoods (`weights`: customers per identical row)."""
    terms = log_likelihood_terms(params, x, t_x, T)
    w = np.ones_like(terms) if weights is None else np.asarray(weights, dtype=float)
    return float(np.sum(w * terms))


def _grouped(x: NDArray, t_x: NDArray, T: NDArray) -> tuple[NDArray, ...]:
    """Identical (x, t_x, T) rows once, with their counts: the likelihood is a sum over them."""
    rows, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)


def _likelihood_of(x: NDArray, t_x: NDArray, T: NDArray, w: NDArray) -> Callable[..., float]:
    """`log_likelihood` of fixed (validated) data as a function of the parameters, for the
    optimizer: the special functions of x are evaluated once per distinct x (a few dozen)
    and gathered, the rest as `log_likelihood_terms` does, so every value is the same to the
    last bit, several times faster."""
    distinct, inverse = np.unique(x, return_inverse=True)
    repeat = x > 0
    xr, txr = x[repeat], t_x[repeat]
    distinct_r, inverse_r = np.unique(xr, return_inverse=True)

    def value(params: tuple[float, float, float, float]) -> float:
        r, alpha, a, b = params
        common = gammaln(r + distinct)[inverse] - gammaln(r) + r * np.log(alpha)
        still_alive = betaln(a, b + distinct)[inverse] - betaln(a, b) - (r + x) * np.log(alpha + T)
        dropped = np.full_like(x, -np.inf)
        dropped[repeat] = (
            betaln(a + 1, b + distinct_r - 1)[inverse_r]
            - betaln(a, b)
            - (r + xr) * np.log(alpha + txr)
        )
        return float(np.sum(w * (common + np.logaddexp(still_alive, dropped))))

    return value


def fit(x: ArrayLike, t_x: ArrayLike, T: ArrayLike, start: float = 1.0) -> BgNbdFit:
    """Maximum likelihood on log-parameters (keeps all four positive), Nelder-Mead then BFGS."""
    x_, tx_, T_ = _arrays(x, t_x, T)
    if x_.size == 0:
        raise ValueError("no customers to fit")
    gx, gtx, gT, w = _grouped(x_, tx_, T_)
    scale = float(w.sum())
    likelihood = _likelihood_of(gx, gtx, gT, w)

    def objective(log_params: NDArray) -> float:
        value = likelihood(tuple(np.exp(log_params)))
        return -value / scale if np.isfinite(value) else 1e10

    first = minimize(
        objective,
        np.full(4, np.log(start)),
        method="Nelder-Mead",
        options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-12},
    )
    best = minimize(objective, first.x, method="BFGS", options={"gtol": 1e-8})
    if not np.isfinite(best.fun) or best.fun > first.fun:
        best = first
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BgNbdFit(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        log_likelihood=-float(best.fun) * scale,
        n_customers=int(x_.size),
        converged=bool(first.success or best.success),
        message=str(best.message),
    )


def probability_alive(
    params: tuple[float, float, float, float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> NDArray:
    """P(still a customer at T | x, t_x, T).

    From Fader, Hardie & Lee's note "Computing P(alive) using the BG/NBD model" (2008).
    """
    r, alpha, a, b = params
    x_, tx_, T_ = _arrays(x, t_x, T)
    repeat = x_ > 0
    log_odds = np.full_like(x_, -np.inf)  # no repeat purchase: alive for sure
    xr = x_[repeat]
    log_odds[repeat] = (
        np.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * (np.log(alpha + T_[repeat]) - np.log(alpha + tx_[repeat]))
    )
    return expit(-log_odds)


def expected_purchases(params: tuple[float, float, float, float], t: ArrayLike) -> NDArray:
    """E[X(t)]: expected purchases in (0, t] of a new customer, equation (7)."""
    r, alpha, a, b = params
    t_ = np.asarray(t, dtype=float)
    z = t_ / (alpha + t_)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t_)) ** r * hyp2f1(r, b, a + b - 1, z))


def conditional_expected_purchases(
    params: tuple[float, float, float, float],
    t: ArrayLike,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
) -> NDArray:
    """E[Y(t) | x, t_x, T]: expected purchases in (T, T + t], equation (10).

    The paper's term ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) overflows for
    customers with hundreds of purchases; there Euler's transformation gives the same value
    as (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), which in turn fails for very large a and b
    (a nearly homogeneous dropout probability). Each customer gets the form that is finite;
    NaN only if neither is.
    """
    r, alpha, a, b = params
    x_, tx_, T_ = _arrays(x, t_x, T)
    t_ = np.broadcast_to(np.asarray(t, dtype=float), x_.shape)
    z = t_ / (alpha + T_ + t_)
    with np.errstate(all="ignore"):
        paper = ((alpha + T_) / (alpha + T_ + t_)) ** (r + x_) * hyp2f1(
            r + x_, b + x_, a + b + x_ - 1, z
        )
        euler = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x_ - 1, z)
    term = np.where(np.isfinite(paper), paper, euler)
    bracket = 1 - term
    head = (a + b + x_ - 1) / (a - 1)
    return head * bracket * probability_alive(params, x_, tx_, T_)
