"""Crude Monte Carlo and Latin hypercube sampling of ``P[g(X) <= 0]``.

Crude Monte Carlo cuts the sample space into a fixed sequence of blocks of ``block_size``
samples; block ``i`` draws from its own stream ``SeedSequence(seed).spawn(...)[i]``. Blocks run
on threads (the numba kernels release the GIL) and are combined in block order, and early
stopping at ``target_cov`` is decided on that ordered prefix, so the same seed gives the same
answer whatever the number of threads. Each block runs the fused numba kernel (sample,
transform, evaluate, count in one loop) when every marginal has a closed-form inverse in the
kernel and the limit state is an expression or a numba function; otherwise it streams chunks
through NumPy/scipy. Either way memory does not grow with the sample count.

Examples
--------
>>> from youzhi.reliability.distributions import RandomVariable
>>> from youzhi.reliability.problem import ReliabilityProblem
>>> problem = ReliabilityProblem([RandomVariable("R", "normal", mean=4, std=1),
...                               RandomVariable("S", "normal", mean=2, std=1)], "R - S")
>>> result = crude_monte_carlo(problem, n_samples=20_000, seed=1)
>>> round(result.pf, 2), result.n_evaluations      # exact: Phi(-sqrt 2) = 0.0786
(0.08, 20000)
"""

from __future__ import annotations

import math
import os
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special, stats

from youzhi._random import SeedLike, block_seeds, seed_repr, seed_sequence
from youzhi.errors import ComputationError, InputError
from youzhi.reliability.result import ReliabilityResult

if TYPE_CHECKING:
    from youzhi.reliability.problem import ReliabilityProblem

DEFAULT_BLOCK_SIZE = 2**18
CHUNK_SIZE = 2**15
INTERVALS = ("wilson", "exact")


@dataclass(frozen=True, repr=False)
class MonteCarloResult(ReliabilityResult):
    """Crude Monte Carlo result: :class:`ReliabilityResult` plus the failure count.

    Attributes
    ----------
    n_failures : int
        Samples with ``g <= 0``.
    interval : str
        ``wilson`` or ``exact`` (Clopper-Pearson).
    """

    n_failures: int = 0
    interval: str = "wilson"


@dataclass(frozen=True, repr=False)
class LatinHypercubeResult(ReliabilityResult):
    """Latin hypercube result; ``cov`` and the interval come from independent replicates.

    Attributes
    ----------
    n_failures : int
    n_replicates : int
    """

    n_failures: int = 0
    n_replicates: int = 0


# ---------------------------------------------------------------------- intervals
def binomial_interval(failures: int, n: int, confidence: float = 0.95, method: str = "wilson") -> tuple[float, float]:
    """Two-sided interval on a binomial proportion: ``wilson`` or ``exact`` (Clopper-Pearson).

    Examples
    --------
    >>> [round(v, 5) for v in binomial_interval(0, 1000, method="exact")]
    [0.0, 0.00368]
    >>> [round(v, 4) for v in binomial_interval(10, 100)]
    [0.0552, 0.1744]
    """
    if method not in INTERVALS:
        raise InputError(f"interval: expected one of {', '.join(INTERVALS)}, got {method!r}")
    alpha = 1.0 - confidence
    if method == "exact":
        lower = 0.0 if failures == 0 else float(stats.beta.ppf(alpha / 2, failures, n - failures + 1))
        upper = 1.0 if failures == n else float(stats.beta.ppf(1 - alpha / 2, failures + 1, n - failures))
        return lower, upper
    z = float(special.ndtri(1 - alpha / 2))
    p = failures / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _beta(pf: float) -> float:
    return float(-special.ndtri(pf)) if 0.0 < pf < 1.0 else (math.inf if pf == 0.0 else -math.inf)


def _check_common(n_samples: int, target_cov: float | None, confidence: float) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise InputError(f"n_samples: expected a positive integer, got {n_samples!r}")
    if target_cov is not None and not (isinstance(target_cov, (int, float)) and target_cov >= 0):
        raise InputError(f"target_cov: expected a number >= 0 or None, got {target_cov!r}")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence: expected a number between 0 and 1, got {confidence!r}")


def default_threads() -> int:
    """Threads to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# ---------------------------------------------------------------------- crude MC
def crude_monte_carlo(problem: ReliabilityProblem, *, n_samples: int = 10**6, target_cov: float | None = None, seed: SeedLike = None,
                      confidence: float = 0.95, interval: str = "wilson", block_size: int = DEFAULT_BLOCK_SIZE,
                      n_threads: int | None = None, progress: bool = False) -> MonteCarloResult:
    """Crude Monte Carlo estimate of the probability of failure.

    Parameters
    ----------
    problem : ReliabilityProblem
    n_samples : int
        Sample budget.
    target_cov : float, optional
        Stop as soon as the estimator's coefficient of variation ``sqrt((1-pf)/(n pf))`` is at
        most this (checked after each block, in block order). ``None`` or ``0`` draws all
        ``n_samples``.
    seed : int, SeedSequence or Generator, optional
    confidence : float
        Level of the two-sided interval.
    interval : {"wilson", "exact"}
        Wilson score or Clopper-Pearson interval. With no failure, ``pf = 0`` and the upper
        bound is the interval's.
    block_size : int
        Samples per block (the unit of seeding; changing it changes the draws).
    n_threads : int, optional
        Threads (default: the CPUs available). Does not change the result.
    progress : bool
        Show a progress bar on stderr for runs longer than about a second.

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> from youzhi.reliability.distributions import RandomVariable
    >>> from youzhi.reliability.problem import ReliabilityProblem
    >>> p = ReliabilityProblem([RandomVariable("x", "normal", mean=0, std=1)], "10 - x")
    >>> r = crude_monte_carlo(p, n_samples=1000, seed=2, interval="exact")
    >>> r.pf, round(r.confidence_interval[1], 5)
    (0.0, 0.00368)
    """
    _check_common(n_samples, target_cov, confidence)
    if interval not in INTERVALS:
        raise InputError(f"interval: expected one of {', '.join(INTERVALS)}, got {interval!r}")
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise InputError(f"block_size: expected a positive integer, got {block_size!r}")
    root = seed_sequence(seed)
    n_blocks = -(-int(n_samples) // int(block_size))
    seeds = block_seeds(root, n_blocks)
    sizes = [min(block_size, n_samples - i * block_size) for i in range(n_blocks)]
    run_block = block_runner(problem)
    totals = [0, 0]  # samples, failures

    def stop_after(block_result: tuple[int, int]) -> bool:
        totals[0] += block_result[0]
        totals[1] += block_result[1]
        if not target_cov or totals[1] == 0:
            return False
        p = totals[1] / totals[0]
        return math.sqrt((1 - p) / (totals[0] * p)) <= target_cov

    run_in_order(lambda i: (sizes[i], run_block(seeds[i], sizes[i])), n_blocks, stop_after,
                 n_threads=n_threads or default_threads(), progress=progress, total=n_samples)
    n, failures = totals
    problem.add_evaluations(n)
    pf = failures / n
    cov = math.sqrt((1 - pf) / (n * pf)) if failures else math.inf
    return MonteCarloResult(
        pf=pf, beta=_beta(pf), cov=cov, confidence_interval=binomial_interval(failures, n, confidence, interval),
        n_evaluations=n, method="crude", seed=_reported_seed(seed, root), confidence=confidence,
        n_failures=failures, interval=interval)


def block_generator(block_seed: np.random.SeedSequence) -> np.random.Generator:
    """The generator of one block on the NumPy path (the fused kernel draws from its own SFC64
    streams, seeded from the same ``block_seed``: see ``_kernels.block_state``)."""
    return np.random.Generator(np.random.SFC64(block_seed))


def _reported_seed(seed: SeedLike, root: np.random.SeedSequence) -> int | None:
    reported = seed_repr(seed)
    if reported is None and seed is None and isinstance(root.entropy, int):
        return int(root.entropy)
    return reported


def block_runner(problem: ReliabilityProblem) -> Callable[[np.random.SeedSequence, int], int]:
    """A function ``(block_seed, n) -> failures`` for ``problem``: fused kernel when possible."""
    codes = np.array([v.kernel_code for v in problem.variables], dtype=np.int64)
    correlated = not problem.nataf.is_independent
    kernel = problem.limit_state.crude_kernel(tuple(codes.tolist()), correlated) if np.all(codes >= 0) else None
    if kernel is None:
        return lambda block_seed, n: _numpy_block(problem, block_generator(block_seed), n)
    params = np.ascontiguousarray([v.kernel_params for v in problem.variables], dtype=float)
    chol = np.ascontiguousarray(problem.nataf.cholesky, dtype=float)

    def fused(block_seed: np.random.SeedSequence, n: int) -> int:
        from youzhi.reliability._kernels import block_state

        nan_x = np.empty(problem.dim)
        # the kernel draws the block's normals itself (_kernels.fill_normals). errstate: when
        # NUMBA_DISABLE_JIT runs it as Python, uint64 arithmetic wraps by design and a NaN from
        # the limit state is reported below, as the compiled kernel does, without warnings
        with np.errstate(all="ignore"):
            failures, nan_index = kernel(block_state(block_seed), n, codes, params, chol, correlated, nan_x)
        if nan_index >= 0:
            raise ComputationError(problem.nan_message(nan_x))
        return int(failures)

    return fused


def _numpy_block(problem: ReliabilityProblem, gen: np.random.Generator, n: int) -> int:
    failures = 0
    for start in range(0, n, CHUNK_SIZE):
        m = min(CHUNK_SIZE, n - start)
        x = problem.u_to_x(gen.standard_normal((m, problem.dim)))
        values = problem.limit_state.evaluate(x)
        bad = np.isnan(values)
        if bad.any():
            raise ComputationError(problem.nan_message(x[int(np.argmax(bad))]))
        failures += int(np.count_nonzero(values <= 0.0))
    return failures


def run_in_order(task: Callable[[int], tuple[int, int]], n_tasks: int, stop_after: Callable[[tuple[int, int]], bool], *,
                 n_threads: int, progress: bool = False, total: int | None = None) -> int:
    """Run ``task(i)`` for ``i = 0..n_tasks-1`` on threads, feeding results to ``stop_after`` in order.

    Stops (cancelling queued tasks) when ``stop_after`` returns True; returns the tasks used.
    The tasks used and the order their results are seen do not depend on ``n_threads``.
    """
    bar = _progress_bar(progress, total)
    used = 0
    try:
        if n_threads <= 1:
            for i in range(n_tasks):
                result = task(i)
                used += 1
                bar.update(result[0])
                if stop_after(result):
                    break
            return used
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            pending: deque = deque()
            next_task = 0
            while next_task < n_tasks or pending:
                while next_task < n_tasks and len(pending) < 2 * n_threads:
                    pending.append(pool.submit(task, next_task))
                    next_task += 1
                try:
                    result = pending.popleft().result()
                except BaseException:
                    for future in pending:
                        future.cancel()
                    raise
                used += 1
                bar.update(result[0])
                if stop_after(result):
                    for future in pending:
                        future.cancel()
                    break
        return used
    finally:
        bar.close()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(progress: bool, total: int | None):  # noqa: ANN202
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="samples", unit_scale=True, file=sys.stderr, delay=1.0, leave=False)


# ---------------------------------------------------------------------- LHS
def latin_hypercube(problem: ReliabilityProblem, *, n_samples: int = 10**5, target_cov: float | None = None, seed: SeedLike = None,
                    confidence: float = 0.95, n_replicates: int = 10) -> LatinHypercubeResult:
    """Probability of failure by replicated Latin hypercube sampling.

    The budget is split into ``n_replicates`` independent Latin hypercube designs in standard
    normal space (each stratifies every marginal; correlation is applied by the Nataf map
    afterwards). The estimate is the mean of the replicates' failure fractions and its
    standard error, ``cov`` and Student-t interval come from their spread. With
    ``target_cov`` the replicates are drawn one by one (at least 5) until it is met.

    Examples
    --------
    >>> from youzhi.reliability.distributions import RandomVariable
    >>> from youzhi.reliability.problem import ReliabilityProblem
    >>> p = ReliabilityProblem([RandomVariable("R", "normal", mean=4, std=1),
    ...                         RandomVariable("S", "normal", mean=2, std=1)], "R - S")
    >>> r = latin_hypercube(p, n_samples=20_000, seed=3)
    >>> round(r.pf, 2), r.n_replicates
    (0.08, 10)
    """
    _check_common(n_samples, target_cov, confidence)
    if isinstance(n_replicates, bool) or not isinstance(n_replicates, (int, np.integer)) or n_replicates < 2:
        raise InputError(f"n_replicates: expected an integer >= 2, got {n_replicates!r}")
    size = n_samples // n_replicates
    if size < 1:
        raise InputError(f"n_samples: must be at least n_replicates ({n_replicates}), got {n_samples}")
    root = seed_sequence(seed)
    seeds = block_seeds(root, n_replicates)
    fractions: list[float] = []
    failures = 0
    for k in range(n_replicates):
        gen = block_generator(seeds[k])
        u = _lhs_normal(gen, size, problem.dim)
        fails = int(np.count_nonzero(problem.g(problem.u_to_x(u)) <= 0.0))
        failures += fails
        fractions.append(fails / size)
        if target_cov and k + 1 >= 5:
            mean = float(np.mean(fractions))
            if mean > 0 and np.std(fractions, ddof=1) / math.sqrt(k + 1) / mean <= target_cov:
                break
    r = len(fractions)
    n = r * size
    pf = float(np.mean(fractions))
    se = float(np.std(fractions, ddof=1) / math.sqrt(r))
    if failures == 0:
        ci, cov = binomial_interval(0, n, confidence, "exact"), math.inf
    else:
        t = float(stats.t.ppf(0.5 + confidence / 2, r - 1))
        ci, cov = (max(0.0, pf - t * se), min(1.0, pf + t * se)), se / pf
    return LatinHypercubeResult(pf=pf, beta=_beta(pf), cov=cov, confidence_interval=ci, n_evaluations=n,
                                method="lhs", seed=_reported_seed(seed, root), confidence=confidence,
                                n_failures=failures, n_replicates=r)


def _lhs_normal(gen: np.random.Generator, n: int, d: int) -> np.ndarray:
    """One Latin hypercube design of ``n`` points in ``d`` standard-normal dimensions."""
    strata = np.argsort(gen.random((d, n)), axis=1).T  # one random permutation per column
    uniform = (strata + gen.random((n, d))) / n
    return special.ndtri(uniform)


__all__ = ["crude_monte_carlo", "latin_hypercube", "MonteCarloResult", "LatinHypercubeResult", "binomial_interval"]
