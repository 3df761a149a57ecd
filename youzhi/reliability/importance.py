"""Importance sampling centred on the FORM design point.

Samples are drawn in standard-normal space from ``N(u*, I)``, the standard normal shifted to
the design point ``u*``, and weighted by ``phi(u) / phi(u - u*) = exp(-u . u* + |u*|^2 / 2)``.
The estimator ``pf = mean(1[g <= 0] w)`` is unbiased whatever ``u*`` is; it is efficient when
one design point dominates the failure domain. With several separate failure regions of
similar weight (series systems with symmetric branches) the ones far from ``u*`` are rarely
sampled and the estimate and its CoV can both be too low: use :func:`subset_simulation` there.
When it runs FORM itself, :func:`importance_sampling` searches again from ``-u*`` and warns
when that finds a second design point (a cheap check, not a proof of uniqueness).

Sampling streams in fixed blocks of ``block_size`` rows, block ``i`` with its own stream from
:func:`youzhi._random.block_seeds`, so the same seed gives the same answer.

Examples
--------
>>> from youzhi.reliability.distributions import RandomVariable
>>> from youzhi.reliability.problem import ReliabilityProblem
>>> xs = [RandomVariable(f"x{i}", "normal", mean=0.0, std=1.0) for i in range(1, 11)]
>>> p = ReliabilityProblem(xs, "5*sqrt(10) - (x1+x2+x3+x4+x5+x6+x7+x8+x9+x10)")   # RP107
>>> r = importance_sampling(p, n_samples=4000, seed=1)
>>> round(r.pf / 2.866516e-7, 1), r.cov < 0.05
(1.0, True)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi._random import SeedLike, block_seeds, seed_repr
from youzhi.errors import ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability._rare import (CountingProblem, beta_from_pf, check_float, check_int, check_problem, check_target_cov,
                                      evaluate, z_value)
from youzhi.reliability.form import FormResult, form
from youzhi.reliability.result import ReliabilityResult

DEFAULT_SAMPLES = 10_000
MIN_FAILURES_TO_STOP = 10


@dataclass(frozen=True, repr=False)
class ImportanceResult(ReliabilityResult):
    """Importance sampling's estimate.

    Attributes
    ----------
    design_point_u : tuple of float
        Centre of the sampling density in standard-normal space.
    n_samples : int
        Samples drawn (``n_evaluations`` adds FORM's evaluations).
    n_failures : int
        Samples that fell in the failure domain.
    form_evaluations : int
        Evaluations spent by FORM to find the centre (0 when ``design_point`` was given).
    """

    design_point_u: tuple[float, ...] = ()
    n_samples: int = 0
    n_failures: int = 0
    form_evaluations: int = 0


def importance_sampling(problem: Any, *, n_samples: int | None = None, target_cov: float | None = None,
                        seed: SeedLike = None, design_point: Any = None, confidence: float = 0.95,
                        block_size: int = 1000) -> ImportanceResult:
    """Estimate ``pf`` by importance sampling around the design point.

    Parameters
    ----------
    problem : ReliabilityProblem
    n_samples : int, optional
        Sample budget (default 10 000). Exactly this many are drawn unless ``target_cov``
        stops the run earlier.
    target_cov : float, optional
        Stop at the end of the first block where the estimator's CoV is at most this (and at
        least 10 failures were seen). ``None`` or ``0``: no early stopping.
    seed : int, SeedSequence or Generator, optional
    design_point : FormResult or array_like, optional
        The centre ``u*`` (standard-normal space). By default FORM is run and its
        evaluations are counted in ``n_evaluations``; a FORM that does not converge gives
        its last iterate with a :class:`YouzhiWarning` (the estimate stays unbiased). FORM
        is then run a second time from ``-u*``: a second design point with ``beta`` within
        1.5 of the first gives a :class:`YouzhiWarning` (one centre misses the other failure
        region; the estimate and its CoV would be too low). Both runs count.
    confidence : float
        Level of the two-sided normal-approximation interval.
    block_size : int
        Rows per block (each block its own random stream); part of what ``seed`` reproduces.

    Returns
    -------
    ImportanceResult

    Raises
    ------
    ComputationError
        The limit state returned NaN.
    ConvergenceError
        FORM found no design point to centre on (e.g. a zero gradient at the origin); give
        ``design_point``.

    Examples
    --------
    >>> from youzhi.reliability.distributions import RandomVariable
    >>> from youzhi.reliability.problem import ReliabilityProblem
    >>> p = ReliabilityProblem([RandomVariable("R", "normal", mean=7.0, std=1.0),
    ...                         RandomVariable("S", "normal", mean=2.0, std=1.0)], "R - S")
    >>> r = importance_sampling(p, n_samples=2000, seed=3, design_point=[-2.5, 2.5])
    >>> r.n_evaluations, abs(r.pf / 2.034760e-4 - 1) < 3 * r.cov
    (2000, True)
    """
    d = check_problem(problem)
    budget = DEFAULT_SAMPLES if n_samples is None else check_int("n_samples", n_samples)
    target = check_target_cov(target_cov)
    confidence = check_float("confidence", confidence, 0.0, 1.0)
    block_size = check_int("block_size", block_size)
    center, form_evaluations = _centre(problem, d, design_point)

    half_norm2 = 0.5 * float(center @ center)
    total = total_sq = 0.0
    n_drawn = n_failures = 0
    n_blocks = math.ceil(budget / block_size)
    for block, block_seed in enumerate(block_seeds(seed, n_blocks)):
        rows = min(block_size, budget - block * block_size)
        rng = np.random.default_rng(block_seed)
        u = center + rng.standard_normal((rows, d))
        failed = evaluate(problem, u) <= 0.0
        weights = np.exp(half_norm2 - u[failed] @ center)
        total += float(weights.sum())
        total_sq += float(weights @ weights)
        n_drawn += rows
        n_failures += int(failed.sum())
        if target is not None and n_failures >= MIN_FAILURES_TO_STOP and _cov(total, total_sq, n_drawn) <= target:
            break

    pf = total / n_drawn
    cov = _cov(total, total_sq, n_drawn)
    if n_failures == 0:
        warnings.warn(f"importance sampling: no failure in {n_drawn} samples around u*; pf is estimated as 0 "
                      "(check the design point, or use subset simulation)", YouzhiWarning, stacklevel=2)
    half_width = z_value(confidence) * cov * pf if math.isfinite(cov) else math.inf
    return ImportanceResult(
        pf=pf, beta=beta_from_pf(pf), cov=cov, confidence_interval=(max(pf - half_width, 0.0), pf + half_width),
        n_evaluations=n_drawn + form_evaluations, method="importance", seed=seed_repr(seed), confidence=confidence,
        design_point_u=tuple(float(v) for v in center), n_samples=n_drawn, n_failures=n_failures,
        form_evaluations=form_evaluations)


def _centre(problem: Any, d: int, design_point: Any) -> tuple[np.ndarray, int]:
    if design_point is None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", YouzhiWarning)
            try:
                result = form(problem, raise_on_failure=False)
            except ConvergenceError as exc:
                raise ConvergenceError(f"importance sampling: no centre for the sampling density: {exc}; give "
                                       "design_point=, or use subset simulation") from None
        for w in caught:
            text = f"importance sampling: {w.message}; sampling around the last FORM iterate" \
                if issubclass(w.category, YouzhiWarning) else str(w.message)
            warnings.warn(text, w.category, stacklevel=3)
        center = np.asarray(result.design_point_u, dtype=float)
        return center, result.n_evaluations + _check_other_side(problem, center, result.beta)
    if isinstance(design_point, FormResult):
        values: Any = design_point.design_point_u
    else:
        values = design_point
    try:
        center = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        center = np.empty(0)
    if center.shape != (d,) or not np.all(np.isfinite(center)):
        raise InputError(f"design_point: expected a FormResult or {d} finite numbers in standard-normal space, "
                         f"got {design_point!r}")
    return center, 0


def _check_other_side(problem: Any, center: np.ndarray, beta: float) -> int:
    """Search again from ``-u*``; warn when that finds a second, comparably likely design point.

    A failure domain with several regions (symmetric branches of a series system) is
    underestimated by sampling around one of them, with a CoV that does not show it. This
    cheap probe catches the common symmetric case; it is no proof that there is only one.
    Returns the evaluations it used.
    """
    if not np.any(center):
        return 0
    counting = CountingProblem(problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YouzhiWarning)
        try:
            other = form(counting, u0=-center, raise_on_failure=False)
        except ConvergenceError:
            return counting.count  # no evidence either way
    other_u = np.asarray(other.design_point_u, dtype=float)
    distinct = np.linalg.norm(other_u - center) > 0.5 * max(abs(beta), 1.0)
    if other.converged and distinct and other.beta < beta + 1.5:
        warnings.warn(f"importance sampling: a second design point (beta={other.beta:.4g}) lies at u={_short(other_u)}, "
                      f"apart from u*={_short(center)} (beta={beta:.4g}); sampling around one design point misses the "
                      "other failure region, so pf and its CoV are too low: use subset simulation",
                      YouzhiWarning, stacklevel=4)
    return counting.count


def _short(u: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.3g}" for v in u[:4]) + (", ...]" if u.shape[0] > 4 else "]")


def _cov(total: float, total_sq: float, n: int) -> float:
    if total <= 0.0 or n < 2:
        return math.inf
    mean = total / n
    variance = max(total_sq / n - mean * mean, 0.0) * n / (n - 1)
    return math.sqrt(variance / n) / mean


__all__ = ["importance_sampling", "ImportanceResult"]
