"""Benchmark problems for the rare-event tests (FORM/SORM, importance and subset sampling).

Definitions and verified failure probabilities from ``../shared/data/reliability/BENCHMARKS.md``
(transcribed from otbenchmark / RPrepo; "Pf (verified)" column, recomputed by quadrature or in
closed form). ``beta`` where given is ``-Phi^-1(Pf)``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from youzhi.reliability.distributions import RandomVariable
from youzhi.reliability.problem import ReliabilityProblem


def normal(name: str, mean: float = 0.0, std: float = 1.0) -> RandomVariable:
    return RandomVariable(name, "normal", mean=mean, std=std)


def standard(n: int) -> list[RandomVariable]:
    return [normal(f"x{i}") for i in range(1, n + 1)]


def lin(b: float, n: int = 100) -> tuple[ReliabilityProblem, float]:
    """LIN100-b (n = 100) / RP107 (n = 10, b = 5): g = b sqrt(n) - sum x_i, Pf = Phi(-b) exactly."""
    expression = f"{b} * sqrt({n}) - (" + " + ".join(f"x{i}" for i in range(1, n + 1)) + ")"
    return ReliabilityProblem(standard(n), expression), float(stats.norm.sf(b))


def rp28() -> tuple[ReliabilityProblem, float]:
    """RP28: g = x1 x2 - 146.14, X1 ~ N(78064, 11710), X2 ~ N(0.0104, 0.00156); Pf = 1.453295e-7."""
    return ReliabilityProblem([normal("x1", 78064, 11710), normal("x2", 0.0104, 0.00156)], "x1 * x2 - 146.14"), 1.453295e-7


def rp77() -> tuple[ReliabilityProblem, float]:
    """RP77 (piecewise): g = x1 - x2 - x3 if x3 <= 5 else x3 - x2; Pf = 2.690844e-7 (published 2.87e-7 is wrong)."""
    def g(x: np.ndarray) -> np.ndarray:
        return np.where(x[:, 2] <= 5.0, x[:, 0] - x[:, 1] - x[:, 2], x[:, 2] - x[:, 1])

    return ReliabilityProblem([normal("x1", 10, 0.5), normal("x2"), normal("x3", 4, 1)], g), 2.690844e-7


def rp111() -> tuple[ReliabilityProblem, float]:
    """RP111: g = 12.5 - |x1 x2|, standard normals; Pf = 8.035086e-7 (published 7.65e-7 is 4.8 % low)."""
    return ReliabilityProblem(standard(2), "12.5 - abs(x1 * x2)"), 8.035086e-7


def four_branch() -> tuple[ReliabilityProblem, float]:
    """Four-branch series system 4B-7 (p = 7/sqrt 2); Pf = 2.222795e-3 (Waarts' 2.185961e-3 is wrong)."""
    expression = ("min(3 + 0.1*(x1 - x2)**2 - (x1 + x2)/sqrt(2), 3 + 0.1*(x1 - x2)**2 + (x1 + x2)/sqrt(2), "
                  "(x1 - x2) + 7/sqrt(2), (x2 - x1) + 7/sqrt(2))")
    return ReliabilityProblem(standard(2), expression), 2.222795e-3


def rp22() -> tuple[ReliabilityProblem, float]:
    """RP22: g = 2.5 - (x1 + x2)/sqrt 2 + 0.1 (x1 - x2)^2; Pf = 4.207306e-3 (1-D quadrature)."""
    return ReliabilityProblem(standard(2), "2.5 - (x1 + x2)/sqrt(2) + 0.1*(x1 - x2)**2"), 4.207306e-3


def paraboloid(n: int, b: float, k: float) -> ReliabilityProblem:
    """g = b - u_n + k/2 sum_{i<n} u_i^2: every principal curvature at u* = (0, .., b) is k."""
    squares = " + ".join(f"x{i}**2" for i in range(1, n))
    return ReliabilityProblem(standard(n), f"{b} - x{n} + {k / 2} * ({squares})")


def paraboloid_exact(n: int, b: float, k: float) -> float:
    """P[u_n >= b + k/2 Q], Q ~ chi2(n - 1): one-dimensional quadrature."""
    from scipy import integrate

    value, _ = integrate.quad(lambda q: stats.chi2.pdf(q, n - 1) * stats.norm.sf(b + 0.5 * k * q), 0, np.inf,
                              epsabs=0, epsrel=1e-10, limit=200)
    return float(value)
