"""Basic-event models against closed forms computed here or by scipy (independent code)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.linalg import expm

from youzhi.errors import ModelError
from youzhi.fta.events import (Builtin, Const, Context, Deviate, Histogram, MissionTime, Op, Param,
                               failure_intensity, is_random, is_repairable)

T = MissionTime()


def c(x):
    return Const(float(x))


def test_exponential_closed_form():
    e = Builtin("exponential", (c(2e-4), T))
    times = np.array([0.0, 10.0, 5000.0])
    q = e.evaluate(Context(time=times))
    assert np.allclose(q, 1 - np.exp(-2e-4 * times), rtol=1e-14, atol=0)
    # non-repairable: w(t) = f(t) = lambda exp(-lambda t)
    assert np.allclose(failure_intensity(e, Context(time=times)), 2e-4 * np.exp(-2e-4 * times), rtol=1e-14)


def test_glm_matches_the_two_state_markov_chain():
    gamma, lam, mu, t = 0.05, 1e-3, 1e-2, 300.0
    e = Builtin("GLM", (c(gamma), c(lam), c(mu), T))
    # Markov chain up <-> down with rates lam, mu; initial P(down) = gamma
    Q = np.array([[-lam, lam], [mu, -mu]])
    p = np.array([1 - gamma, gamma]) @ expm(Q * t)
    assert e.evaluate(Context(time=t)) == pytest.approx(p[1], rel=1e-12)
    # unconditional failure intensity = P(up) * lam
    assert failure_intensity(e, Context(time=t)) == pytest.approx(p[0] * lam, rel=1e-12)
    assert is_repairable(e, Context()) and not is_repairable(Builtin("exponential", (c(1), T)), Context())
    # steady state: lam / (lam + mu)
    assert e.evaluate(Context(time=np.inf)) == pytest.approx(lam / (lam + mu), rel=1e-14)


def test_weibull_matches_scipy():
    alpha, beta, t0 = 1000.0, 1.7, 50.0
    e = Builtin("Weibull", (c(alpha), c(beta), c(t0), T))
    times = np.array([0.0, 50.0, 400.0, 2500.0])
    expected = stats.weibull_min.cdf(times, beta, loc=t0, scale=alpha)
    assert np.allclose(e.evaluate(Context(time=times)), expected, rtol=1e-12, atol=1e-15)
    w = failure_intensity(e, Context(time=times))
    assert np.allclose(w, stats.weibull_min.pdf(times, beta, loc=t0, scale=alpha), rtol=1e-10, atol=1e-18)


def test_periodic_test_hipps_values():
    # HIPPS model (SCRAM examples): lambda 7e-7, tested every 720 h from 0; at 8760 h the last
    # test was at 8640 h, so the component has been exposed 120 h: Q = 1 - exp(-7e-7 * 120)
    e = Builtin("periodic-test", (c(7e-7), c(720), c(0), T))
    assert e.evaluate(Context(time=8760.0)) == pytest.approx(-math.expm1(-7e-7 * 120), rel=1e-9)
    # before the first test (theta = 1000), it is a plain exponential
    late = Builtin("periodic-test", (c(1e-3), c(100), c(1000), T))
    assert late.evaluate(Context(time=500.0)) == pytest.approx(-math.expm1(-0.5), rel=1e-12)
    assert late.evaluate(Context(time=1030.0)) == pytest.approx(-math.expm1(-0.03), rel=1e-9)
    assert is_repairable(e, Context())


def test_parameters_arithmetic_and_mission_time():
    params = {"lam": Op("mul", (c(2), Param("half"))), "half": c(5e-4)}
    e = Builtin("exponential", (Param("lam"), T))
    assert e.evaluate(Context(time=100.0, parameters=params)) == pytest.approx(1 - math.exp(-0.1), rel=1e-14)
    ctx = Context()
    cases = [("add", (1, 2, 3), 6), ("sub", (10, 3, 2), 5), ("div", (1, 4), 0.25), ("neg", (2,), -2),
             ("exp", (0.5,), math.exp(0.5)), ("log", (2,), math.log(2)), ("pow", (2, 10), 1024),
             ("sqrt", (9,), 3), ("min", (3, 1, 2), 1), ("max", (3, 1, 2), 3), ("mean", (1, 2, 6), 3),
             ("abs", (-2,), 2), ("ite", (0, 1, 2), 2)]
    for name, args, expected in cases:
        assert Op(name, tuple(c(a) for a in args)).evaluate(ctx) == pytest.approx(expected, rel=1e-14), name


def test_expression_errors():
    with pytest.raises(ModelError, match="unknown operation <eval>"):
        Op("eval", (c(1),))
    with pytest.raises(ModelError, match="takes 2 arguments"):
        Builtin("exponential", (c(1),))
    with pytest.raises(ModelError, match="only the 4-argument form"):
        Builtin("periodic-test", (c(1), c(1), c(1), c(1), T))
    with pytest.raises(ModelError, match="not defined"):
        Param("nope").evaluate(Context())
    with pytest.raises(ModelError, match="cycle"):
        Param("a").evaluate(Context(parameters={"a": Op("add", (Param("a"), c(1)))}))
    with pytest.raises(ModelError, match="tau must be > 0"):
        Builtin("periodic-test", (c(1e-3), c(0), c(0), T)).evaluate(Context())


def test_lognormal_error_factor_definition():
    # EF at level 0.95: the 95% quantile is EF times the median (NUREG/CR-6823 convention)
    d = Deviate("lognormal-deviate", (c(2e-5), c(3), c(0.95)))
    mu, sigma = d._params(Context())
    dist = stats.lognorm(s=sigma, scale=math.exp(mu))
    assert dist.mean() == pytest.approx(2e-5, rel=1e-12)
    assert dist.ppf(0.95) / dist.median() == pytest.approx(3.0, rel=1e-12)
    assert d.evaluate(Context()) == pytest.approx(2e-5, rel=1e-12)  # point value = mean


@pytest.mark.parametrize("name, args, mean, var", [
    ("uniform-deviate", (0.1, 0.3), 0.2, 0.2**2 / 12),
    ("normal-deviate", (0.5, 0.1), 0.5, 0.01),
    ("gamma-deviate", (2.0, 0.05), 0.1, 2 * 0.05**2),
    ("beta-deviate", (2.0, 8.0), 0.2, 2 * 8 / (100 * 11)),
    ("lognormal-deviate", (-3.0, 0.5), math.exp(-3 + 0.125), (math.exp(0.25) - 1) * math.exp(-6 + 0.25)),
])
def test_deviate_samples_have_the_right_moments(name, args, mean, var):
    d = Deviate(name, tuple(c(a) for a in args))
    n = 40_000
    x = d.evaluate(Context(rng=np.random.default_rng(5), n=n))
    assert d.evaluate(Context()) == pytest.approx(mean, rel=1e-12)
    # sample mean within 5 standard errors of the true mean
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n)
    assert is_random(d, {}) and not is_random(c(1), {})


def test_deviate_is_drawn_once_per_context_and_shared():
    d = Deviate("uniform-deviate", (c(0), c(1)))
    params = {"p": d}
    ctx = Context(parameters=params, rng=np.random.default_rng(1), n=10)
    a = Op("mul", (Param("p"), c(1))).evaluate(ctx)
    b = Param("p").evaluate(ctx)
    assert np.array_equal(a, b)
    assert is_random(Param("p"), params)


def test_histogram_mean_and_samples():
    h = Histogram(c(0), ((c(1), c(1)), (c(3), c(3))))
    # bins [0,1] weight 1/4 (mean 0.5) and [1,3] weight 3/4 (mean 2): 0.125 + 1.5
    assert h.evaluate(Context()) == pytest.approx(1.625, rel=1e-14)
    x = h.evaluate(Context(rng=np.random.default_rng(2), n=20000))
    assert np.mean(x < 1) == pytest.approx(0.25, abs=5 * math.sqrt(0.25 * 0.75 / 20000))
    with pytest.raises(ModelError, match="increasing boundaries"):
        Histogram(c(1), ((c(0), c(1)),)).evaluate(Context())


def test_failure_intensity_of_other_expressions_is_dq_dt():
    # Q(t) = 1 - exp(-(t/100)^2) written with arithmetic: w = dQ/dt = 2t/100^2 exp(-(t/100)^2)
    e = Op("sub", (c(1), Op("exp", (Op("neg", (Op("pow", (Op("div", (T, c(100))), c(2))),)),))))
    t = 70.0
    expected = 2 * t / 100**2 * math.exp(-((t / 100) ** 2))
    assert failure_intensity(e, Context(time=t)) == pytest.approx(expected, rel=1e-7)
    assert failure_intensity(c(0.3), Context(time=t)) == 0.0


def test_constant_times_a_model_has_the_scaled_intensity():
    # a CCF share c * Q(t): for a non-repairable model w = dQ/dt, so the scaled intensity must
    # equal the numerical derivative of c * Q; for a GLM it keeps the model's repairability
    t = np.array([10.0, 500.0, 4000.0])
    ctx = Context(time=t)
    exp_q = Builtin("exponential", (Const(2e-4), MissionTime()))
    scaled = Op("mul", (Const(0.1), exp_q))
    h = 1e-3
    numeric = 0.1 * (np.exp(-2e-4 * (t - h)) - np.exp(-2e-4 * (t + h))) / (2 * h)
    assert np.allclose(failure_intensity(scaled, ctx), numeric, rtol=1e-7)
    glm = Builtin("GLM", (Const(0.0), Const(2e-4), Const(1 / 24), MissionTime()))
    share = Op("div", (Op("mul", (Const(0.3), glm)), Const(3.0)))
    q_inf = 2e-4 / (2e-4 + 1 / 24)
    steady = failure_intensity(share, Context(time=np.array([1e6])))
    assert steady[0] == pytest.approx(0.1 * 2e-4 * (1 - q_inf), rel=1e-12)  # w_GLM = lambda (1 - Q)
    assert is_repairable(share, ctx) and not is_repairable(scaled, ctx)
    assert not is_repairable(Op("mul", (glm, glm)), ctx)
