"""Rank regression: Johnson's adjusted ranks by hand, median ranks, RRX/RRY by scipy.stats.linregress."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from youzhi.errors import InputError
from youzhi.reliability.life import fit_life
from youzhi.reliability.life_data import LifeData
from youzhi.reliability.life_rr import adjusted_ranks, median_rank


def test_johnson_adjusted_ranks_by_hand():
    # N = 5: F10, S20, F30, S40, F50. Reverse ranks 5..1.
    # F10: 0 + 6/6 = 1; F30: 1 + (6-1)/(1+3) = 2.25; F50: 2.25 + (6-2.25)/(1+1) = 4.125
    d = LifeData.from_arrays(failures=[10, 30, 50], right_censored=[20, 40])
    t, ranks, n = adjusted_ranks(d)
    assert t.tolist() == [10, 30, 50] and n == 5
    np.testing.assert_allclose(ranks, [1.0, 2.25, 4.125])


def test_median_ranks():
    # Bernard's approximation and the exact beta median (Beta(1, n) median = 1 - 0.5**(1/n))
    assert median_rank(np.array([1.0]), 6, "bernard")[0] == pytest.approx(0.7 / 6.4)
    assert median_rank(np.array([1.0]), 6, "exact")[0] == pytest.approx(1 - 0.5 ** (1 / 6))


@pytest.mark.parametrize("regression", ["y_on_x", "x_on_y"])
def test_weibull_rr_with_suspensions(regression):
    d = LifeData.from_arrays(failures=[10, 30, 50], right_censored=[20, 40])
    f = stats.beta.ppf(0.5, [1.0, 2.25, 4.125], 5 - np.array([1.0, 2.25, 4.125]) + 1)
    x, y = np.log([10, 30, 50]), np.log(-np.log(1 - f))
    if regression == "y_on_x":
        lr = stats.linregress(x, y)
        beta, eta = lr.slope, math.exp(-lr.intercept / lr.slope)
    else:
        lr = stats.linregress(y, x)
        beta, eta = 1 / lr.slope, math.exp(lr.intercept)
    fit = fit_life(d, "weibull", method="rr", regression=regression)
    assert fit.parameters["beta"] == pytest.approx(beta, rel=1e-10)
    assert fit.parameters["eta"] == pytest.approx(eta, rel=1e-10)


def test_lognormal_rr_bernard():
    t = np.array([16, 34, 53, 75, 93, 120.0])
    f = (np.arange(1, 7) - 0.3) / 6.4
    lr = stats.linregress(np.log(t), stats.norm.ppf(f))
    fit = fit_life(t, "lognormal", method="rr", median_ranks="bernard")
    assert fit.parameters["sigma"] == pytest.approx(1 / lr.slope, rel=1e-10)
    assert fit.parameters["mu"] == pytest.approx(-lr.intercept / lr.slope, rel=1e-10)


def test_rr_refuses_what_it_cannot_do():
    with pytest.raises(InputError, match="rank regression fits"):
        fit_life([1, 2, 3, 4], "gamma", method="rr")
    with pytest.raises(InputError, match="need method='mle'"):
        fit_life([1, 2, 3, 4], "weibull", method="rr", bounds="likelihood")
