"""Small shared pieces of the rare-event methods (FORM/SORM, importance and subset sampling).

Input checks raise :class:`youzhi.errors.InputError` naming the argument and what is
accepted; the other helpers turn a failure probability into the numbers every
:class:`~youzhi.reliability.result.ReliabilityResult` reports.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from scipy import special

from youzhi.errors import InputError


def check_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an ``int`` >= ``minimum`` (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InputError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def check_float(name: str, value: Any, low: float, high: float, *, low_open: bool = True,
                high_open: bool = True) -> float:
    """``value`` as a finite ``float`` inside the interval ``(low, high)`` (ends as given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise InputError(f"{name}: expected a number, got {value!r}")
    v = float(value)
    below = v <= low if low_open else v < low
    above = v >= high if high_open else v > high
    if below or above:
        lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
        raise InputError(f"{name}: expected a number in {lo}{low:g}, {high:g}{hi}, got {value!r}")
    return v


def check_target_cov(value: Any) -> float | None:
    """``None`` or ``0`` (no early stopping), else a positive float."""
    if value is None:
        return None
    v = check_float("target_cov", value, 0.0, math.inf, low_open=False)
    return v if v > 0 else None


def check_problem(problem: Any) -> int:
    """The dimension of a problem that offers ``names``, ``dim``, ``u_to_x`` and ``g_u``."""
    for attribute in ("names", "dim", "u_to_x", "g_u"):
        if not hasattr(problem, attribute):
            raise InputError(f"problem: expected a ReliabilityProblem (missing {attribute!r}), got {type(problem).__name__}")
    return int(problem.dim)


def evaluate(problem: Any, u: np.ndarray) -> np.ndarray:
    """``problem.g_u(u)`` as a float array of shape ``(n,)``, checked."""
    values = np.asarray(problem.g_u(u), dtype=float).reshape(-1)
    if values.shape[0] != u.shape[0]:
        raise InputError(f"limit state: returned {values.shape[0]} values for {u.shape[0]} points")
    return values


class CountingProblem:
    """A view of a problem that counts the rows passed to ``g_u`` (in :attr:`count`)."""

    def __init__(self, problem: Any) -> None:
        self.problem = problem
        self.names = problem.names
        self.dim = problem.dim
        self.count = 0

    def u_to_x(self, u: np.ndarray) -> np.ndarray:
        return self.problem.u_to_x(u)

    def g_u(self, u: np.ndarray) -> np.ndarray:
        self.count += int(np.shape(u)[0])
        return self.problem.g_u(u)


def beta_from_pf(pf: float) -> float:
    """Generalised reliability index ``-Phi^-1(pf)`` (``inf`` for ``pf = 0``)."""
    return float(-special.ndtri(pf)) if pf > 0 else math.inf


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile for ``confidence``."""
    return float(special.ndtri(0.5 + confidence / 2.0))
