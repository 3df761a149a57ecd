"""Life-data fitting: published examples, censored MLEs against scipy, Fisher/LR bounds, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import optimize, special, stats

from youzhi.errors import ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability.life import best_fit, fit_life, log_likelihood
from youzhi.reliability.life_data import LifeData
from youzhi.reliability.life_models import FAMILIES

# ReliaWiki "The Weibull Distribution" (Weibull++), complete-data example: 6 units tested to
# failure. Published: MLE beta = 1.933, eta = 73.526; RRY (exact median ranks) beta = 1.4302,
# eta = 76.317.
RELIAWIKI_6 = [16, 34, 53, 75, 93, 120]


def test_b8_weibull_mean_life():
    # BENCHMARKS.md B8: eta = 1000, beta = 2 -> MTTF = 1000 Gamma(1.5) = 886.23
    assert FAMILIES["weibull"].mean(np.array([1000.0, 2.0])) == pytest.approx(886.23, abs=0.005)


def test_reliawiki_weibull_mle_and_rr():
    mle = fit_life(RELIAWIKI_6, "weibull")
    assert mle.parameters["beta"] == pytest.approx(1.933, abs=5e-4)
    assert mle.parameters["eta"] == pytest.approx(73.526, abs=5e-4)
    rr = fit_life(RELIAWIKI_6, "weibull", method="rr")
    assert rr.parameters["beta"] == pytest.approx(1.4302, abs=5e-5)
    assert rr.parameters["eta"] == pytest.approx(76.317, abs=5e-4)


# Lieblein & Zelen (1956) ball-bearing endurance, millions of revolutions, 23 units all failed.
# Lawless, Statistical Models and Methods for Lifetime Data (2nd ed., 2003), examples 5.2 and
# 5.3: Weibull ML in log-location form u = 4.405, b = 0.476; lognormal ML mu = 4.150, sigma = 0.522.
BALL_BEARINGS = [17.88, 28.92, 33.00, 41.52, 42.12, 45.60, 48.48, 51.84, 51.96, 54.12, 55.56, 67.80,
                 68.64, 68.64, 68.88, 84.12, 93.12, 98.64, 105.12, 105.84, 127.92, 128.04, 173.40]

# O'Connor (1985) shock absorbers, km to failure, 11 failures and 27 units removed running.
# Meeker & Escobar, Statistical Methods for Reliability Data (1998), shock absorber example:
# Weibull ML mu = ln(eta) = 10.23, sigma = 1/beta = 0.3164.
SHOCK_FAILED = [6700, 9120, 12200, 13150, 14300, 17520, 20100, 20900, 22700, 26510, 27490]
SHOCK_RUNNING = [6950, 7820, 8790, 9660, 9820, 11310, 11690, 11850, 11880, 12140, 12870, 13330,
                 13470, 14040, 17540, 17890, 18450, 18960, 18980, 19410, 20100, 20150, 20320, 23490,
                 27410, 27890, 28100]


def test_lawless_ball_bearings():
    weibull = fit_life(BALL_BEARINGS, "weibull")
    assert math.log(weibull.parameters["eta"]) == pytest.approx(4.405, abs=5e-4)
    assert 1 / weibull.parameters["beta"] == pytest.approx(0.476, abs=5e-4)
    lognormal = fit_life(BALL_BEARINGS, "lognormal")
    assert lognormal.parameters["mu"] == pytest.approx(4.150, abs=5e-4)
    assert lognormal.parameters["sigma"] == pytest.approx(0.522, abs=5e-4)


def test_meeker_escobar_shock_absorbers_right_censored():
    fit = fit_life(LifeData.from_arrays(failures=SHOCK_FAILED, right_censored=SHOCK_RUNNING), "weibull")
    assert math.log(fit.parameters["eta"]) == pytest.approx(10.23, abs=5e-3)
    assert 1 / fit.parameters["beta"] == pytest.approx(0.3164, abs=5e-5)


def _scipy_fit(dist, data, **fixed):
    """Independent MLE: scipy.stats' own fit on scipy.stats.CensoredData."""
    return dist.fit(data, **fixed)


RNG = np.random.default_rng(20261122)
T_W = np.sort(RNG.weibull(1.7, 40) * 500.0)
CENS = 450.0


def _right_censored(t, c):
    return LifeData.from_arrays(failures=t[t <= c], right_censored=np.full(int(np.sum(t > c)), c))


@pytest.mark.parametrize("name, dist, order", [
    ("weibull", stats.weibull_min, lambda s: (s[2], s[0])),           # c, loc, scale -> eta, beta
    ("lognormal", stats.lognorm, lambda s: (math.log(s[2]), s[0])),  # s, loc, scale -> mu, sigma
    ("gamma", stats.gamma, lambda s: (s[0], s[2])),                  # a, loc, scale -> k, theta
    ("loglogistic", stats.fisk, lambda s: (s[2], s[0])),             # c, loc, scale -> alpha, beta
])
def test_right_censored_mle_matches_scipy(name, dist, order):
    data = _right_censored(T_W, CENS)
    ref = _scipy_fit(dist, stats.CensoredData.right_censored(np.minimum(T_W, CENS), T_W > CENS), floc=0)
    fit = fit_life(data, name)
    expected = order(ref)
    got = [fit.parameters[p] for p in FAMILIES[name].params]
    # compare log-likelihoods (the optimum is flat): ours must be at least as high, params close
    ll_ref = log_likelihood(FAMILIES[name], np.array(expected), data)
    assert fit.loglik >= ll_ref - 1e-6
    np.testing.assert_allclose(got, expected, rtol=2e-3)


def test_normal_left_and_interval_censored_mle_matches_scipy():
    x = np.sort(RNG.normal(100.0, 15.0, 30))
    left = x[:5]
    iv = np.column_stack([np.floor(x[5:15] / 10) * 10, np.floor(x[5:15] / 10) * 10 + 10])
    exact = x[15:25]
    right = x[25:]
    data = LifeData.from_arrays(failures=exact, right_censored=right, left_censored=left, interval=iv)
    cd = stats.CensoredData(uncensored=exact, left=left, right=right, interval=iv)
    mu, sigma = stats.norm.fit(cd)
    fit = fit_life(data, "normal")
    assert fit.parameters["mu"] == pytest.approx(mu, rel=1e-4)
    assert fit.parameters["sigma"] == pytest.approx(sigma, rel=1e-3)


def test_weibull_interval_data_matches_hand_written_likelihood():
    # inspection data: units checked every 100 h; some still running at 600 h
    edges = np.arange(0, 700, 100.0)
    counts = np.array([3, 7, 9, 6, 4, 2])
    data = LifeData.from_arrays(interval=list(zip(edges[:-1], edges[1:])), interval_counts=counts,
                                right_censored=[600.0], right_counts=[5])

    def nll(z):  # direct Nelder-Mead on the grouped-data likelihood
        eta, beta = np.exp(z)
        cdf = lambda t: 1 - np.exp(-(t / eta) ** beta)  # noqa: E731
        return -(np.sum(counts * np.log(cdf(edges[1:]) - cdf(edges[:-1]))) + 5 * (-(600 / eta) ** beta))

    ref = optimize.minimize(nll, [np.log(300), 0.5], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
    fit = fit_life(data, "weibull")
    np.testing.assert_allclose([fit.parameters["eta"], fit.parameters["beta"]], np.exp(ref.x), rtol=1e-5)


def test_weibull3_matches_hand_written_likelihood():
    t = np.sort(300.0 + RNG.weibull(2.5, 60) * 200.0)
    fit = fit_life(t, "weibull3")

    def nll(p):
        eta, beta, gamma = p
        if eta <= 0 or beta <= 0 or gamma >= t.min():
            return 1e300
        z = (t - gamma) / eta
        return -np.sum(np.log(beta / eta) + (beta - 1) * np.log(z) - z ** beta)

    ref = optimize.minimize(nll, [200, 2.0, 250.0], method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
    assert -fit.loglik <= ref.fun + 1e-6
    np.testing.assert_allclose([fit.parameters[p] for p in ("eta", "beta", "gamma")], ref.x, rtol=2e-3)


def test_exponential_bounds_closed_forms():
    t = RELIAWIKI_6
    n, total = len(t), float(sum(t))
    rate = n / total
    fit = fit_life(t, "exponential", confidence=0.9)
    assert fit.parameters["rate"] == pytest.approx(rate, rel=1e-6)
    z = stats.norm.ppf(0.95)  # Fisher on the log scale: se(ln rate) = 1/sqrt(n)
    np.testing.assert_allclose(fit.confidence_intervals["rate"], [rate * math.exp(-z / math.sqrt(n)), rate * math.exp(z / math.sqrt(n))], rtol=1e-5)
    # likelihood ratio: n ln(l/l_hat) - (l - l_hat) T = -chi2_1(0.9)/2, solved by brentq
    c = stats.chi2.ppf(0.9, 1) / 2
    g = lambda lam: n * math.log(lam / rate) - (lam - rate) * total + c  # noqa: E731
    lr = fit_life(t, "exponential", confidence=0.9, bounds="likelihood")
    expected = [optimize.brentq(g, rate * 1e-3, rate), optimize.brentq(g, rate, rate * 100)]
    np.testing.assert_allclose(lr.confidence_intervals["rate"], expected, rtol=1e-4)
    np.testing.assert_allclose(lr.mean_life_interval, [1 / expected[1], 1 / expected[0]], rtol=1e-4)


def test_weibull_fisher_matrix_matches_analytic_information():
    t = np.asarray(RELIAWIKI_6, float)
    fit = fit_life(t, "weibull")
    eta, beta = fit.parameters["eta"], fit.parameters["beta"]
    z = t / eta
    lz = np.log(z)
    # analytic second derivatives of the complete-data Weibull log-likelihood
    d_bb = -len(t) / beta**2 - np.sum(z**beta * lz**2)
    d_ee = len(t) * beta / eta**2 - beta * (beta + 1) / eta**2 * np.sum(z**beta)
    d_be = -len(t) / eta + np.sum(z**beta) / eta + beta / eta * np.sum(z**beta * lz)
    cov = np.linalg.inv(-np.array([[d_ee, d_be], [d_be, d_bb]]))
    np.testing.assert_allclose(fit.covariance, cov, rtol=1e-4)
    # reliability bounds on the ln(-ln R) scale (Weibull++ method), hand-computed
    t0 = 50.0
    u = beta * (math.log(t0) - math.log(eta))
    du = np.array([-beta / eta, math.log(t0) - math.log(eta)])
    sd = math.sqrt(du @ cov @ du)
    zq = stats.norm.ppf(0.95)
    expected = sorted([math.exp(-math.exp(u + zq * sd)), math.exp(-math.exp(u - zq * sd))])
    np.testing.assert_allclose(fit.reliability_interval(t0), expected, rtol=1e-5)


def test_likelihood_ratio_bounds_are_on_the_profile_contour():
    data = _right_censored(T_W, CENS)
    fit = fit_life(data, "weibull", bounds="likelihood", confidence=0.9)
    target = fit.loglik - stats.chi2.ppf(0.9, 1) / 2
    fam = FAMILIES["weibull"]
    for beta_end in fit.confidence_intervals["beta"]:  # profile over eta by a 1-D search
        prof = optimize.minimize_scalar(lambda le: -log_likelihood(fam, np.array([math.exp(le), beta_end]), data),
                                        bounds=(3, 10), method="bounded", options={"xatol": 1e-10})
        assert -prof.fun == pytest.approx(target, abs=2e-3)
    lo, hi = fit.reliability_interval(300.0)
    assert lo < fit.reliability(300.0) < hi


def test_best_fit_picks_generating_family_and_lists_failures():
    t = np.exp(RNG.normal(5.0, 0.4, 80))
    res = best_fit(t, candidates=["weibull", "lognormal", "exponential"])
    assert res.best.distribution == "lognormal"
    assert [r["distribution"] for r in res.ranking][-1] == "exponential"


def test_anderson_darling_matches_scipy_for_complete_data():
    t = np.asarray(RELIAWIKI_6, float)
    with pytest.warns(YouzhiWarning, match="B10 life is negative"):
        fit = fit_life(t, "normal")
    u = np.sort(stats.norm.cdf(t, fit.parameters["mu"], fit.parameters["sigma"]))
    n = t.size
    i = np.arange(1, n + 1)
    a2 = -n - np.mean((2 * i - 1) * (np.log(u) + np.log(1 - u[::-1])))
    assert fit.anderson_darling == pytest.approx(a2, rel=1e-9)


def test_anderson_darling_singly_censored_matches_pettitt():
    """Type II censoring (the test stops at the r-th failure): Pettitt's (1976) closed form, as
    given in D'Agostino & Stephens, Goodness-of-Fit Techniques (1986), section 4.7."""
    t = T_W[:25]
    data = LifeData.from_arrays(failures=t, right_censored=np.full(T_W.size - 25, t[-1]))
    fit = fit_life(data, "weibull")
    z = stats.weibull_min.cdf(t, fit.parameters["beta"], scale=fit.parameters["eta"])
    n, r = T_W.size, t.size
    i = np.arange(1, r + 1)
    a2 = (-np.sum((2 * i - 1) * (np.log(z) - np.log1p(-z))) / n - 2 * np.sum(np.log1p(-z))
          - ((r - n) ** 2 * np.log1p(-z[-1]) - r**2 * np.log(z[-1]) + n**2 * z[-1]) / n)
    assert fit.anderson_darling == pytest.approx(a2, rel=1e-9)


def test_anderson_darling_multiply_censored_matches_quadrature():
    """Suspensions scattered among the failures: n * integral of (KM - u)^2 / (u (1 - u)) du
    by numerical quadrature, with the Kaplan-Meier estimate computed here unit by unit."""
    from scipy import integrate

    fail = np.array([31.0, 47, 47, 80, 112, 140, 161, 205, 260])
    susp = np.array([40.0, 47, 95, 150, 150, 300])
    fit = fit_life(LifeData.from_arrays(failures=fail, right_censored=susp), "weibull")
    cdf = lambda x: stats.weibull_min.cdf(x, fit.parameters["beta"], scale=fit.parameters["eta"])
    units = sorted([(x, 0) for x in fail] + [(x, 1) for x in susp])   # failures first at a tie
    s, at_risk, knots = 1.0, len(units), [(0.0, 0.0)]
    for x, suspended in units:
        if not suspended:
            s *= 1 - 1 / at_risk
            knots.append((cdf(x), 1 - s))
        at_risk -= 1
    ends = [k[0] for k in knots[1:]] + [cdf(susp.max())]
    total = sum(integrate.quad(lambda u, c=c: (c - u) ** 2 / (u * (1 - u)), a, b, epsabs=1e-13)[0]
                for (a, c), b in zip(knots, ends))
    assert fit.anderson_darling == pytest.approx(len(units) * total, rel=1e-8)
    interval = LifeData.from_arrays(failures=fail, interval=[(10.0, 30.0)])
    assert fit_life(interval, "weibull").anderson_darling is None


def test_information_criteria():
    fit = fit_life(RELIAWIKI_6, "weibull")
    ll = float(np.sum(stats.weibull_min.logpdf(RELIAWIKI_6, fit.parameters["beta"], scale=fit.parameters["eta"])))
    assert fit.loglik == pytest.approx(ll, rel=1e-10)
    assert fit.aic == pytest.approx(4 - 2 * ll)
    assert fit.aicc == pytest.approx(4 - 2 * ll + 12 / 3)
    assert fit.bic == pytest.approx(2 * math.log(6) - 2 * ll)


def test_errors_are_clear():
    with pytest.raises(InputError, match="at least 2 failure"):
        fit_life(LifeData.from_arrays(failures=[10], right_censored=[20, 30]), "weibull")
    with pytest.raises(InputError, match="at least 3 failure"):
        fit_life([10, 20], "weibull3")
    with pytest.raises(InputError, match="unknown 'cauchy'"):
        fit_life([10, 20], "cauchy")
    with pytest.raises(InputError, match="exact failures and suspensions only"):
        fit_life(LifeData.from_arrays(failures=[5, 9], interval=[(1, 3)]), "weibull", method="rr")
    with pytest.raises(InputError, match=r"failures\[1\]"):
        LifeData.from_arrays(failures=[5, -1])


def test_degenerate_weibull3_is_not_silent():
    # decreasing-hazard data: the 3-p MLE runs gamma up to the first failure
    t = np.sort(RNG.weibull(0.7, 25) * 100 + 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", YouzhiWarning)
        with pytest.raises((ConvergenceError, YouzhiWarning)):
            fit_life(t, "weibull3")


def test_interval_likelihood_uses_cdf_difference():
    p = np.array([100.0, 1.5])
    data = LifeData.from_arrays(interval=[(50.0, 80.0)])
    expected = math.log(stats.weibull_min.cdf(80, 1.5, scale=100) - stats.weibull_min.cdf(50, 1.5, scale=100))
    assert log_likelihood(FAMILIES["weibull"], p, data) == pytest.approx(expected, rel=1e-12)
    assert special.gamma(1.5) * 100 == pytest.approx(FAMILIES["weibull"].mean(np.array([100.0, 2.0])))


def test_negative_normal_b10_bound_warns():
    # wide normal fit: B10 = mu - 1.2816 sigma is near 0, so its lower bound is negative
    with pytest.warns(YouzhiWarning, match="negative"):
        fit_life([5, 40, 90, 150, 200], "normal")


def test_likelihood_ratio_bounds_with_left_and_interval_data():
    data = LifeData.from_arrays(failures=[210, 340, 480, 620], left_censored=[100, 150], interval=[(200, 400), (400, 600)],
                                right_censored=[700] * 5)
    fit = fit_life(data, "lognormal", bounds="likelihood", confidence=0.95)
    target = fit.loglik - stats.chi2.ppf(0.95, 1) / 2
    fam = FAMILIES["lognormal"]
    for mu_end in fit.confidence_intervals["mu"]:  # profile over sigma by a 1-D search
        prof = optimize.minimize_scalar(lambda ls: -log_likelihood(fam, np.array([mu_end, math.exp(ls)]), data),
                                        bounds=(-5, 3), method="bounded", options={"xatol": 1e-10})
        assert -prof.fun == pytest.approx(target, abs=2e-3)


@pytest.mark.parametrize("name, z", [("weibull", [math.log(650.0), math.log(1.7)]),
                                     ("lognormal", [6.2, math.log(0.8)]), ("normal", [450.0, math.log(250.0)])])
def test_analytic_gradient_matches_finite_differences(name, z):
    data = LifeData.from_arrays(failures=[210, 340, 480, 620], left_censored=[100, 150], interval=[(0, 90), (200, 400)],
                                right_censored=[700] * 5)
    fam = FAMILIES[name]
    z = np.array(z)
    ll = lambda zz: log_likelihood(fam, fam.from_free(zz, {}), data)  # noqa: E731
    h = 1e-6
    numeric = [(ll(z + e) - ll(z - e)) / (2 * h) for e in np.eye(2) * h]
    np.testing.assert_allclose(fam.loglik_gradient(z, data), numeric, rtol=1e-6)


def test_no_maximum_is_an_error_not_a_number():
    # all failures before 300 h, none in (300, 400]: the Weibull likelihood grows without bound
    # as beta -> infinity, so there is no MLE; the fit must say so
    data = LifeData.from_arrays(left_censored=[100, 200, 300], right_censored=[400] * 5)
    for name in ("weibull", "lognormal", "loglogistic"):
        with pytest.raises(ConvergenceError):
            fit_life(data, name)
