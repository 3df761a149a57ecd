"""Crude Monte Carlo and Latin hypercube: accuracy within their own error, seeds, threads, edge cases.

Runs with ``NUMBA_DISABLE_JIT=1`` too (the sample sizes shrink then).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from scipy import special, stats

from youzhi.errors import ComputationError, InputError
from youzhi.reliability.distributions import RandomVariable
from youzhi.reliability.problem import ReliabilityProblem
from youzhi.reliability.simulation import binomial_interval, crude_monte_carlo, latin_hypercube

JIT = os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")
N = 200_000 if JIT else 4_000
BLOCK = 50_000 if JIT else 1_000
PF_RS = float(special.ndtr(-math.sqrt(2)))  # R ~ N(4,1), S ~ N(2,1): Pf = Phi(-sqrt 2) (BENCHMARKS.md "RS")


def rs_problem(limit_state="R - S") -> ReliabilityProblem:
    return ReliabilityProblem([RandomVariable("R", "normal", mean=4, std=1), RandomVariable("S", "normal", mean=2, std=1)],
                              limit_state)


def within(estimate: float, exact: float, n: int, k: float = 4.0) -> bool:
    return abs(estimate - exact) <= k * math.sqrt(exact * (1 - exact) / n)


def test_crude_rs_matches_the_closed_form():
    result = crude_monte_carlo(rs_problem(), n_samples=N, seed=11, block_size=BLOCK)
    assert within(result.pf, PF_RS, N)
    assert result.n_evaluations == N and result.method == "crude" and result.seed == 11
    assert result.confidence_interval[0] < result.pf < result.confidence_interval[1]
    assert result.cov == pytest.approx(math.sqrt((1 - result.pf) / (N * result.pf)))
    assert result.beta == pytest.approx(-special.ndtri(result.pf))
    assert set(result.to_dict()) >= {"pf", "beta", "cov", "n_evaluations", "confidence_interval", "method", "seed"}


def test_same_seed_same_answer_whatever_the_thread_count():
    runs = [crude_monte_carlo(rs_problem(), n_samples=N, seed=5, block_size=BLOCK, n_threads=t) for t in (1, 2, 3)]
    assert runs[0].n_failures == runs[1].n_failures == runs[2].n_failures
    other = crude_monte_carlo(rs_problem(), n_samples=N, seed=6, block_size=BLOCK)
    assert other.n_failures != runs[0].n_failures


def test_target_cov_stops_on_a_block_prefix():
    target = 0.05
    early = crude_monte_carlo(rs_problem(), n_samples=100 * N, seed=2, target_cov=target, block_size=BLOCK // 10, n_threads=2)
    assert early.cov <= target and early.n_evaluations < 100 * N
    # required n for cov 0.05 at this pf is (1-p)/(p 0.05^2) ~ 4700; stopping happens at the first block past it
    assert early.n_evaluations <= (1 - PF_RS) / (PF_RS * target**2) * 1.5 + BLOCK // 10
    # the same blocks without early stopping give the same count: stopping only cuts the sequence
    same = crude_monte_carlo(rs_problem(), n_samples=early.n_evaluations, seed=2, block_size=BLOCK // 10, n_threads=1)
    assert same.n_failures == early.n_failures
    assert within(early.pf, PF_RS, early.n_evaluations)


def test_zero_failures_gives_pf_zero_and_an_upper_bound():
    problem = rs_problem("R - S + 100")
    exact = crude_monte_carlo(problem, n_samples=1000, seed=1, interval="exact")
    assert exact.pf == 0.0 and exact.n_failures == 0 and exact.beta == math.inf
    assert exact.confidence_interval == pytest.approx((0.0, 1 - 0.025 ** (1 / 1000)))  # Clopper-Pearson, closed form at 0
    wilson = crude_monte_carlo(problem, n_samples=1000, seed=1)
    z = special.ndtri(0.975)
    assert wilson.confidence_interval[1] == pytest.approx(z * z / (1000 + z * z))


def test_binomial_intervals_against_published_values():
    # Newcombe (1998), Table I, 81/263: Wilson 0.2553-0.3662; exact (Clopper-Pearson) 0.2527-0.3676
    assert binomial_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=6e-5)
    assert binomial_interval(81, 263, method="exact") == pytest.approx((0.2527, 0.3676), abs=6e-5)
    with pytest.raises(InputError, match="interval"):
        binomial_interval(1, 10, method="wald")


def test_correlated_non_normal_fused_kernel_matches_numpy_transform():
    # fused kernel (Gumbel, lognormal, correlated) against the problem's scipy-based maps
    variables = [RandomVariable("a", "gumbel", mean=2.0, std=0.5), RandomVariable("b", "lognormal", mean=1.0, std=0.3),
                 RandomVariable("c", "weibull", shape=2.0, scale=1.5)]
    problem = ReliabilityProblem(variables, "a * b - 1.5 * c", [["a", "b", -0.4], ["b", "c", 0.3]])
    result = crude_monte_carlo(problem, n_samples=N, seed=8, block_size=BLOCK)
    x = problem.u_to_x(np.random.default_rng(99).standard_normal((N, 3)))
    reference = float(np.mean(x[:, 0] * x[:, 1] - 1.5 * x[:, 2] <= 0))
    assert abs(result.pf - reference) <= 4 * math.sqrt(2 * reference * (1 - reference) / N)


def kernel_normals(seed: np.random.SeedSequence, batches: int, size: int) -> np.ndarray:
    """``batches`` calls of the kernel's fill_normals on one block's streams, concatenated."""
    from youzhi.reliability import _kernels

    state, drawn = _kernels.block_state(seed), np.empty((batches, size))
    edges, work = np.empty(size, dtype=np.int64), np.empty((3, size))
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps by design (NUMBA_DISABLE_JIT)
        for batch in drawn:  # the state carries over from call to call
            _kernels.fill_normals(state, batch, edges, work)
    return drawn.ravel()


def test_kernel_normals_equal_their_numpy_twin_bit_for_bit():
    # the twin draws the lanes' words with NumPy's own SFC64 (C) and runs the ziggurat in NumPy
    from youzhi.reliability import _kernels

    seed, d = np.random.SeedSequence(21), 7
    rows, size = _kernels.scratch_rows(d), _kernels.draws_per_batch(d)
    batches = 80 if JIT else 4
    drawn = kernel_normals(seed, batches, size).reshape(batches, size)
    expected = _kernels.block_normals_numpy(seed, d, batches * rows)
    np.testing.assert_array_equal(np.concatenate([b[:d * rows].reshape(d, rows).T for b in drawn]), expected)
    # the rare ziggurat steps ran: the tail beyond r = 3.654 (and, with the JIT, the wedges)
    assert np.count_nonzero(np.abs(expected) > 3.6541528853610088) >= 1
    # the twin's (n, d) layout is the kernels' own: a block of the fused kernel counts the same
    variables = [RandomVariable(f"x{i}", "normal", mean=0.0, std=1.0) for i in range(d)]
    problem = ReliabilityProblem(variables, " + ".join(f"x{i}" for i in range(d)) + " - 3")
    from youzhi.reliability.simulation import block_runner

    n = (batches - 1) * rows + 5
    assert block_runner(problem)(seed, n) == np.count_nonzero(expected[:n].sum(axis=1) - 3 <= 0)


def test_kernel_normals_are_standard_normal():
    # fixed seed, so deterministic; bounds of 5 standard errors
    z = kernel_normals(np.random.SeedSequence(5), 1, 2**22 if JIT else 2**14)
    n = z.size
    assert abs(z.mean()) < 5 / math.sqrt(n)
    assert abs(z.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs(stats.skew(z)) < 5 * math.sqrt(6 / n) and abs(stats.kurtosis(z)) < 5 * math.sqrt(24 / n)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    for t in (1.0, 2.0, 3.0, 3.6541528853610088):  # both sides of the ziggurat's tail start
        expected = n * 2 * special.ndtr(-t)
        assert abs(np.count_nonzero(np.abs(z) > t) - expected) < 5 * math.sqrt(expected) + 1


def test_kernel_streams_are_independent():
    from youzhi.reliability import _kernels

    size = 2**20 if JIT else 2**13
    z = kernel_normals(np.random.SeedSequence(6), 1, size)
    bound = 5 / math.sqrt(size)
    # neighbours in a pass come from different lanes; LANES apart, from one lane's next word
    for lag in (1, 2, _kernels.LANES - 1, _kernels.LANES, _kernels.CHUNK):
        assert abs(np.corrcoef(z[:-lag], z[lag:])[0, 1]) < bound
    # two blocks (sibling seeds from SeedSequence.spawn): uncorrelated, and no shared values
    first, second = (kernel_normals(child, 1, size) for child in np.random.SeedSequence(6).spawn(2))
    assert abs(np.corrcoef(first, second)[0, 1]) < bound
    assert np.intersect1d(first, second).size == 0
    # the columns of one block's samples
    x = _kernels.block_normals_numpy(np.random.SeedSequence(7), 5, size // 5)
    correlations = np.corrcoef(x.T)[np.triu_indices(5, 1)]
    assert np.all(np.abs(correlations) < 5 / math.sqrt(size // 5))


def test_fused_kernel_counts_equal_the_numpy_path_on_the_same_draws():
    # same seed -> the kernel's normals and their NumPy twin; the NumPy path transforms with scipy
    from youzhi.reliability._kernels import block_normals_numpy
    from youzhi.reliability.simulation import block_runner

    variables = [RandomVariable("a", "normal", mean=3.0, std=1.0), RandomVariable("b", "lognormal", mean=1.0, std=0.3),
                 RandomVariable("c", "normal", mean=0.5, std=0.8)]
    problem = ReliabilityProblem(variables, "a - 2 * b * c", [["a", "b", 0.5], ["b", "c", -0.3]])
    seed, n = np.random.SeedSequence(17), N // 4
    x = problem.u_to_x(block_normals_numpy(seed, problem.dim, n))
    assert block_runner(problem)(seed, n) == np.count_nonzero(problem.limit_state.evaluate(x) <= 0.0)


def test_many_variables_closed_form_and_thread_independence():
    # LIN-30: g = 3 sqrt(30) - sum x_i with x_i iid N(0, 1), so Pf = Phi(-3) (closed form)
    d = 30
    variables = [RandomVariable(f"x{i}", "normal", mean=0.0, std=1.0) for i in range(d)]
    problem = ReliabilityProblem(variables, f"3 * sqrt({d}) - (" + " + ".join(f"x{i}" for i in range(d)) + ")")
    n = 2 * N if JIT else N
    two = crude_monte_carlo(problem, n_samples=n, seed=7, block_size=BLOCK, n_threads=2)
    one = crude_monte_carlo(problem, n_samples=n, seed=7, block_size=BLOCK, n_threads=1)
    assert two.n_failures == one.n_failures
    assert within(two.pf, float(special.ndtr(-3.0)), n)


def test_numpy_path_for_marginals_without_a_kernel_inverse():
    # gamma strength against a fixed load: Pf = Gamma CDF (closed form)
    problem = ReliabilityProblem([RandomVariable("X", "gamma", shape=3.0, scale=2.0)], "X - 2")
    result = crude_monte_carlo(problem, n_samples=N, seed=4, block_size=BLOCK, n_threads=2)
    assert within(result.pf, stats.gamma(3.0, scale=2.0).cdf(2.0), N)
    again = crude_monte_carlo(problem, n_samples=N, seed=4, block_size=BLOCK, n_threads=1)
    assert again.n_failures == result.n_failures


def test_python_callable_and_numba_row_function():
    vectorized = ReliabilityProblem(rs_problem().variables, lambda x: x[:, 0] - x[:, 1])
    assert within(crude_monte_carlo(vectorized, n_samples=N, seed=3, block_size=BLOCK).pf, PF_RS, N)
    from numba import njit

    @njit(nogil=True)
    def row(x):
        return x[0] - x[1]

    from youzhi.reliability.limit_state import CallableLimitState

    numba_problem = ReliabilityProblem(rs_problem().variables, CallableLimitState(row, ("R", "S"), vectorized=False))
    result = crude_monte_carlo(numba_problem, n_samples=N, seed=3, block_size=BLOCK)
    assert within(result.pf, PF_RS, N)
    # the user's numba function runs in the generic kernel on the same draws as the expression's
    # (without the JIT it is a plain Python row function, on the NumPy path and its own draws)
    if JIT:
        assert result.n_failures == crude_monte_carlo(rs_problem(), n_samples=N, seed=3, block_size=BLOCK).n_failures


def test_nan_is_an_error_in_the_kernel_and_in_numpy_path():
    with pytest.raises(ComputationError, match="returned NaN at R="):
        crude_monte_carlo(rs_problem("sqrt(S) - 1"), n_samples=N, seed=1, block_size=BLOCK)
    gamma = ReliabilityProblem([RandomVariable("X", "gamma", shape=3.0, scale=2.0)], "log(X - 3)")
    with pytest.raises(ComputationError, match="returned NaN at X="):
        crude_monte_carlo(gamma, n_samples=1000, seed=1)


def test_bad_arguments():
    with pytest.raises(InputError, match="n_samples"):
        crude_monte_carlo(rs_problem(), n_samples=0)
    with pytest.raises(InputError, match="target_cov"):
        crude_monte_carlo(rs_problem(), n_samples=10, target_cov=-1)
    with pytest.raises(InputError, match="n_replicates"):
        latin_hypercube(rs_problem(), n_samples=10, n_replicates=1)


def test_latin_hypercube_within_its_own_error():
    result = latin_hypercube(rs_problem(), n_samples=N, seed=12)
    se = result.cov * result.pf
    assert abs(result.pf - PF_RS) <= 5 * se
    assert result.n_evaluations == N and result.n_replicates == 10
    # LHS is not worse than crude MC on a monotone limit state (variance reduction)
    assert se <= 1.5 * math.sqrt(PF_RS * (1 - PF_RS) / N)
    assert latin_hypercube(rs_problem(), n_samples=N, seed=12).pf == result.pf
    early = latin_hypercube(rs_problem(), n_samples=N, seed=12, target_cov=0.5)
    assert early.n_replicates == 5 and early.cov <= 0.5


def test_importing_the_modules_does_not_load_numba():
    import subprocess
    import sys

    code = ("import sys; import youzhi.reliability.problem, youzhi.reliability.simulation, youzhi.reliability.batch, "
            "youzhi.reliability.limit_state; print('numba' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
