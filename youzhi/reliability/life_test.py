"""MTBF from exponential test data and demonstration test planning (chi-square).

For a test of total unit-hours ``T`` with ``r`` failures, the MTBF point estimate is ``T/r``
and the chi-square bounds are (MIL-HDBK-781, Epstein)::

    lower = 2T / chi2(q, 2r + p)        p = 2 time-terminated, 0 failure-terminated
    upper = 2T / chi2(1 - q, 2r)        (infinite when r = 0)

with ``q = (1 + C)/2`` two-sided, ``q = C`` one-sided. The test time that demonstrates a
target MTBF at confidence ``C`` allowing ``r`` failures is ``MTBF chi2(C, 2r + 2)/2``
(``-MTBF ln(1 - C)`` for zero failures); the zero-failure sample size that demonstrates
reliability ``R`` is ``n = ln(1 - C)/ln R``.

Examples
--------
>>> round(mtbf_from_test(19520, 7, confidence=0.8).lower, 2)   # BENCHMARKS.md B14
1658.32
>>> zero_failure_sample_size(0.999, 0.95).n_units                 # BENCHMARKS.md B15
2995
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from youzhi._results import Result
from youzhi.errors import InputError


@dataclass(frozen=True, repr=False)
class MTBFEstimate(Result):
    """MTBF point estimate (``inf`` with no failures) and chi-square bounds."""

    mtbf: float
    lower: float
    upper: float
    confidence: float
    sided: str
    test: str
    total_time: float
    failures: int

    @property
    def confidence_interval(self) -> tuple[float, float]:
        return (self.lower, self.upper)


@dataclass(frozen=True, repr=False)
class DemonstrationPlan(Result):
    """A demonstration test: the test time (unit-hours) or units needed."""

    target: float
    confidence: float
    failures_allowed: int
    test_time: float | None
    n_units: int | None
    quantity: str


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence: must be in (0, 1), got {confidence}")


def mtbf_from_test(total_time: float, failures: int, test: str = "time", confidence: float = 0.9,
                   sided: str = "two") -> MTBFEstimate:
    """MTBF with chi-square bounds from an exponential life test.

    Parameters
    ----------
    total_time : float
        Accumulated test time over all units (> 0).
    failures : int
        Number of failures ``r`` (>= 0; >= 1 for a failure-terminated test).
    test : str
        ``"time"`` (time-terminated, type I) or ``"failure"`` (failure-terminated, type II).
    confidence : float
        Confidence level ``C`` in (0, 1).
    sided : str
        ``"two"`` (lower and upper at (1+C)/2 each) or ``"one"`` (lower bound at C; upper inf).

    Examples
    --------
    >>> res = mtbf_from_test(10000, 6, confidence=0.8, sided="one")   # B14, second case
    >>> round(res.mtbf, 1), round(res.lower, 2)
    (1666.7, 1101.88)
    """
    if not (math.isfinite(total_time) and total_time > 0):
        raise InputError(f"time: total test time must be > 0, got {total_time}")
    if isinstance(failures, bool) or failures < 0 or int(failures) != failures:
        raise InputError(f"failures: must be a whole number >= 0, got {failures}")
    if test not in ("time", "failure"):
        raise InputError(f"test: must be 'time' or 'failure', got {test!r}")
    if sided not in ("one", "two"):
        raise InputError(f"sided: must be 'one' or 'two', got {sided!r}")
    _check_confidence(confidence)
    r = int(failures)
    if test == "failure" and r == 0:
        raise InputError("failures: a failure-terminated test ends at a failure, so failures must be >= 1")
    p = 2 if test == "time" else 0
    q = (1 + confidence) / 2 if sided == "two" else confidence
    lower = 2 * total_time / stats.chi2.ppf(q, 2 * r + p)
    upper = 2 * total_time / stats.chi2.ppf(1 - q, 2 * r) if (sided == "two" and r > 0) else math.inf
    mtbf = total_time / r if r > 0 else math.inf
    return MTBFEstimate(float(mtbf), float(lower), float(upper), confidence, sided, test, float(total_time), r)


def demonstration_test_time(mtbf: float, confidence: float = 0.9, failures_allowed: int = 0) -> DemonstrationPlan:
    """Total test time (unit-hours) that demonstrates ``mtbf`` at ``confidence``.

    The test passes when at most ``failures_allowed`` failures occur in that time
    (time-terminated exponential test: ``T = mtbf chi2(C, 2r + 2)/2``).

    Examples
    --------
    >>> round(demonstration_test_time(1000, 0.9).test_time, 1)   # 1000 ln 10
    2302.6
    """
    if not (math.isfinite(mtbf) and mtbf > 0):
        raise InputError(f"mtbf: must be > 0, got {mtbf}")
    if failures_allowed < 0 or int(failures_allowed) != failures_allowed:
        raise InputError(f"failures_allowed: must be a whole number >= 0, got {failures_allowed}")
    _check_confidence(confidence)
    t = mtbf * stats.chi2.ppf(confidence, 2 * int(failures_allowed) + 2) / 2
    return DemonstrationPlan(float(mtbf), confidence, int(failures_allowed), float(t), None, "mtbf")


def zero_failure_sample_size(reliability: float, confidence: float = 0.9) -> DemonstrationPlan:
    """Units to test for one mission each, with no failure, to show ``reliability`` at ``confidence``.

    ``n = ceil(ln(1 - C)/ln R)`` (success-run theorem).

    Examples
    --------
    >>> zero_failure_sample_size(0.9, 0.9).n_units
    22
    """
    if not 0.0 < reliability < 1.0:
        raise InputError(f"reliability: must be in (0, 1), got {reliability}")
    _check_confidence(confidence)
    n = math.log(1 - confidence) / math.log(reliability)
    return DemonstrationPlan(float(reliability), confidence, 0, None, int(math.ceil(n - 1e-9)), "reliability")
