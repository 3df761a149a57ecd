"""Confidence bounds for fitted life distributions: Fisher matrix and likelihood ratio.

Both are two-sided at confidence ``C``.

* **Fisher matrix** (delta method): a quantity ``q(theta)`` is mapped to the real line
  (log for positive quantities, the distribution's link for reliability: ``ln(-ln R)`` for
  Weibull/exponential, ``Phi^-1(1-R)`` for lognormal/normal, the logit otherwise), and
  ``h(q) +- z sqrt(grad h' Cov grad h)`` is mapped back, so bounds stay in range.
* **Likelihood ratio**: the extremes of ``q`` over the region
  ``{theta: loglik(theta) >= loglik_max - chi2_1(C)/2}``, found by SLSQP from the Fisher
  point; a bound that does not land on the contour is a :class:`ConvergenceError`.

Examples
--------
>>> import numpy as np
>>> lo, hi = fisher_interval(lambda p: p[0], np.array([2.0]), np.array([[0.01]]), 0.95, "log")
>>> round(lo, 4), round(hi, 4)
(1.8133, 2.2059)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import optimize, stats

from youzhi.errors import ConvergenceError
from youzhi.reliability.life_models import link_forward, link_inverse


def _gradient(fn: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    g = np.empty(x.size)
    for i in range(x.size):
        h = 1e-6 * max(abs(x[i]), 1e-3)
        e = np.zeros(x.size)
        e[i] = h
        g[i] = (fn(x + e) - fn(x - e)) / (2 * h)
    return g


def hessian(fn: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central finite-difference Hessian of ``fn`` at ``x`` (steps relative to ``|x|``)."""
    n = x.size
    h = step * np.maximum(np.abs(x), 1.0)
    out = np.empty((n, n))
    f0 = fn(x)
    for i in range(n):
        ei = np.zeros(n)
        ei[i] = h[i]
        out[i, i] = (fn(x + ei) - 2 * f0 + fn(x - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(n)
            ej[j] = h[j]
            v = (fn(x + ei + ej) - fn(x + ei - ej) - fn(x - ei + ej) + fn(x - ei - ej)) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = v
    return out


def _forward(scale: str, q: float) -> float:
    if scale == "log":
        return math.log(q)
    if scale == "none":
        return q
    return float(link_forward(scale, q))


def _inverse(scale: str, u: float) -> float:
    if scale == "log":
        return math.exp(u)
    if scale == "none":
        return u
    return float(link_inverse(scale, u))


def fisher_interval(quantity: Callable[[np.ndarray], float], params: np.ndarray, covariance: np.ndarray,
                    confidence: float, scale: str) -> tuple[float, float]:
    """Two-sided Fisher-matrix (delta-method) bounds of ``quantity(params)``.

    ``scale`` is ``"log"``, ``"none"`` or a reliability link (``"cloglog"``, ``"probit"``,
    ``"logit"``; then ``quantity`` returns a reliability and the bounds are ordered low, high).
    """
    z = stats.norm.ppf(0.5 + confidence / 2)

    def h(p: np.ndarray) -> float:
        return _forward(scale, quantity(p))

    g = _gradient(h, params)
    sd = math.sqrt(max(float(g @ covariance @ g), 0.0))
    centre = h(params)
    a, b = _inverse(scale, centre - z * sd), _inverse(scale, centre + z * sd)
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ConvergenceError("Fisher-matrix bounds are not finite (the Fisher matrix is near singular)")
    return (float(min(a, b)), float(max(a, b)))


def likelihood_ratio_interval(quantity: Callable[[np.ndarray], float], loglik: Callable[[np.ndarray], float],
                              free_hat: np.ndarray, free_cov: np.ndarray, confidence: float,
                              what: str = "quantity") -> tuple[float, float]:
    """Likelihood-ratio bounds of ``quantity`` (a function of the FREE parameter vector).

    ``loglik`` is the log-likelihood over the free vector, maximal at ``free_hat``;
    ``free_cov`` its inverse negative Hessian, used for the starting points.
    """
    ell_max = loglik(free_hat)
    c = stats.chi2.ppf(confidence, 1)
    target = ell_max - c / 2
    chol = np.linalg.cholesky(free_cov)  # whiten: z = z_hat + L u, the region is ~ a ball of radius sqrt(c)

    def z_of(u: np.ndarray) -> np.ndarray:
        return free_hat + chol @ u

    def ell(u: np.ndarray) -> float:
        v = loglik(z_of(u))
        return v if math.isfinite(v) else -1e10

    def q_of(u: np.ndarray) -> float:
        v = quantity(z_of(u))
        return v if math.isfinite(v) else math.nan

    q0 = quantity(free_hat)
    g = _gradient(q_of, np.zeros(free_hat.size))
    norm = float(np.linalg.norm(g))
    if not norm > 0 or not math.isfinite(norm):
        raise ConvergenceError(f"likelihood-ratio bound on {what}: the quantity does not vary with the parameters")
    direction = g / norm
    scale = abs(q0) if q0 != 0 else 1.0
    constraint = {"type": "ineq", "fun": lambda u: ell(u) - target}
    ends = []
    for sign in (-1.0, 1.0):
        best = None
        for frac in (1.0, 0.5):
            start = sign * frac * math.sqrt(c) * direction
            with np.errstate(all="ignore"):
                res = optimize.minimize(lambda u: -sign * np.nan_to_num(q_of(u), nan=-sign * 1e300) / scale, start,
                                        method="SLSQP", constraints=[constraint],
                                        options={"maxiter": 300, "ftol": 1e-13})
            val = q_of(res.x)
            ok = math.isfinite(val) and abs(ell(res.x) - target) < 1e-4 * max(1.0, c)
            if ok and (best is None or sign * val > sign * best):
                best = val
            if best is not None:
                break
        if best is None:
            raise ConvergenceError(f"likelihood-ratio bound on {what}: the search did not reach the "
                                   f"likelihood contour (confidence {confidence}); the region may be unbounded "
                                   "with so few failures; use Fisher-matrix bounds")
        ends.append(best)
    lo, hi = sorted(ends)
    if not (lo <= q0 <= hi):
        raise ConvergenceError(f"likelihood-ratio bounds on {what} [{lo:.6g}, {hi:.6g}] do not contain "
                               f"the estimate {q0:.6g}")
    return (lo, hi)
