"""Crow-AMSAA and Duane growth: BENCHMARKS.md B16 and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from youzhi.errors import FileFormatError, InputError, YouzhiWarning
from youzhi.reliability.growth import crow_amsaa, duane, read_growth_csv

# The `system_growth` data set: 22 cumulative failure times, copied from the `reliability`
# package 0.9.0, reliability/Datasets.py, class system_growth (failure-terminated, T = 620).
SYSTEM_GROWTH = [2.7, 10.3, 12.5, 30.6, 57, 61.3, 80, 109.5, 125, 128.6, 143.8, 167.9, 229.2, 296.7,
                 320.6, 328.2, 366.2, 396.7, 421.1, 438.2, 501.2, 620]


def test_b16_crow_amsaa():
    # BENCHMARKS.md B16: beta 0.61421, lambda 0.42394, DMTBF_C 28.1818, DMTBF_I 45.883
    res = crow_amsaa(SYSTEM_GROWTH)
    assert res.beta == pytest.approx(0.61421, abs=5e-6)
    assert res.lam == pytest.approx(0.42394, abs=5e-6)
    assert res.mtbf_cumulative == pytest.approx(28.1818, abs=5e-5)
    assert res.mtbf_instantaneous == pytest.approx(45.883, abs=5e-4)
    assert res.terminated == "failure"


def test_crow_amsaa_is_the_nhpp_mle_time_terminated():
    # direct maximisation of the power-law NHPP log-likelihood, time-terminated at T = 700
    t, T = np.array(SYSTEM_GROWTH), 700.0
    nll = lambda z: -(len(t) * z[0] + len(t) * math.log(math.exp(z[1])) + (math.exp(z[1]) - 1) * np.log(t).sum()  # noqa: E731
                      - math.exp(z[0]) * T ** math.exp(z[1]))
    ref = optimize.minimize(nll, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
    res = crow_amsaa(t, end_time=T)
    assert res.terminated == "time"
    assert res.lam == pytest.approx(math.exp(ref.x[0]), rel=1e-5)
    assert res.beta == pytest.approx(math.exp(ref.x[1]), rel=1e-5)
    assert crow_amsaa(t, end_time=T, unbiased=True).beta == pytest.approx(res.beta * 21 / 22)
    assert crow_amsaa(t, unbiased=True).beta == pytest.approx(crow_amsaa(t).beta * 20 / 22)


def test_time_to_target_gives_the_target_mtbf():
    res = crow_amsaa(SYSTEM_GROWTH, target=100.0)
    assert res.mtbf_at(res.time_to_target) == pytest.approx(100.0)
    with pytest.warns(YouzhiWarning, match="no growth"):
        worse = crow_amsaa(100 * np.sqrt(np.arange(1.0, 11.0)), target=10.0)  # N(t) ~ t^2: beta > 1
    assert worse.time_to_target is None and worse.beta > 1  # the fit itself is kept


def test_duane_against_reliability_package():
    # `reliability` 0.9.0 reliability_growth(system_growth, model='Duane', target_MTBF=50) printed:
    # Alpha 0.42531, A 0.57338, DMTBF_C 26.86511, DMTBF_I 46.74719
    res = duane(SYSTEM_GROWTH, target=50.0)
    assert res.growth_rate == pytest.approx(0.42531, abs=5e-6)
    assert res.lam == pytest.approx(0.57338, abs=5e-6)
    assert res.mtbf_cumulative == pytest.approx(26.86511, abs=5e-6)
    assert res.mtbf_instantaneous == pytest.approx(46.74719, abs=5e-6)
    assert res.mtbf_at(res.time_to_target) == pytest.approx(50.0)


def test_growth_csv(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("time\n" + "\n".join(map(str, SYSTEM_GROWTH)))
    assert read_growth_csv(p).tolist() == SYSTEM_GROWTH
    p.write_text("time\n10\nx\n")
    with pytest.raises(FileFormatError, match="line 3, column 'time'"):
        read_growth_csv(p)
    with pytest.raises(InputError, match="at least 3"):
        crow_amsaa([1.0, 2.0])


@pytest.mark.slow
@pytest.mark.parametrize("end_time", [None, 1.3])
def test_beta_interval_coverage_by_simulation(end_time):
    # power-law NHPP with lambda = 1, beta = 0.6 (unit-rate Poisson arrivals G_i -> t_i = G_i^(1/beta));
    # failure-terminated after 15 failures, or time-terminated at 1.3 x the 15th arrival of a
    # fixed pilot path. The chi-square interval is exact: coverage within 3 binomial s.e. of 0.9.
    rng = np.random.default_rng(3)
    reps, beta, hits, used = 1500, 0.6, 0, 0
    for _ in range(reps):
        g = np.cumsum(rng.exponential(size=60))
        t = g ** (1 / beta)
        if end_time is None:
            res = crow_amsaa(t[:15], confidence=0.9)
        else:
            end = 15.0 ** (1 / beta) * end_time
            obs = t[t <= end]
            if obs.size < 3:
                continue
            res = crow_amsaa(obs, end_time=end, confidence=0.9)
        used += 1
        hits += res.beta_interval[0] <= beta <= res.beta_interval[1]
    assert abs(hits / used - 0.9) <= 3 * math.sqrt(0.09 / used)
