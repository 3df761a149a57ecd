"""Rank regression on median ranks (probability-plot fitting, as in Weibull++).

Failures and suspensions are ordered by time (a failure before a suspension at the same
time); each failure gets Johnson's adjusted rank
``j_i = j_{i-1} + (N + 1 - j_{i-1}) / (1 + reverse rank)``, then a median rank: exact (the
median of Beta(j, N - j + 1), Weibull++'s default) or Bernard's ``(j - 0.3)/(N + 0.4)``.
The linearised CDF is regressed on time, Y on X (RRY, the usual choice) or X on Y (RRX).

Examples
--------
>>> from youzhi.reliability.life_data import LifeData
>>> d = LifeData.from_arrays(failures=[16, 34, 53, 75, 93, 120])
>>> eta, beta = rank_regression(d, "weibull")
>>> round(float(beta), 4), round(float(eta), 3)
(1.4302, 76.317)
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from youzhi.errors import InputError
from youzhi.reliability.life_data import LifeData

RR_FAMILIES = ("exponential", "weibull", "lognormal", "normal", "loglogistic")


def adjusted_ranks(data: LifeData) -> tuple[np.ndarray, np.ndarray, int]:
    """Johnson's adjusted ranks: (failure times, their adjusted ranks, number of units N)."""
    if data.has_left_or_interval:
        raise InputError("method: rank regression takes exact failures and suspensions only; "
                         "use method='mle' for left- or interval-censored data")
    counts = np.concatenate([data.failure_counts, data.right_counts])
    if np.any(counts != np.round(counts)):
        raise InputError("count: rank regression needs whole-number counts")
    times = np.concatenate([data.failures, data.right_censored])
    is_fail = np.concatenate([np.ones(data.failures.size, bool), np.zeros(data.right_censored.size, bool)])
    order = np.lexsort((~is_fail, times))
    times = np.repeat(times[order], counts[order].astype(int))
    is_fail = np.repeat(is_fail[order], counts[order].astype(int))
    n = times.size
    reverse = n - np.arange(n)
    ranks, prev = [], 0.0
    for r, f in zip(reverse, is_fail):
        if f:
            prev = prev + (n + 1 - prev) / (1 + r)
            ranks.append(prev)
    return times[is_fail], np.array(ranks), n


def median_rank(ranks: np.ndarray, n: int, kind: str = "exact") -> np.ndarray:
    """Median-rank estimate of F at each (adjusted) rank among ``n`` units."""
    if kind == "bernard":
        return (ranks - 0.3) / (n + 0.4)
    if kind == "exact":
        return stats.beta.ppf(0.5, ranks, n - ranks + 1)
    raise InputError(f"median_ranks: must be 'exact' or 'bernard', got {kind!r}")


def linearize(distribution: str, t: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of the probability plot: y = link(F), x = ln t (t for the normal)."""
    x = t if distribution in ("normal", "exponential") else np.log(t)
    if distribution in ("weibull", "weibull3"):
        y = np.log(-np.log1p(-f))
    elif distribution == "exponential":
        y = -np.log1p(-f)
    elif distribution in ("lognormal", "normal"):
        y = special.ndtri(f)
    else:
        y = np.log(f / (1 - f))
    return x, y


def rank_regression(data: LifeData, distribution: str = "weibull", regression: str = "y_on_x",
                    median_ranks: str = "exact") -> np.ndarray:
    """Parameters (the family's natural order) fitted by rank regression."""
    if distribution not in RR_FAMILIES:
        raise InputError(f"method: rank regression fits {', '.join(RR_FAMILIES)}; got {distribution!r} (use mle)")
    if regression not in ("y_on_x", "x_on_y"):
        raise InputError(f"regression: must be 'y_on_x' or 'x_on_y', got {regression!r}")
    t, ranks, n = adjusted_ranks(data)
    if t.size < 2 or np.unique(t).size < 2:
        raise InputError(f"data: rank regression needs at least 2 distinct exact failure times, got {t.size}")
    if distribution != "normal" and np.any(t <= 0):
        raise InputError(f"data: the {distribution} model needs failure times > 0")
    x, y = linearize(distribution, t, median_rank(ranks, n, median_ranks))
    if distribution == "exponential":  # line through the origin: y = rate * t
        rate = (x @ y) / (x @ x) if regression == "y_on_x" else (y @ y) / (x @ y)
        return np.array([rate])
    if regression == "y_on_x":
        slope, intercept = np.polyfit(x, y, 1)
    else:
        d, c = np.polyfit(y, x, 1)
        slope, intercept = 1 / d, -c / d
    if slope <= 0:
        raise InputError("data: the probability plot has a non-positive slope; rank regression fails")
    if distribution in ("weibull", "loglogistic"):
        return np.array([np.exp(-intercept / slope), slope])
    return np.array([-intercept / slope, 1 / slope])
