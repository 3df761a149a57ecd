"""Reliability growth: Crow-AMSAA (power-law NHPP) and Duane models.

Crow-AMSAA: the expected number of failures by time ``t`` is ``N(t) = lambda t^beta``;
``beta < 1`` means growth. From failure times ``t_1 < ... < t_n`` observed up to ``T``
(``T = t_n`` when the test ends at a failure) the MLEs are (MIL-HDBK-189)::

    beta = n / sum_i ln(T / t_i),   lambda = n / T^beta
    cumulative MTBF  m_c(T) = T^(1-beta)/lambda
    instantaneous MTBF  m_i(T) = 1/(lambda beta T^(beta-1))

The unbiased shape is ``(n-2)/n beta`` (failure-terminated) or ``(n-1)/n beta``
(time-terminated); the chi-square bounds on beta use ``2(n-1)`` / ``2n`` degrees of freedom.
The Cramér-von Mises statistic for the power-law fit is given (compare with the
MIL-HDBK-189 critical values). Duane fits ``ln m_c = ln b + alpha ln t`` by least squares.

Examples
--------
>>> times = [2.7, 10.3, 12.5, 30.6, 57, 61.3, 80, 109.5, 125, 128.6, 143.8, 167.9,
...          229.2, 296.7, 320.6, 328.2, 366.2, 396.7, 421.1, 438.2, 501.2, 620]
>>> res = crow_amsaa(times)
>>> round(res.beta, 5), round(res.lam, 5), round(res.mtbf_cumulative, 4)
(0.61421, 0.42394, 28.1818)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import stats

from youzhi._results import Result
from youzhi.errors import InputError, YouzhiWarning


@dataclass(frozen=True, repr=False)
class GrowthFit(Result):
    """A fitted growth model at the end of the test ``end_time``.

    ``beta``/``lam`` are the Crow-AMSAA parameters (for Duane, ``alpha`` and ``b`` with
    ``m_c(t) = b t^alpha``; ``beta = 1 - alpha``). ``time_to_target`` is the test time at
    which the instantaneous MTBF reaches ``target`` (None without a target).
    """

    model: str
    beta: float
    lam: float
    growth_rate: float
    beta_interval: tuple[float, float] | None
    confidence: float
    mtbf_cumulative: float
    mtbf_instantaneous: float
    end_time: float
    n_failures: int
    terminated: str
    target: float | None
    time_to_target: float | None
    cramer_von_mises: float | None

    def mtbf_at(self, t: float | np.ndarray) -> np.ndarray:
        """Instantaneous MTBF of the fitted model at test time ``t``."""
        t = np.asarray(t, float)
        return 1.0 / (self.lam * self.beta * t ** (self.beta - 1))


def _times(times: Sequence[float], end_time: float | None) -> tuple[np.ndarray, float, str]:
    t = np.sort(np.asarray(times, dtype=float).ravel())
    if t.size < 3:
        raise InputError(f"times: a growth model needs at least 3 failures, got {t.size}")
    if not np.all(np.isfinite(t)) or t[0] <= 0:
        raise InputError("times: failure times must be finite and > 0 (cumulative test time at each failure)")
    if end_time is None or end_time == t[-1]:
        return t, float(t[-1]), "failure"
    if end_time < t[-1]:
        raise InputError(f"end_time: must be >= the last failure time {t[-1]:g}, got {end_time:g}")
    return t, float(end_time), "time"


def _time_to_target(target: float | None, lam: float, beta: float) -> float | None:
    if target is None:
        return None
    if not target > 0:
        raise InputError(f"target: MTBF must be > 0, got {target}")
    if beta >= 1:
        warnings.warn(f"target: the fitted model shows no growth (beta = {beta:.4g} >= 1): the instantaneous "
                      f"MTBF does not rise over test time, so no time to reach {target:g} is given", YouzhiWarning,
                      stacklevel=3)
        return None
    return float((target * lam * beta) ** (1 / (1 - beta)))


def crow_amsaa(times: Sequence[float], end_time: float | None = None, target: float | None = None,
               unbiased: bool = False, confidence: float = 0.9) -> GrowthFit:
    """Fit the Crow-AMSAA (power-law NHPP) growth model by maximum likelihood.

    Parameters
    ----------
    times : sequence of float
        Cumulative test times at each failure (not inter-arrival times).
    end_time : float, optional
        Total test time; omitted or equal to the last failure: failure-terminated.
    target : float, optional
        Target MTBF; gives ``time_to_target`` (instantaneous MTBF reaches it).
    unbiased : bool
        Use the unbiased shape estimate ((n-2)/n or (n-1)/n times the MLE).
    confidence : float
        Two-sided confidence of ``beta_interval``.

    Examples
    --------
    >>> res = crow_amsaa([2.7, 10.3, 12.5, 30.6, 57, 61.3, 80, 109.5, 125, 128.6, 143.8, 167.9,
    ...                   229.2, 296.7, 320.6, 328.2, 366.2, 396.7, 421.1, 438.2, 501.2, 620])
    >>> round(res.mtbf_instantaneous, 3)
    45.883
    """
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence: must be in (0, 1), got {confidence}")
    t, end, terminated = _times(times, end_time)
    n = t.size
    beta_mle = n / float(np.sum(np.log(end / t)))
    beta = beta_mle * ((n - 2) / n if terminated == "failure" else (n - 1) / n) if unbiased else beta_mle
    lam = n / end ** beta
    df = 2 * (n - 1) if terminated == "failure" else 2 * n
    a = (1 - confidence) / 2
    beta_iv = (beta_mle * stats.chi2.ppf(a, df) / (2 * n), beta_mle * stats.chi2.ppf(1 - a, df) / (2 * n))
    m = n - 1 if terminated == "failure" else n
    beta_bar = beta_mle * (m - 1) / n if terminated == "failure" else beta_mle * (n - 1) / n
    u = (t[:m] / end) ** beta_bar
    i = np.arange(1, m + 1)
    cvm = float(1 / (12 * m) + np.sum((u - (2 * i - 1) / (2 * m)) ** 2))
    return GrowthFit("crow-amsaa", float(beta), float(lam), float(1 - beta), beta_iv, confidence,
                     float(end ** (1 - beta) / lam), float(1 / (lam * beta * end ** (beta - 1))), end, n, terminated,
                     target, _time_to_target(target, lam, beta), cvm)


def duane(times: Sequence[float], end_time: float | None = None, target: float | None = None) -> GrowthFit:
    """Fit the Duane growth model: least squares of ln(cumulative MTBF) on ln(time).

    ``m_c(t) = b t^alpha``; instantaneous MTBF ``m_c/(1 - alpha)``. Reported with
    ``beta = 1 - alpha`` and ``lam = 1/b`` so that ``m_c(t) = t^(1-beta)/lam`` as for
    Crow-AMSAA.

    Examples
    --------
    >>> res = duane([2.7, 10.3, 12.5, 30.6, 57, 61.3, 80, 109.5, 125, 128.6, 143.8, 167.9,
    ...              229.2, 296.7, 320.6, 328.2, 366.2, 396.7, 421.1, 438.2, 501.2, 620])
    >>> round(res.growth_rate, 4)
    0.4253
    """
    t, end, terminated = _times(times, end_time)
    n = t.size
    mc = t / np.arange(1, n + 1)
    alpha, log_b = np.polyfit(np.log(t), np.log(mc), 1)
    b = math.exp(log_b)
    beta, lam = 1 - alpha, 1 / b
    m_c = b * end ** alpha
    return GrowthFit("duane", float(beta), float(lam), float(alpha), None, math.nan, float(m_c), float(m_c / (1 - alpha)),
                     end, n, terminated, target, _time_to_target(target, lam, beta), None)


def read_growth_csv(path) -> np.ndarray:
    """Cumulative failure times from a CSV with a ``time`` column (one failure per row).

    Errors name the file, line and column.
    """
    import os

    from youzhi._files import csv_rows, read_csv_text
    from youzhi.errors import FileFormatError

    name = os.fspath(path)
    rows = [(i + 1, r) for i, r in enumerate(csv_rows(read_csv_text(path), name)) if r and any(c.strip() for c in r)]
    if not rows or "time" not in [c.strip().lower() for c in rows[0][1]]:
        raise FileFormatError(f"{name}: line 1: header must have a 'time' column (cumulative test time at each failure)")
    j = [c.strip().lower() for c in rows[0][1]].index("time")
    out = []
    for line, row in rows[1:]:
        cell = row[j].strip() if j < len(row) else ""
        try:
            v = float(cell)
        except ValueError:
            raise FileFormatError(f"{name}: line {line}, column 'time': not a number: {cell!r}") from None
        if not (math.isfinite(v) and v > 0):
            raise FileFormatError(f"{name}: line {line}, column 'time': must be > 0, got {cell!r}")
        if out and v < out[-1]:
            raise FileFormatError(f"{name}: line {line}, column 'time': {cell} is before the previous failure at "
                                  f"{out[-1]:g}; cumulative failure times must not decrease")
        out.append(v)
    return np.array(out)
