"""FORM and SORM against closed forms and BENCHMARKS.md (../shared/data/reliability)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from tests.reliability import rare_cases as cases
from youzhi.errors import ComputationError, ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability.distributions import RandomVariable
from youzhi.reliability.form import form, sorm, sorm_probability
from youzhi.reliability.problem import ReliabilityProblem


def test_linear_limit_state_in_standard_space_is_exact():
    # g = a0 - a.u: beta = a0 / |a|, u* = beta a / |a| (closed form).
    a0, a = 3.2, np.array([2.0, -1.0, 0.5, 1.5])
    problem = ReliabilityProblem(cases.standard(4), "3.2 - (2*x1 - x2 + 0.5*x3 + 1.5*x4)")
    result = form(problem)
    beta = a0 / np.linalg.norm(a)
    assert result.converged
    assert result.beta == pytest.approx(beta, abs=1e-6)
    assert result.pf == pytest.approx(stats.norm.sf(beta), rel=1e-6)
    np.testing.assert_allclose(result.design_point_u, beta * a / np.linalg.norm(a), atol=1e-6)
    expected_importance = np.sign(a) * a**2 / (a @ a)
    np.testing.assert_allclose(list(result.importance.values()), expected_importance, atol=1e-6)
    assert result.n_evaluations == 2 * (4 + 1)  # two batched gradient calls: the origin and u*
    assert result.iterations == 1
    assert result.cov == 0.0 and result.confidence_interval == (result.pf, result.pf)


def test_rp107_ten_dimensional_beta_five():
    # BENCHMARKS.md RP107: g = 5 sqrt(10) - sum x_i, beta = 5 exactly.
    problem, pf = cases.lin(5.0, n=10)
    result = form(problem)
    assert result.beta == pytest.approx(5.0, abs=1e-6)
    assert result.pf == pytest.approx(pf, rel=1e-5)


def test_correlated_normals_exact_beta_and_importance():
    # BENCHMARKS.md A.3: R ~ N(200, 20), S ~ N(150, 10), rho = 0.5: beta = 50 / sqrt(300).
    problem = ReliabilityProblem([cases.normal("R", 200, 20), cases.normal("S", 150, 10)], "R - S", [["R", "S", 0.5]])
    result = form(problem)
    assert result.beta == pytest.approx(50 / math.sqrt(300), abs=1e-6)
    assert result.pf == pytest.approx(1.946e-3, rel=1e-3)
    # Der Kiureghian's gamma for a linear g of normals is proportional to (-a_R sd_R, -a_S sd_S) = (-20, 10).
    assert result.importance["R"] == pytest.approx(-0.8, abs=1e-6)
    assert result.importance["S"] == pytest.approx(0.2, abs=1e-6)
    assert result.design_point_x["R"] == pytest.approx(result.design_point_x["S"], abs=1e-4)  # on g = 0


def test_lognormal_stress_strength_is_exact():
    # BENCHMARKS.md B10: strength median 500, zeta 0.1; stress median 400, zeta 0.15: Pf = 0.107899.
    # R < S is the linear surface ln R = ln S in u space, so FORM is exact.
    problem = ReliabilityProblem([RandomVariable("R", "lognormal", mu_log=math.log(500), sigma_log=0.1),
                                  RandomVariable("S", "lognormal", mu_log=math.log(400), sigma_log=0.15)], "R - S")
    result = form(problem)
    exact = stats.norm.cdf(-math.log(500 / 400) / math.hypot(0.1, 0.15))
    assert exact == pytest.approx(0.107899, abs=1e-6)
    assert result.pf == pytest.approx(exact, rel=1e-6)


def test_nonnormal_design_point_matches_constrained_optimizer():
    # Axial stressed beam (BENCHMARKS.md): FORM's beta equals min |u| s.t. g(u) = 0 found by SLSQP.
    problem = ReliabilityProblem([RandomVariable("R", "lognormal", mean=300.0, std=30.0), cases.normal("F", 75000, 5000)],
                                 "R - F / (100 * pi)")
    result = form(problem)
    constraint = {"type": "eq", "fun": lambda u: float(problem.g_u(u[None, :])[0])}
    reference = optimize.minimize(lambda u: float(u @ u), x0=np.array([-1.0, 1.0]), constraints=[constraint],
                                  method="SLSQP", options={"ftol": 1e-14, "maxiter": 500})
    assert reference.success
    assert result.beta == pytest.approx(math.sqrt(reference.fun), abs=1e-5)
    assert result.importance["R"] < 0 < result.importance["F"]
    assert sum(abs(v) for v in result.importance.values()) == pytest.approx(1.0, abs=1e-9)


def test_sorm_paraboloid_curvatures_and_formulas():
    # g = b - u_n + k/2 sum u_i^2: curvatures are k; Breitung Phi(-b)(1+bk)^-(n-1)/2 and
    # Hohenbichler-Rackwitz with psi = phi(b)/Phi(-b) in closed form; exact pf by chi-square quadrature.
    n, b, k = 5, 3.0, 0.2
    problem = cases.paraboloid(n, b, k)
    breitung = sorm(problem, method="breitung")
    np.testing.assert_allclose(breitung.curvatures, [k] * (n - 1), atol=1e-5)
    assert breitung.beta_form == pytest.approx(b, abs=1e-6)
    assert breitung.pf == pytest.approx(stats.norm.sf(b) * (1 + b * k) ** (-(n - 1) / 2), rel=1e-4)
    psi = stats.norm.pdf(b) / stats.norm.sf(b)
    hohenbichler = sorm(problem, method="hohenbichler", form_result=breitung.form)
    assert hohenbichler.pf == pytest.approx(stats.norm.sf(b) * (1 + psi * k) ** (-(n - 1) / 2), rel=1e-4)
    exact = cases.paraboloid_exact(n, b, k)
    tvedt = sorm(problem, method="tvedt", form_result=breitung.form)
    # Tvedt's formula is exact for a paraboloid in the limit; it beats Breitung here.
    assert tvedt.pf == pytest.approx(exact, rel=0.01)
    assert abs(tvedt.pf - exact) < abs(breitung.pf - exact)
    assert hohenbichler.pf == pytest.approx(exact, rel=0.05)
    assert tvedt.n_evaluations == hohenbichler.n_evaluations == 2 * (n - 1) ** 2 + 1


def test_sorm_rp22_against_quadrature():
    # RP22 in rotated coordinates is g = 2.5 - u + 0.2 v^2: beta = 2.5, curvature 0.4; Pf = 4.207306e-3.
    problem, pf = cases.rp22()
    result = sorm(problem, method="breitung")
    assert result.beta_form == pytest.approx(2.5, abs=1e-6)
    assert result.curvatures[0] == pytest.approx(0.4, abs=1e-5)
    assert result.pf == pytest.approx(stats.norm.sf(2.5) / math.sqrt(2.0), rel=1e-5)
    tvedt = sorm(problem, method="tvedt", form_result=result.form)
    assert tvedt.pf == pytest.approx(pf, rel=0.02)


def test_sorm_axial_beam_against_benchmark():
    # BENCHMARKS.md "Axial stressed beam": g = R - F/(100 pi), R ~ LN(300, 30), F ~ N(75000, 5000);
    # Pf = 2.919819e-2 (quadrature). Nearly flat surface: SORM formulas agree with it closely.
    problem = ReliabilityProblem([RandomVariable("R", "lognormal", mean=300.0, std=30.0), cases.normal("F", 75000, 5000)],
                                 "R - F / (100 * pi)")
    first = form(problem)
    assert first.pf == pytest.approx(2.919819e-2, rel=0.05)
    assert sorm(problem, method="tvedt", form_result=first).pf == pytest.approx(2.919819e-2, rel=1e-3)
    assert sorm(problem, method="hohenbichler", form_result=first).pf == pytest.approx(2.919819e-2, rel=2e-3)
    assert sorm(problem, method="breitung", form_result=first).pf == pytest.approx(2.919819e-2, rel=0.01)


def test_sorm_rp28_two_symmetric_design_points():
    # RP28 (BENCHMARKS.md, Pf = 1.453295e-7): X1 and X2 have the same CoV, so the failure domain is
    # symmetric in u1 <-> u2 with two design points; twice one point's SORM estimate approximates Pf.
    problem, pf = cases.rp28()
    result = sorm(problem, method="breitung")
    u = result.form.design_point_u
    assert abs(u[0]) != pytest.approx(abs(u[1]), abs=0.5)  # not the symmetric saddle
    assert 2 * result.pf == pytest.approx(pf, rel=0.03)
    assert result.form.pf < 0.4 * pf  # FORM alone is far off: the surface curves strongly


def test_sorm_curvature_validity_is_checked():
    # b = 3, k = -0.3: 1 + b k = 0.1 > 0 (Breitung applies), 1 + (b + 1) k < 0 (Tvedt does not).
    problem = cases.paraboloid(2, 3.0, -0.3)
    breitung = sorm(problem, method="breitung")
    assert breitung.pf == pytest.approx(stats.norm.sf(3.0) / math.sqrt(0.1), rel=1e-3)
    with pytest.raises(ComputationError, match="curvature"):
        sorm(problem, method="tvedt", form_result=breitung.form)
    with pytest.raises(ComputationError, match="1 \\+ beta\\*kappa"):
        sorm_probability(2.0, [-0.6], "breitung")


def test_tvedt_outside_its_range_is_an_error():
    # RP54 (BENCHMARKS.md: 20 Exp(1), g = sum x_i - 8.951, Pf = 9.906031e-4 = Gamma(20, 1) CDF).
    # FORM is far off (beta 1.59 vs 3.09: by symmetry u* = (u, .., u) with 20 F^-1(Phi(u)) = 8.951) and
    # the 19 large curvatures drive Tvedt's sum negative: an error, never a negative pf.
    problem = ReliabilityProblem([RandomVariable(f"x{i}", "exponential", rate=1.0) for i in range(1, 21)],
                                 " + ".join(f"x{i}" for i in range(1, 21)) + " - 8.951")
    first = form(problem)
    u = stats.norm.ppf(stats.expon.cdf(8.951 / 20))
    assert first.beta == pytest.approx(-u * math.sqrt(20), abs=1e-5)
    with pytest.raises(ComputationError, match="outside \\[0, 1\\]"):
        sorm(problem, method="tvedt", form_result=first)
    assert 0 < sorm(problem, method="hohenbichler", form_result=first).pf < first.pf


def test_sorm_negative_beta_uses_the_safe_set():
    # Origin in the failure domain: g = -1 - u2 + 0.1 u1^2 -> pf = 1 - P(safe), safe set a paraboloid.
    problem = ReliabilityProblem(cases.standard(2), "-1 - x2 + 0.1 * x1**2")
    result = sorm(problem, method="breitung")
    assert result.beta_form == pytest.approx(-1.0, abs=1e-6)
    # Safe set u2 <= -1 + 0.1 u1^2, seen from the origin: beta 1, curvature -0.2 (it wraps round
    # the origin), so P(safe) = Phi(-1) / sqrt(1 - 0.2) by Breitung.
    assert result.pf == pytest.approx(1 - stats.norm.sf(1.0) / math.sqrt(0.8), rel=1e-4)
    exact = 1 - integrate.quad(lambda x: stats.norm.pdf(x) * stats.norm.cdf(-1 + 0.1 * x * x), -np.inf, np.inf)[0]
    assert result.pf == pytest.approx(exact, rel=0.02)


def test_non_convergence_raises_or_warns():
    problem = ReliabilityProblem(cases.standard(2), "3 - x1 + 0.2 * (x2 - 1)**2")
    with pytest.raises(ConvergenceError, match="did not converge in 1 iterations"):
        form(problem, max_iter=1)
    with pytest.warns(YouzhiWarning, match="did not converge"):
        result = form(problem, max_iter=1, raise_on_failure=False)
    assert not result.converged
    never_fails = ReliabilityProblem(cases.standard(2), "1 + x1**2 + x2**2")
    with pytest.raises(ConvergenceError, match="did not converge"):
        form(never_fails)
    flat_at_origin, _ = cases.rp111()  # g = 12.5 - |x1 x2| is flat at u = 0
    with pytest.raises(ConvergenceError, match="gradient is zero"):
        form(flat_at_origin)
    assert form(flat_at_origin, u0=[1.0, 1.0]).beta == pytest.approx(5.0, abs=1e-6)  # u* = (2.5, 2.5) sqrt 2


def test_nan_from_limit_state_is_an_error():
    problem = ReliabilityProblem(cases.standard(2), lambda x: np.where(x[:, 0] > 1.0, np.nan, 3.0 - x[:, 0]))
    with pytest.raises(ComputationError, match="NaN"):
        form(problem)


@pytest.mark.parametrize("kwargs, field", [({"max_iter": 0}, "max_iter"), ({"tol": -1.0}, "tol"),
                                           ({"u0": [0.0, 0.0, 0.0]}, "u0"), ({"u0": [0.0, float("nan")]}, "u0")])
def test_bad_arguments(kwargs, field):
    problem, _ = cases.rp22()
    with pytest.raises(InputError, match=field):
        form(problem, **kwargs)


def test_bad_sorm_method():
    problem, _ = cases.rp22()
    with pytest.raises(InputError, match="breitung, tvedt, hohenbichler"):
        sorm(problem, method="second-order")


def test_results_serialise_to_json():
    problem, _ = cases.rp22()
    result = sorm(problem, method="tvedt")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["method"] == "sorm" and data["formula"] == "tvedt"
    assert set(data["form"]["design_point_x"]) == {"x1", "x2"}
    frame = result.form.to_frame()
    assert list(frame.index) == ["x1", "x2"]
    assert "FormResult(" in repr(result.form)


@pytest.mark.parametrize("module", ["form", "importance", "subset", "_rare"])
def test_docstring_examples(module):
    import doctest
    import importlib

    failures, _ = doctest.testmod(importlib.import_module(f"youzhi.reliability.{module}"))
    assert failures == 0


def test_form_on_a_system_warns_that_it_sees_one_design_point():
    # a series system of two independent linear limit states with beta = 3 and 3.5:
    # exact pf = 1 - (1 - Phi(-3)) (1 - Phi(-3.5)) = 1.5825e-3; FORM sees the first one (1.3499e-3)
    from youzhi.errors import YouzhiWarning
    from youzhi.reliability.distributions import RandomVariable
    from youzhi.reliability.limit_state import ExpressionLimitState, SystemLimitState
    from youzhi.reliability.problem import ReliabilityProblem

    xs = [RandomVariable("x", "normal", mean=0.0, std=1.0), RandomVariable("y", "normal", mean=0.0, std=1.0)]
    system = SystemLimitState([ExpressionLimitState("3 - x", ["x", "y"]), ExpressionLimitState("3.5 - y", ["x", "y"])])
    with pytest.warns(YouzhiWarning, match="series system of 2 limit states"):
        result = form(ReliabilityProblem(xs, system))
    assert result.pf == pytest.approx(1.3498980e-3, rel=1e-6)
