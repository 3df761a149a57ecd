"""Random variables and the Nataf transformation, against closed forms and scipy's own moments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from youzhi.errors import InputError
from youzhi.reliability.distributions import Nataf, RandomVariable, correlation_from_pairs, nataf_correlation


@pytest.mark.parametrize("distribution, mean, std", [
    ("normal", 3.0, 0.7), ("lognormal", 5.0, 0.5), ("uniform", 1.0, 0.2), ("gumbel", 1500.0, 350.0),
    ("weibull", 10.0, 2.0), ("weibull", 10.0, 15.0), ("gamma", 4.0, 1.0), ("beta", 0.3, 0.1),
])
def test_by_moments_gives_those_moments(distribution, mean, std):
    # scipy's frozen distribution computes mean/std from its own parameters: an outside check
    v = RandomVariable("x", distribution, mean=mean, std=std)
    assert v.dist.mean() == pytest.approx(mean, rel=1e-9)
    assert v.dist.std() == pytest.approx(std, rel=1e-7)


def test_published_parameterisations():
    # BENCHMARKS.md (otbenchmark RP14): Gumbel-max with mean 1500, sd 350 -> location 1342.48, scale 272.89
    g = RandomVariable("X3", "gumbel", mean=1500, std=350)
    assert g.params_used["loc"] == pytest.approx(1342.48, abs=0.01)
    assert g.params_used["scale"] == pytest.approx(272.89, abs=0.01)
    # BENCHMARKS.md: RPrepo lists RP8's LN(120, 12) as theta = (4.783, 0.09975)
    ln = RandomVariable("X1", "lognormal", mean=120, std=12)
    assert ln.params_used["mu_log"] == pytest.approx(4.783, abs=5e-4)
    assert ln.params_used["sigma_log"] == pytest.approx(0.09975, abs=5e-6)


def test_own_parameters_match_textbook_formulas():
    w = RandomVariable("w", "weibull", shape=2.0, scale=1000.0)
    assert w.mean == pytest.approx(1000 * math.gamma(1.5))  # B8: 886.23
    assert w.mean == pytest.approx(886.23, abs=0.01)
    e = RandomVariable("e", "exponential", rate=0.25, loc=1.0)
    assert (e.mean, e.std) == pytest.approx((5.0, 4.0))
    assert RandomVariable("e", "exponential", mean=5.0).std == pytest.approx(5.0)
    ln = RandomVariable("l", "lognormal", mu_log=math.log(500), sigma_log=0.1)
    assert ln.dist.median() == pytest.approx(500.0)
    assert RandomVariable("g", "gamma", shape=3.0, rate=2.0).mean == pytest.approx(1.5)
    b = RandomVariable("b", "beta", alpha=2.0, beta=3.0, lower=10.0, upper=20.0)
    assert b.mean == pytest.approx(10 + 10 * 2 / 5)
    t = RandomVariable("t", "truncated_normal", mu=0.0, sigma=1.0, lower=0.0, upper=50.0)
    assert t.mean == pytest.approx(math.sqrt(2 / math.pi))  # half-normal mean
    assert RandomVariable("u", "uniform", lower=2.0, upper=4.0).std == pytest.approx(2 / math.sqrt(12))


def test_any_scipy_distribution_by_name():
    v = RandomVariable("v", "scipy.gumbel_l", loc=1.0, scale=2.0)
    assert v.mean == pytest.approx(1.0 - 2.0 * np.euler_gamma)
    t = RandomVariable("t", "t", df=5.0)
    assert t.std == pytest.approx(math.sqrt(5 / 3))
    with pytest.raises(InputError, match="no finite mean"):
        RandomVariable("c", "cauchy")
    with pytest.raises(InputError, match=r"df: missing"):
        RandomVariable("t", "t")


@pytest.mark.parametrize("kwargs, message", [
    (dict(distribution="normal", mean=1.0, std=-1.0), "std: must be > 0, got -1.0"),
    (dict(distribution="normal", mean=1.0, std=0.0), "std: must be > 0, got 0.0"),
    (dict(distribution="normal", mean=1.0, sd=1.0), "unknown parameter 'sd'.*accepted: mean, std | mu, sigma"),
    (dict(distribution="normal", mean=1.0), "do not form a set"),
    (dict(distribution="lognormal", mean=-1.0, std=1.0), "mean: must be > 0"),
    (dict(distribution="uniform", lower=2.0, upper=1.0), "upper: must be > lower"),
    (dict(distribution="weibul", mean=1.0, std=1.0), "unknown distribution 'weibul'"),
    (dict(distribution="beta", mean=0.5, std=0.6), "std: too large"),
    (dict(distribution="normal", mean="3", std=1.0), "mean: expected a number"),
    (dict(distribution="normal", mean=float("nan"), std=1.0), "mean: must be finite"),
    (dict(distribution="scipy.os", loc=1.0), "unknown distribution"),
])
def test_bad_parameters_name_the_field(kwargs, message):
    with pytest.raises(InputError, match=message):
        RandomVariable("X", **kwargs)


@pytest.mark.parametrize("variable", [
    RandomVariable("a", "normal", mean=1, std=2), RandomVariable("b", "lognormal", mean=5, std=2),
    RandomVariable("c", "uniform", lower=-1, upper=3), RandomVariable("d", "gumbel", mean=10, std=3),
    RandomVariable("e", "weibull", shape=1.7, scale=4.0, loc=1.0), RandomVariable("f", "exponential", rate=2.0, loc=0.5),
    RandomVariable("g", "gamma", shape=3.0, scale=2.0), RandomVariable("h", "beta", alpha=2.0, beta=5.0),
])
def test_u_x_round_trip_and_tails(variable):
    u = np.linspace(-6.0, 6.0, 49)  # beyond, a bounded x is too close to its bound to be represented
    x = variable.from_u(u)
    # x = F^-1(Phi(u)): check with scipy's cdf/sf in the tail where each is accurate
    cdf, sf = variable.dist.cdf(x), variable.dist.sf(x)
    np.testing.assert_allclose(np.where(u < 0, cdf, sf), np.where(u < 0, special.ndtr(u), special.ndtr(-u)), rtol=1e-6)
    np.testing.assert_allclose(variable.to_u(x), u, atol=1e-6)


@pytest.mark.parametrize("variable", [
    RandomVariable("a", "normal", mean=1, std=2), RandomVariable("b", "lognormal", mean=5, std=2),
    RandomVariable("c", "uniform", lower=-1, upper=3), RandomVariable("d", "gumbel", mean=10, std=3),
    RandomVariable("e", "weibull", shape=1.7, scale=4.0, loc=1.0), RandomVariable("f", "exponential", rate=2.0, loc=0.5),
])
def test_kernel_inverse_cdf_matches_scipy(variable):
    from youzhi.reliability import _kernels

    z = np.linspace(-8.0, 8.0, 81)
    reference = variable.from_u(z)  # scipy ppf/isf
    jitted = np.array([_kernels.x_from_z(variable.kernel_code, *variable.kernel_params, zi) for zi in z])
    np.testing.assert_allclose(jitted, reference, rtol=1e-9)
    np.testing.assert_allclose(_kernels.x_from_z_numpy(variable.kernel_code, np.array(variable.kernel_params), z), reference, rtol=1e-9)


def test_nataf_closed_forms():
    # Liu & Der Kiureghian (1986), exact cases of the Nataf integral equation
    a = RandomVariable("a", "lognormal", mean=10, std=4)
    b = RandomVariable("b", "lognormal", mean=3, std=0.9)
    n = RandomVariable("n", "normal", mean=0, std=1)
    za, zb = a.params_used["sigma_log"], b.params_used["sigma_log"]
    for rho in (-0.6, 0.3, 0.8):
        exact = math.log1p(rho * 0.4 * 0.3) / (za * zb)
        assert nataf_correlation(a, b, rho) == pytest.approx(exact, abs=1e-6)
        assert nataf_correlation(n, a, rho) == pytest.approx(rho * 0.4 / za, abs=1e-6)
    # uniform margins of a Gaussian copula: rho_x = (6/pi) asin(rho_z/2)
    u1 = RandomVariable("u1", "uniform", lower=0, upper=1)
    u2 = RandomVariable("u2", "uniform", lower=-3, upper=5)
    rho_z = nataf_correlation(u1, u2, 0.5)
    assert 6 / math.pi * math.asin(rho_z / 2) == pytest.approx(0.5, abs=1e-7)


def test_nataf_sample_correlation_is_the_one_asked_for():
    variables = [RandomVariable("a", "gumbel", mean=2, std=1), RandomVariable("b", "exponential", rate=1.0),
                 RandomVariable("c", "weibull", mean=5, std=1)]
    target = np.array([[1, 0.4, -0.3], [0.4, 1, 0.2], [-0.3, 0.2, 1]])
    nataf = Nataf(variables, target)
    x = nataf.u_to_x(np.random.default_rng(5).standard_normal((400_000, 3)))
    sample = np.corrcoef(x.T)
    # standard error of a correlation ~ (1 - rho^2)/sqrt(n) ~ 0.0016; heavier tails: allow 0.01
    np.testing.assert_allclose(sample, target, atol=0.01)
    np.testing.assert_allclose(nataf.x_to_u(x[:1000]), np.random.default_rng(5).standard_normal((400_000, 3))[:1000], atol=1e-6)


def test_correlation_errors():
    a, b, c = (RandomVariable(n, "normal", mean=0, std=1) for n in "abc")
    with pytest.raises(InputError, match="not positive definite"):
        Nataf([a, b, c], [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    with pytest.raises(InputError, match=r"correlation.pairs\[0\]: unknown variable 'Q'; variables are a, b"):
        correlation_from_pairs(["a", "b"], [["a", "Q", 0.3]])
    with pytest.raises(InputError, match="strictly between -1 and 1"):
        correlation_from_pairs(["a", "b"], [["a", "b", 1.0]])
    with pytest.raises(InputError, match="given twice"):
        correlation_from_pairs(["a", "b"], [["a", "b", 0.1], ["b", "a", 0.2]])
    e1, e2 = RandomVariable("e1", "exponential", rate=1.0), RandomVariable("e2", "exponential", rate=1.0)
    # the most negative correlation of two exponentials is 1 - pi^2/6 = -0.645
    with pytest.raises(InputError, match="cannot be reached"):
        Nataf([e1, e2], [[1, -0.8], [-0.8, 1]])
    assert nataf_correlation(e1, e2, -0.6) > -1.0


@pytest.mark.parametrize("mean, std, lower, upper", [(1.0, 0.5, 0.0, 3.0), (0.5, 0.3, 0.0, math.inf), (-1.0, 0.5, -math.inf, 0.0)])
def test_truncated_normal_by_moments(mean, std, lower, upper):
    v = RandomVariable("t", "truncated_normal", mean=mean, std=std, lower=lower, upper=upper)
    assert (v.dist.mean(), v.dist.std()) == pytest.approx((mean, std), rel=1e-7)
    assert v.dist.support() == pytest.approx((lower, upper), abs=1e-12)
    with pytest.raises(InputError, match="no truncated normal"):
        RandomVariable("t", "truncated_normal", mean=0.1, std=0.9, lower=0.0, upper=math.inf)
