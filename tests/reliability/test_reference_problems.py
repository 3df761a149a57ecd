"""Crude Monte Carlo and LHS on published reliability problems with known failure probabilities.

References: /work/shared/data/reliability/BENCHMARKS.md, Part A, column "Pf (verified)" (formulas
from openturns/otbenchmark and RPrepo, Rozsas & Slobbe, TU Delft; exact values recomputed by
closed form or quadrature; "MC" rows carry their own 95 % interval, added to our tolerance),
and Part B closed forms (stress-strength). A sampling estimate passes when it lies within four
of its own standard errors ``sqrt(pf (1 - pf) / n)`` of the reference.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from scipy import integrate, special, stats

from youzhi.reliability.distributions import RandomVariable
from youzhi.reliability.limit_state import ExpressionLimitState, SystemLimitState
from youzhi.reliability.problem import ReliabilityProblem
from youzhi.reliability.simulation import crude_monte_carlo, latin_hypercube

if os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
    pytest.skip("reference problems need millions of samples: run them with the JIT on", allow_module_level=True)


def N(name, mean, std):  # noqa: N802 - mirrors the N(m, s) notation of BENCHMARKS.md
    return RandomVariable(name, "normal", mean=mean, std=std)


def LN(name, mean, std):  # noqa: N802
    return RandomVariable(name, "lognormal", mean=mean, std=std)


def std_normals(n, prefix="x"):
    return [N(f"{prefix}{i}", 0, 1) for i in range(1, n + 1)]


def problem(variables, *expressions, system="series", correlation=None):
    names = [v.name for v in variables]
    if len(expressions) == 1:
        return ReliabilityProblem(variables, expressions[0], correlation)
    return ReliabilityProblem(variables, SystemLimitState([ExpressionLimitState(e, names) for e in expressions], system), correlation)


def assert_within(result, reference, ref_halfwidth=0.0, k=4.0):
    n = result.n_evaluations
    tolerance = k * math.sqrt(reference * (1 - reference) / n) + ref_halfwidth
    assert abs(result.pf - reference) <= tolerance, f"pf {result.pf:.6g} vs reference {reference:.6g} (tolerance {tolerance:.3g}, n={n})"


# id, problem factory, verified Pf, half-width of the reference's own interval, samples
CASES = [
    ("RS", lambda: problem([N("R", 4, 1), N("S", 2, 1)], "R - S"), 7.864960e-2, 0.0, 10**6),
    ("BEAM", lambda: problem([LN("R", 300, 30), N("F", 75000, 5000)], "R - F / (100 * pi)"), 2.919819e-2, 0.0, 10**6),
    ("RP8", lambda: problem([LN(f"x{i}", 120, 12) for i in range(1, 5)] + [LN("x5", 50, 10), LN("x6", 40, 8)],
                            "x1 + 2*x2 + 2*x3 + x4 - 5*x5 - 5*x6"), 7.898e-4, 0.0, 4 * 10**6),
    ("RP14", lambda: problem([RandomVariable("x1", "uniform", lower=70, upper=80), N("x2", 39, 0.1),
                              RandomVariable("x3", "gumbel", mean=1500, std=350), N("x4", 400, 0.1), N("x5", 250000, 35000)],
                             "x1 - 32 / (pi * x2**3) * sqrt(x3**2 * x4**2 / 16 + x5**2)"), 7.734e-4, 0.028e-4, 4 * 10**6),
    ("RP22", lambda: problem(std_normals(2), "2.5 - (x1 + x2) / sqrt(2) + 0.1 * (x1 - x2)**2"), 4.207306e-3, 0.0, 2 * 10**6),
    ("RP33", lambda: problem(std_normals(3), "-x1 - x2 - x3 + 3 * sqrt(3)", "-x3 + 3"), 2.575598e-3, 0.0, 2 * 10**6),
    ("RP53", lambda: problem([N("x1", 1.5, 1), N("x2", 2.5, 1)], "sin(5 * x1 / 2) + 2 - (x1**2 + 4) * (x2 - 1) / 20"),
     3.132049e-2, 0.0, 10**6),
    ("RP54", lambda: problem([RandomVariable(f"x{i}", "exponential", rate=1.0) for i in range(1, 21)],
                             " + ".join(f"x{i}" for i in range(1, 21)) + " - 8.951"), 9.906031e-4, 0.0, 10**6),
    ("RP55", lambda: problem([RandomVariable(f"x{i}", "uniform", lower=-1, upper=1) for i in (1, 2)],
                             "0.2 + 0.6 * (x1 - x2)**4 - (x1 - x2) / sqrt(2)", "0.2 + 0.6 * (x1 - x2)**4 + (x1 - x2) / sqrt(2)",
                             "(x1 - x2) + 5 / sqrt(2) - 2.2", "-(x1 - x2) + 5 / sqrt(2) - 2.2"), 0.5600144283, 0.0, 2 * 10**5),
    ("RP57", lambda: problem(std_normals(2), "min(max(-x1**2 + x2**3 + 3, 2 - x1 - 8 * x2), (x1 + 3)**2 + (x2 + 3)**2 - 4)"),
     2.823751e-2, 0.0, 10**6),
    ("RP60", lambda: problem([LN("x1", 2200, 220), LN("x2", 2100, 210), LN("x3", 2300, 230), LN("x4", 2000, 200), LN("x5", 1200, 480)],
                             "min(x1 - x5, max(min(x2 - x5/2, x3 - x5/2, x4 - x5/2), max(x4 - x5, min(x2 - x5, x3 - x5))))"),
     4.4856e-2, 0.0065e-2, 10**6),
    ("RP75", lambda: problem(std_normals(2), "3 - x1 * x2"), 9.819299e-3, 0.0, 10**6),
    ("RP89", lambda: problem(std_normals(2), "-x1**2 - x2 + 8", "-x1 / 5 - x2 + 6"), 5.471281e-3, 0.0, 2 * 10**6),
    ("RP110", lambda: problem(std_normals(2), "0.85 - 0.1 * x1 if x1 <= 3.5 else 4 - x1", "2.3 - x2 if x2 <= 2 else 0.5 - 0.1 * x2"),
     3.195788e-5, 0.0, 2 * 10**7),
    ("4B-7", lambda: problem(std_normals(2), "3 + 0.1 * (x1 - x2)**2 - (x1 + x2) / sqrt(2)", "3 + 0.1 * (x1 - x2)**2 + (x1 + x2) / sqrt(2)",
                             "(x1 - x2) + 7 / sqrt(2)", "(x2 - x1) + 7 / sqrt(2)"), 2.222795e-3, 0.0, 2 * 10**6),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, factory, reference, halfwidth, n", CASES, ids=[c[0] for c in CASES])
def test_crude_monte_carlo_on_benchmarks(name, factory, reference, halfwidth, n):
    result = crude_monte_carlo(factory(), n_samples=n, seed=20261122)
    assert_within(result, reference, halfwidth)


@pytest.mark.slow
@pytest.mark.parametrize("name, factory, reference, halfwidth, n", [CASES[i] for i in (0, 1, 4, 9)], ids=["RS", "BEAM", "RP22", "RP57"])
def test_latin_hypercube_on_benchmarks(name, factory, reference, halfwidth, n):
    result = latin_hypercube(factory(), n_samples=n // 4, seed=7)
    assert abs(result.pf - reference) <= 5 * result.cov * result.pf + halfwidth


@pytest.mark.slow
@pytest.mark.parametrize("name, expression, reference", [
    ("RP63", "0.1 * (" + " + ".join(f"x{i}**2" for i in range(2, 101)) + ") - x1 - 4.5", 3.769436e-4),
    ("LIN100-b3", "3 * sqrt(100) - (" + " + ".join(f"x{i}" for i in range(1, 101)) + ")", 1.349898e-3),
])
def test_crude_monte_carlo_in_100_dimensions(name, expression, reference):
    result = crude_monte_carlo(problem(std_normals(100), expression), n_samples=2 * 10**6, seed=3)
    assert_within(result, reference)


# ------------------------------------------------------------------------- closed forms
def test_correlated_normals_nataf_a3():
    # BENCHMARKS.md A.3: R ~ N(200, 20), S ~ N(150, 10), corr 0.5: beta = 50/sqrt(300) = 2.8868
    p = problem([N("R", 200, 20), N("S", 150, 10)], "R - S", correlation=[["R", "S", 0.5]])
    result = crude_monte_carlo(p, n_samples=2 * 10**6, seed=1)
    assert_within(result, float(special.ndtr(-50 / math.sqrt(300))))


def test_correlated_lognormals_nataf_a3():
    # A.3: lognormal R and S whose logs have correlation rho: ln R - ln S is normal (exact).
    # The problem takes the correlation of R and S themselves: (exp(rho zR zS) - 1)/(dR dS).
    r, s = LN("R", 10.0, 2.0), LN("S", 5.0, 1.5)
    lr, zr = r.params_used["mu_log"], r.params_used["sigma_log"]
    ls, zs = s.params_used["mu_log"], s.params_used["sigma_log"]
    rho_log = 0.6
    rho_x = math.expm1(rho_log * zr * zs) / (0.2 * 0.3)
    exact = float(special.ndtr(-(lr - ls) / math.sqrt(zr**2 + zs**2 - 2 * rho_log * zr * zs)))
    p = problem([r, s], "R - S", correlation=[["R", "S", rho_x]])
    assert p.nataf.z_correlation[0, 1] == pytest.approx(rho_log, abs=1e-6)
    assert_within(crude_monte_carlo(p, n_samples=2 * 10**6, seed=2), exact)


@pytest.mark.parametrize("case", ["B9 normal", "B10 lognormal", "exponential", "weibull", "B11 weibull-gamma"])
def test_stress_strength_closed_forms(case):
    if case == "B9 normal":  # stress N(20, 6), strength N(40, 7): 1.50298 %
        p, exact = problem([N("L", 20, 6), N("S", 40, 7)], "S - L"), 1.50298e-2
        assert exact == pytest.approx(special.ndtr(-20 / math.sqrt(85)), rel=1e-5)
    elif case == "B10 lognormal":  # strength median 500, z 0.1; stress median 400, z 0.15: 0.107899
        strength = RandomVariable("S", "lognormal", mu_log=math.log(500), sigma_log=0.1)
        stress = RandomVariable("L", "lognormal", mu_log=math.log(400), sigma_log=0.15)
        p, exact = problem([stress, strength], "S - L"), 0.107899
    elif case == "exponential":  # exponential strength (rate a) below exponential stress (rate b): a / (a + b)
        p = problem([RandomVariable("S", "exponential", rate=2.0), RandomVariable("L", "exponential", rate=30.0)], "S - L")
        exact = 2.0 / 32.0
    elif case == "weibull":  # Weibull strength (shape 3, scale 100) under a constant load 40: 1 - exp(-(40/100)^3)
        p, exact = problem([RandomVariable("S", "weibull", shape=3.0, scale=100.0)], "S - 40"), -math.expm1(-(0.4**3))
    else:  # `reliability` docs Example 2: stress Weibull(2, 3, 1), strength Gamma(2, 3, 3): 0.17078 % (scipy path)
        stress = RandomVariable("L", "scipy.weibull_min", c=3.0, scale=2.0, loc=1.0)
        strength = RandomVariable("S", "scipy.gamma", a=3.0, scale=2.0, loc=3.0)
        p, exact = problem([stress, strength], "S - L"), 0.0017078
        check, _ = integrate.quad(lambda x: stats.gamma(3, 3, 2).pdf(x) * stats.weibull_min(3, 1, 2).sf(x), 3, 60)
        assert check == pytest.approx(exact, rel=1e-4)
    result = crude_monte_carlo(p, n_samples=10**6, seed=17)
    assert_within(result, exact, ref_halfwidth=exact * 1e-4)


def test_numpy_and_kernel_paths_agree_on_the_same_problem():
    # the same lognormal/normal problem through the fused kernel and (forced) through NumPy
    p = problem([LN("R", 300, 30), N("F", 75000, 5000)], "R - F / (100 * pi)")
    vector = ReliabilityProblem(p.variables, lambda x: x[:, 0] - x[:, 1] / (100 * np.pi))
    a = crude_monte_carlo(p, n_samples=10**6, seed=5)
    b = crude_monte_carlo(vector, n_samples=10**6, seed=5)
    assert abs(a.pf - b.pf) <= 4 * math.sqrt(2 * 2.92e-2 / 10**6)
