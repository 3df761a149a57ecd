"""Subset simulation against BENCHMARKS.md (../shared/data/reliability) verified values.

Each estimate runs to target_cov = 0.05, so the issue's 15 % band is 3 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.reliability import rare_cases as cases
from youzhi.errors import ComputationError, ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability._rare import CountingProblem
from youzhi.reliability.problem import ReliabilityProblem
from youzhi.reliability.subset import _level_cov, subset_simulation


def assert_close(result, reference):
    assert result.cov <= 0.05
    assert result.pf == pytest.approx(reference, rel=0.15)
    assert abs(result.pf - reference) <= 3 * result.cov * result.pf
    low, high = result.confidence_interval
    assert low < result.pf < high


@pytest.mark.parametrize("case", ["rp28", "rp77", "rp111", "four_branch"])
def test_small_pf_benchmarks(case):
    # RP28 1.453295e-7, RP77 2.690844e-7, RP111 8.035086e-7, 4B-7 2.222795e-3 (BENCHMARKS.md, verified).
    problem, reference = getattr(cases, case)()
    result = subset_simulation(problem, n_samples=2000, target_cov=0.05, seed=7, max_evaluations=2_000_000)
    assert_close(result, reference)
    # Each run: N at level 0, at most N (1 - p0) for every later level.
    levels = len(result.thresholds) + 1
    assert result.n_runs * 2000 < result.n_evaluations
    assert result.n_evaluations <= result.n_runs * (2000 + 2 * levels * 1800)


@pytest.mark.slow
@pytest.mark.parametrize("b", [5.0, 6.0])
def test_lin100_hundred_dimensions(b):
    # LIN100-b: Pf = Phi(-b) exactly: 2.866516e-7 (b = 5) and 9.865876e-10 (b = 6), 100 variables.
    problem, reference = cases.lin(b)
    result = subset_simulation(problem, n_samples=2000, target_cov=0.05, seed=3, max_evaluations=5_000_000)
    assert_close(result, reference)
    levels = math.floor(-math.log10(reference))  # p0 = 0.1 per threshold, the last level's p in [0.1, 1]
    assert len(result.thresholds) in (levels - 1, levels)


def test_single_run_levels_and_cost():
    # RP107 (Pf = Phi(-5)): about log10(1/Pf) levels; a run costs N + m N (1 - p0) for m thresholds.
    problem, reference = cases.lin(5.0, n=10)
    result = subset_simulation(problem, n_samples=1000, seed=1)
    m = len(result.thresholds)
    assert m in (6, 7) and result.n_runs == 1
    seeds = [round(1000 * p) for p in result.conditional_probabilities[:-1]]
    assert result.n_evaluations == 1000 + sum(1000 - s for s in seeds)
    assert all(a > b > 0 for a, b in zip(result.thresholds, result.thresholds[1:]))
    # p0 exactly, or a little more when repeated chain states tie at the threshold.
    assert all(0.1 <= p < 0.11 for p in result.conditional_probabilities[:-1])
    assert result.pf == pytest.approx(np.prod(result.conditional_probabilities))
    assert all(0.2 < a < 0.7 for a in result.acceptance_rates)  # adapted towards 0.44
    # Within 3 standard deviations on the log scale (the module's lognormal model of pf).
    assert abs(math.log(result.pf / reference)) <= 3 * math.sqrt(math.log1p(result.cov ** 2))
    assert result.au_beck_cov <= result.cov and result.pilot_evaluations == 0
    frame = result.to_frame()
    assert len(frame) == m + 1


def test_budget_alone_buys_one_run_sized_by_a_pilot():
    # RP28 (Pf = 1.453295e-7, BENCHMARKS.md verified): one run with N from the budget, pilot counted.
    problem, reference = cases.rp28()
    counter = CountingProblem(problem)
    result = subset_simulation(counter, max_evaluations=60_000, seed=4)
    assert result.n_runs == 1 and result.pilot_evaluations > 0
    assert result.n_evaluations == counter.count <= 60_000
    # pilot N = 60000 / 250 = 240; the rest buys N = (60000 - pilot) / (1 + k 0.9) with k ~ 6.8 thresholds
    assert result.samples_per_level > 7000
    assert result.n_evaluations > 0.8 * 60_000  # planned for up to one level more than needed
    assert abs(math.log(result.pf / reference)) <= 3 * math.sqrt(math.log1p(result.cov ** 2))


def test_budget_on_a_large_pf_is_crude_monte_carlo():
    # Pf = Phi(-1/sqrt 2) = 0.2398 > p0: no threshold, the run is one crude Monte Carlo sample with the
    # binomial CoV; the pilot has 20 / p0 = 400 samples.
    problem = ReliabilityProblem([cases.normal("R", 3, 1), cases.normal("S", 2, 1)], "R - S")
    result = subset_simulation(problem, max_evaluations=50_000, p0=0.05, seed=3)
    n = result.samples_per_level
    assert result.thresholds == () and result.pilot_evaluations == 400
    assert result.n_evaluations == n + 400 <= 50_000 and n > 20_000
    assert result.cov == pytest.approx(math.sqrt((1 - result.pf) / (n * result.pf)))
    assert abs(result.pf - stats.norm.sf(1 / math.sqrt(2))) <= 3 * result.cov * result.pf


def test_no_threshold_needed_is_crude_monte_carlo():
    # Pf = Phi(-sqrt 2) = 0.0786 > p0: level 0 already reaches g <= 0, and subset simulation is crude
    # Monte Carlo with the binomial CoV sqrt((1 - p) / (N p)).
    problem = ReliabilityProblem([cases.normal("R", 4, 1), cases.normal("S", 2, 1)], "R - S")
    result = subset_simulation(problem, n_samples=4000, p0=0.05, seed=2)
    p = result.pf
    assert result.thresholds == () and result.n_evaluations == 4000
    assert result.cov == pytest.approx(math.sqrt((1 - p) / (4000 * p)))
    assert abs(p - stats.norm.sf(math.sqrt(2))) <= 3 * result.cov * p


def test_level_cov_matches_brute_force_autocorrelation():
    # Au & Beck (2001) eq. for gamma, written out loop by loop, on random chains.
    rng = np.random.default_rng(0)
    chains = rng.random((20, 10)) < 0.3
    p = chains.mean()
    n = chains.size
    r = [sum(chains[c, t] * chains[c, t + k] for c in range(20) for t in range(10 - k)) / (n - k * 20) - p * p
         for k in range(10)]
    gamma = 2 * sum((1 - k / 10) * r[k] / (p * (1 - p)) for k in range(1, 10))
    lengths = np.full(20, 10)
    assert _level_cov(chains.reshape(-1), lengths, p) == pytest.approx(math.sqrt((1 - p) / (n * p) * (1 + gamma)))
    first = chains[:, 0]
    assert _level_cov(first, np.ones(20, dtype=int), first.mean()) == pytest.approx(
        math.sqrt((1 - first.mean()) / (20 * first.mean())))


def test_same_seed_same_answer():
    problem, _ = cases.four_branch()
    a = subset_simulation(problem, n_samples=500, seed=9)
    b = subset_simulation(problem, n_samples=500, seed=9)
    c = subset_simulation(problem, n_samples=500, seed=10)
    assert a.to_dict() == b.to_dict()
    assert a.pf != c.pf
    # Runs have their own streams: the first run of a multi-run estimate is the single run.
    multi = subset_simulation(problem, n_samples=500, seed=9, target_cov=0.05)
    assert multi.n_runs > 1 and multi.thresholds == a.thresholds


def test_target_not_reached_warns():
    problem, _ = cases.lin(5.0, n=10)
    with pytest.warns(YouzhiWarning, match="target_cov=0.01 not reached"):
        result = subset_simulation(problem, n_samples=500, target_cov=0.01, seed=1, max_evaluations=10_000)
    assert result.cov > 0.01 and result.n_evaluations <= 10_000


def test_budget_without_target_averages_runs():
    problem, reference = cases.lin(5.0, n=10)
    single = subset_simulation(problem, n_samples=500, seed=4)
    result = subset_simulation(problem, n_samples=500, seed=4, max_evaluations=40_000)
    assert result.n_runs > 1 and result.n_evaluations <= 40_000 + single.n_evaluations
    assert result.thresholds == single.thresholds  # run 0 is the single run
    assert result.cov < single.cov
    assert abs(result.pf - reference) <= 3 * result.cov * result.pf


def test_too_few_levels_is_an_error():
    problem, _ = cases.lin(6.0, n=10)
    with pytest.raises(ConvergenceError, match="2 levels"):
        subset_simulation(problem, n_samples=500, seed=1, max_levels=2)


def test_nan_is_an_error():
    problem = ReliabilityProblem(cases.standard(2), lambda x: np.where(x[:, 0] > 3.0, np.nan, 4.0 - x[:, 0]))
    with pytest.raises(ComputationError, match="NaN"):
        subset_simulation(problem, n_samples=1000, seed=1)


@pytest.mark.parametrize("kwargs, field", [({"n_samples": 9}, "n_samples"), ({"p0": 0.7}, "p0"),
                                           ({"p0": 0.0}, "p0"), ({"max_levels": 0}, "max_levels"),
                                           ({"confidence": 0.0}, "confidence"), ({"target_cov": "low"}, "target_cov")])
def test_bad_arguments(kwargs, field):
    problem, _ = cases.rp22()
    with pytest.raises(InputError, match=field):
        subset_simulation(problem, **kwargs)


@pytest.mark.slow
def test_au_beck_cov_matches_the_scatter_of_repeated_runs():
    # The CoV a single run reports (Au & Beck 2001) against the scatter of 40 independent runs on
    # RP107 (Pf = Phi(-5), exact). Au & Beck's sum treats levels as uncorrelated, so it is known
    # to be somewhat optimistic; it must still be the right size.
    from youzhi._random import block_seeds

    problem, reference = cases.lin(5.0, n=10)
    runs = [subset_simulation(problem, n_samples=1000, seed=s) for s in block_seeds(100, 40)]
    pfs = np.array([r.pf for r in runs])
    scatter = pfs.std(ddof=1) / reference
    reported = math.sqrt(np.mean([r.cov**2 for r in runs]))
    assert 0.7 < scatter / reported < 1.5
    assert pfs.mean() == pytest.approx(reference, rel=3 * scatter / math.sqrt(40))


def _repeated(problem, reference, seeds, **kwargs):
    runs = [subset_simulation(problem, seed=s, **kwargs) for s in seeds]
    ratios = np.array([r.pf / reference for r in runs])
    reported = math.sqrt(np.mean([r.cov ** 2 for r in runs]))
    au_beck = math.sqrt(np.mean([r.au_beck_cov ** 2 for r in runs]))
    return ratios, reported, au_beck, runs


@pytest.mark.slow
def test_reported_cov_is_the_real_scatter_at_pf_1e_9():
    # LIN2-b6: g = 6 sqrt 2 - x1 - x2, Pf = Phi(-6) = 9.865876e-10 exactly, budget 1e5 (the CLI default path).
    # 60 seeds: the standard deviation of pf / Pf has a relative standard error of about 1/sqrt(120) = 9 %,
    # so the reported CoV must match it within 30 %. Au & Beck's CoV alone was 20 % low in 200-seed trials.
    problem, reference = cases.lin(6.0, n=2)
    ratios, reported, au_beck, runs = _repeated(problem, reference, range(500, 560), max_evaluations=100_000)
    real = ratios.std(ddof=1)
    assert 0.7 < real / reported < 1.3
    assert au_beck < real  # Au & Beck alone is optimistic (0.139 against 0.180 here)
    assert abs(ratios.mean() - 1) <= 3 * real / math.sqrt(60)
    assert all(r.n_evaluations <= 100_000 for r in runs)
    assert real < 0.25  # about 0.17 in 400-seed trials: short of the 0.1, see bench_rare.py


@pytest.mark.slow
def test_curved_limit_state_at_pf_1e_9_is_unbiased():
    # g = 5.4 - u10 + 0.1 sum_{i<10} u_i^2 (every principal curvature 0.2): Pf = 1.033788e-9 by quadrature
    # over chi2(9) (rare_cases.paraboloid_exact). The mean of 40 budget runs within 3 standard errors.
    problem = cases.paraboloid(10, 5.4, 0.2)
    reference = cases.paraboloid_exact(10, 5.4, 0.2)
    assert reference == pytest.approx(1.033788e-9, rel=1e-6)
    ratios, reported, _, _ = _repeated(problem, reference, range(40), max_evaluations=100_000)
    assert abs(ratios.mean() - 1) <= 3 * ratios.std(ddof=1) / math.sqrt(40)
    assert 0.7 < ratios.std(ddof=1) / reported < 1.3
