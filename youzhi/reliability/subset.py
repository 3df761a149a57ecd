"""Subset simulation with adaptive conditional sampling in standard-normal space.

Subset simulation (Au & Beck 2001) writes a small ``pf`` as a product of larger conditional
probabilities ``P(F_1) P(F_2 | F_1) ...`` with nested failure domains ``F_j = {g <= b_j}``:
the thresholds ``b_j`` are the ``p0``-quantiles of ``g`` among ``n_samples`` samples per level.
Level 0 is plain Monte Carlo; each later level grows Markov chains from the samples below the
last threshold (``n_samples * p0`` of them, more when repeated chain states tie at the
threshold; the ``n_samples`` new states are spread evenly over the chains).

The chains use adaptive conditional sampling (aCS; Au & Patelli 2016, "Rare event simulation in
finite-infinite dimensional space", RESS 148; Papaioannou, Betz, Zwirglmaier and Straub 2015,
"MCMC algorithms for subset simulation", Prob. Eng. Mech. 41): the candidate
``v = rho * u + sigma * xi`` (``xi`` standard normal, ``rho = sqrt(1 - sigma^2)``) leaves the
standard normal invariant, so only ``g(v) <= b`` decides acceptance; no component is rejected
one by one and it works in hundreds of dimensions. ``sigma = min(lambda, 1)``, the same in every
coordinate, with ``lambda`` tuned towards a 44 % acceptance rate. (Papaioannou et al. scale
``sigma`` per coordinate by the seeds' standard deviation; on a curved limit state, PARA10 in
``benchmarks/bench_rare.py``, that left a 10 % bias and a 1.6 times larger real CoV at pf 1e-9,
and it was no better on the linear, product and series problems.) All chains move together,
one batched ``g_u`` call per step.

Two CoVs are computed. Au & Beck's: ``delta_j^2 = (1 - p_j) / (N p_j) (1 + gamma_j)`` with
``gamma_j`` from the chains' indicator autocorrelation, ``delta^2 = sum_j delta_j^2``; it takes
the levels as uncorrelated, which they are not (each level's seeds are states of the chains
before), and in repeated-seed trials it is low by 20 % (p0 = 0.1) to 50 % (p0 = 0.3) at pf
1e-9. The genealogical one (the estimator of Chan & Lai 2013 for particle methods): every
sample descends from one level-0 sample; ``ln pf`` is, to first order, a sum of one term per
sample and level, and the terms of different level-0 samples are uncorrelated, so the
variance is the sum over level-0 samples of the squared sum of their descendants' terms. It
counts the correlation within chains and between levels, and matched the real scatter within
about 10 % in the same trials (N of about 10 000 per level; with N = 1000 it was about 20 %
low, as few level-0 ancestors are left at the last level). The reported ``cov`` is the larger
of the two.

A budget (``max_evaluations``) alone buys one run as large as fits, sized by a small pilot run;
with ``target_cov`` (or a fixed ``n_samples``) independent runs are added and averaged until
the CoV of the average meets it; from 10 runs on, the runs' own scatter is used when it is
larger.

Examples
--------
>>> from youzhi.reliability.distributions import RandomVariable
>>> from youzhi.reliability.problem import ReliabilityProblem
>>> xs = [RandomVariable(f"x{i}", "normal", mean=0.0, std=1.0) for i in range(1, 11)]
>>> p = ReliabilityProblem(xs, "5*sqrt(10) - (x1+x2+x3+x4+x5+x6+x7+x8+x9+x10)")   # RP107, pf = Phi(-5)
>>> r = subset_simulation(p, n_samples=2000, seed=2)
>>> len(r.thresholds), r.n_evaluations <= 2000 + 6 * 1800, abs(r.pf / 2.866516e-7 - 1) < 3 * r.cov
(6, True, True)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi._random import SeedLike, block_seeds, seed_repr
from youzhi.errors import ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability._rare import (beta_from_pf, check_float, check_int, check_problem, check_target_cov,
                                      evaluate, z_value)
from youzhi.reliability.result import ReliabilityResult

DEFAULT_SAMPLES = 1000
DEFAULT_MAX_EVALUATIONS = 1_000_000
TARGET_ACCEPTANCE = 0.44
INITIAL_SCALE = 0.6
PILOT_CHAINS = 20  # the budget-driven pilot run has at least this many chains per level ...
PILOT_SHARE = 250  # ... and at least 1/250 of the budget as samples per level


@dataclass(frozen=True, repr=False)
class SubsetResult(ReliabilityResult):
    """Subset simulation's estimate.

    Attributes
    ----------
    samples_per_level : int
    p0 : float
    n_runs : int
        Independent runs averaged (more than 1 only when ``target_cov`` or ``n_samples`` with
        ``max_evaluations`` asked for them).
    au_beck_cov : float
        Au & Beck's CoV alone (levels taken as uncorrelated), for comparison with ``cov``.
    pilot_evaluations : int
        Evaluations of the pilot run that sized a budget-driven run (in ``n_evaluations``,
        not in the estimate); 0 otherwise.
    thresholds : tuple of float
        Intermediate thresholds ``b_1 > b_2 > ... > 0`` of the first run.
    conditional_probabilities : tuple of float
        ``P(F_1), P(F_2 | F_1), ...`` of the first run (the last one is ``P(g <= 0 | F_m)``).
    level_covs : tuple of float
        Au & Beck's CoV of each conditional probability (first run).
    acceptance_rates : tuple of float
        Mean aCS acceptance rate of each conditional level (first run).
    """

    samples_per_level: int = 0
    p0: float = 0.1
    n_runs: int = 1
    au_beck_cov: float = 0.0
    pilot_evaluations: int = 0
    thresholds: tuple[float, ...] = ()
    conditional_probabilities: tuple[float, ...] = ()
    level_covs: tuple[float, ...] = ()
    acceptance_rates: tuple[float, ...] = ()

    def to_frame(self) -> Any:
        """One row per level of the first run."""
        import pandas as pd

        n = len(self.conditional_probabilities)
        return pd.DataFrame({"threshold": list(self.thresholds) + [0.0],
                             "conditional_probability": list(self.conditional_probabilities),
                             "cov": list(self.level_covs),
                             "acceptance_rate": [math.nan] + list(self.acceptance_rates)},
                            index=pd.RangeIndex(n, name="level"))


@dataclass(frozen=True)
class _Run:
    samples_per_level: int
    pf: float
    cov: float
    au_beck_cov: float
    n_evaluations: int
    thresholds: tuple[float, ...]
    probabilities: tuple[float, ...]
    level_covs: tuple[float, ...]
    acceptance_rates: tuple[float, ...]


def subset_simulation(problem: Any, *, n_samples: int | None = None, p0: float = 0.1, target_cov: float | None = None,
                      seed: SeedLike = None, max_levels: int = 30, confidence: float = 0.95,
                      max_evaluations: int | None = None) -> SubsetResult:
    """Estimate a small ``pf`` by subset simulation (aCS Markov chains).

    Parameters
    ----------
    problem : ReliabilityProblem
    n_samples : int, optional
        Samples per level ``N`` (default 1000, or set from ``max_evaluations``, see there),
        with ``N * p0 >= 1``. One run costs about ``N + (m - 1) N (1 - p0)`` evaluations for
        ``m`` levels.
    p0 : float
        Level probability, in (0, 0.5]. 0.1 gave the lowest real CoV for a given budget in
        repeated-seed trials (``benchmarks/bench_rare.py``); larger ``p0`` lowers Au & Beck's
        CoV but raises the correlation between levels.
    target_cov : float, optional
        If one run's CoV exceeds it, independent runs (each with its own stream) are added
        and averaged until the CoV of the average is at most ``target_cov`` or
        ``max_evaluations`` would be passed (then a :class:`YouzhiWarning`). ``None`` or
        ``0``: no early stopping.
    seed : int, SeedSequence or Generator, optional
    max_levels : int
        Most levels per run; ``pf`` must exceed about ``p0 ** max_levels``.
    confidence : float
        Level of the interval, ``pf * exp(+-z s)`` with ``s^2 = ln(1 + cov^2)`` (lognormal).
    max_evaluations : int, optional
        Budget of limit-state evaluations. Without ``n_samples`` and ``target_cov`` it is
        spent on one run as large as fits: a pilot run with ``N = max(20 / p0, budget / 250)``
        counts the levels, then one run gets ``N`` from the rest of the budget; the pilot is
        counted in ``n_evaluations`` but not in the estimate (so ``N`` does not depend on the
        estimate's own samples). With ``n_samples`` or ``target_cov``, independent runs are
        averaged while the next one fits in the budget (the first run always happens).
        Default: 1 000 000 with ``target_cov``, otherwise a single run.

    Returns
    -------
    SubsetResult
        ``cov`` is the larger of Au & Beck's and the genealogical estimate, which also counts
        the correlation between levels (see the module docstring).

    Raises
    ------
    ConvergenceError
        ``max_levels`` levels did not reach ``g <= 0``.
    ComputationError
        The limit state returned NaN.

    Examples
    --------
    >>> from youzhi.reliability.distributions import RandomVariable
    >>> from youzhi.reliability.problem import ReliabilityProblem
    >>> p = ReliabilityProblem([RandomVariable("R", "normal", mean=7.0, std=1.0),
    ...                         RandomVariable("S", "normal", mean=2.0, std=1.0)], "R - S")
    >>> r = subset_simulation(p, n_samples=1000, target_cov=0.1, seed=5)
    >>> r.cov <= 0.1, r.n_runs > 1, abs(r.pf / 2.034760e-4 - 1) < 3 * r.cov
    (True, True, True)
    >>> r = subset_simulation(p, max_evaluations=20_000, seed=5)   # one run sized to the budget
    >>> r.n_runs, r.samples_per_level > 4000, r.n_evaluations <= 20_000, abs(r.pf / 2.034760e-4 - 1) < 3 * r.cov
    (1, True, True, True)
    """
    d = check_problem(problem)
    p0 = check_float("p0", p0, 0.0, 0.5, high_open=False)
    n = DEFAULT_SAMPLES if n_samples is None else check_int("n_samples", n_samples, 2)
    if math.floor(n * p0 + 1e-9) < 1:
        raise InputError(f"n_samples: n_samples * p0 must be at least 1 (one chain per level); got n_samples={n}, "
                         f"p0={p0:g} (e.g. n_samples=1000 with p0=0.1)")
    target = check_target_cov(target_cov)
    max_levels = check_int("max_levels", max_levels)
    confidence = check_float("confidence", confidence, 0.0, 1.0)
    if max_evaluations is not None:
        budget = check_int("max_evaluations", max_evaluations)
    else:
        budget = DEFAULT_MAX_EVALUATIONS if target is not None else 0

    pilot_evaluations = 0
    if n_samples is None and target is None and max_evaluations is not None:
        run, pilot_evaluations = _budget_run(problem, d, seed, budget, p0, max_levels)
        runs = [run]
        n = run.samples_per_level
    else:
        runs = []
        for run_seed in block_seeds(seed, max(1, budget // n)):
            runs.append(_one_run(problem, d, np.random.default_rng(run_seed), n, p0, max_levels))
            used = sum(r.n_evaluations for r in runs)
            if (target is not None and _combined_cov(runs) <= target) or used + runs[-1].n_evaluations > budget:
                break
    used = pilot_evaluations + sum(r.n_evaluations for r in runs)
    pf = float(np.mean([r.pf for r in runs]))
    cov = _combined_cov(runs)
    if target is not None and cov > target:
        warnings.warn(f"subset simulation: target_cov={target:g} not reached within max_evaluations={budget}; "
                      f"cov={cov:.3g} after {len(runs)} runs and {used} evaluations", YouzhiWarning, stacklevel=2)
    spread = z_value(confidence) * math.sqrt(math.log1p(cov * cov))
    first = runs[0]
    return SubsetResult(
        pf=pf, beta=beta_from_pf(pf), cov=cov, confidence_interval=(pf * math.exp(-spread), pf * math.exp(spread)),
        n_evaluations=used, method="subset", seed=seed_repr(seed), confidence=confidence, samples_per_level=n, p0=p0,
        n_runs=len(runs), au_beck_cov=_combined_cov(runs, au_beck=True), pilot_evaluations=pilot_evaluations,
        thresholds=first.thresholds, conditional_probabilities=first.probabilities, level_covs=first.level_covs,
        acceptance_rates=first.acceptance_rates)


def _budget_run(problem: Any, d: int, seed: SeedLike, budget: int, p0: float, max_levels: int) -> tuple[_Run, int]:
    """A pilot run to count the levels, then one run as large as the rest of ``budget`` allows.

    With ``k = ln(pf_pilot) / ln(p0)`` thresholds expected, the run gets
    ``N = (budget - pilot) / (1 + k (1 - p0))``; a level that would pass the budget gets fewer
    new samples (``limit`` of :func:`_one_run`). Returns the run and the pilot's evaluations;
    when the budget cannot pay for a run twice the pilot's size, the pilot itself.
    """
    pilot_seed, main_seed = block_seeds(seed, 2)
    n_pilot = max(math.ceil(PILOT_CHAINS / p0 - 1e-9), budget // PILOT_SHARE)
    pilot = _one_run(problem, d, np.random.default_rng(pilot_seed), n_pilot, p0, max_levels, limit=budget)
    left = budget - pilot.n_evaluations
    expected_thresholds = max(0.0, math.log(pilot.pf) / math.log(p0))
    n = math.floor(left / (1.0 + expected_thresholds * (1.0 - p0)))
    if n < 2 * n_pilot:
        return pilot, 0
    return _one_run(problem, d, np.random.default_rng(main_seed), n, p0, max_levels, limit=left), pilot.n_evaluations


def _combined_cov(runs: list[_Run], au_beck: bool = False) -> float:
    """CoV of the mean of independent runs.

    From each run's CoV (the larger of Au & Beck's and the genealogical one); from 10 runs on,
    the larger of that and the runs' own scatter. ``au_beck``: from Au & Beck's CoVs only.
    """
    n_runs = len(runs)
    cov = math.sqrt(sum((r.au_beck_cov if au_beck else r.cov) ** 2 for r in runs)) / n_runs
    if n_runs >= 10 and not au_beck:
        pfs = np.array([r.pf for r in runs])
        if pfs.mean() > 0:
            cov = max(cov, float(pfs.std(ddof=1) / math.sqrt(n_runs) / pfs.mean()))
    return cov


def _one_run(problem: Any, d: int, rng: np.random.Generator, n: int, p0: float, max_levels: int,
             limit: int | None = None) -> _Run:
    """One subset-simulation run with ``n`` samples per level.

    ``limit`` caps the run's evaluations: a level that would pass it gets fewer new samples
    (never fewer than ``1 / p0`` samples or its seeds). Besides Au & Beck's CoV the run keeps,
    for every sample, the level-0 sample it descends from (its root) and sums each sample's
    share of the linearised relative error ``(1[g <= b] - p) / (N p)`` per root: see
    :func:`_genealogy_cov`.
    """
    u = rng.standard_normal((n, d))
    g = evaluate(problem, u)
    n_eval = n
    lengths = np.ones(n, dtype=np.int64)  # level 0: n independent samples, i.e. n chains of length 1
    roots = np.arange(n)
    error_by_root = np.zeros(n)
    thresholds: list[float] = []
    probabilities: list[float] = []
    level_covs: list[float] = []
    acceptance: list[float] = []
    scale = INITIAL_SCALE
    for _ in range(max_levels):
        size = g.shape[0]
        n_chains = math.floor(size * p0 + 1e-9)
        order = np.argsort(g, kind="stable")
        b = 0.5 * (g[order[n_chains - 1]] + g[order[n_chains]])
        final = b <= 0.0
        if final:
            b = 0.0
        below = g <= b
        p = float(below.mean())
        probabilities.append(p)
        level_covs.append(_level_cov(below, lengths, p))
        np.add.at(error_by_root, roots, (below - p) / (size * p))
        if final:
            pf = float(np.prod(probabilities))
            au_beck = math.sqrt(sum(c * c for c in level_covs))
            cov = max(au_beck, _genealogy_cov(error_by_root))
            return _Run(n, pf, cov, au_beck, n_eval, tuple(thresholds), tuple(probabilities), tuple(level_covs),
                        tuple(acceptance))
        thresholds.append(float(b))
        # Every sample below b seeds a chain (more than size * p0 when repeated chain states tie at b).
        seeds = np.flatnonzero(below)
        seeds = seeds[rng.permutation(seeds.shape[0])]
        n_seeds = seeds.shape[0]
        size = n if limit is None else max(min(n, n_seeds + limit - n_eval), math.ceil(1.0 / p0 - 1e-9), n_seeds)
        lengths = np.full(n_seeds, size // n_seeds, dtype=np.int64)
        lengths[: size % n_seeds] += 1
        u, g, scale, rate = _acs_chains(problem, rng, u[seeds], g[seeds], b, lengths, scale)
        roots = np.repeat(roots[seeds], lengths)  # chain-major order: chain c's states descend from seed c
        n_eval += size - n_seeds
        acceptance.append(rate)
    raise ConvergenceError(f"subset simulation: {max_levels} levels did not reach g <= 0 (last threshold {thresholds[-1]:.6g}, "
                           f"pf below about {float(np.prod(probabilities)):.3g}); raise max_levels or check the limit state")


def _genealogy_cov(error_by_root: np.ndarray) -> float:
    """CoV of ``pf`` from the run's genealogy (Chan & Lai 2013's estimator for particle methods).

    ``ln pf`` is, to first order, the sum over levels and samples of ``(1[g <= b] - p) / (N p)``.
    Samples that descend from the same level-0 sample are correlated, within a chain (Au &
    Beck's ``gamma``) and across levels (seeds are states of the chains before); level-0
    samples are independent. So the variance is the sum over level-0 samples of the square of
    the errors of all their descendants. Unlike Au & Beck's sum, this counts the correlation
    between levels; it needs no model of the chains. It tends to be low when few roots are
    left at the last level (very small ``N`` and many levels), hence the max with Au & Beck.
    """
    return float(math.sqrt(np.sum(error_by_root ** 2)))


def _acs_chains(problem: Any, rng: np.random.Generator, seeds: np.ndarray, seed_g: np.ndarray, b: float,
                lengths: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Grow one aCS chain of ``lengths[c]`` states (the seed first) from each seed.

    All chains still running move together (one batched ``g_u`` call per step); ``scale``
    (lambda) is updated after each step from that step's acceptance rate. Returns the samples
    in chain-major order, the new scale and the mean acceptance rate.
    """
    n_chains, d = seeds.shape
    longest = int(lengths.max())
    states = np.empty((n_chains, longest, d))
    values = np.empty((n_chains, longest))
    states[:, 0], values[:, 0] = seeds, seed_g
    current, current_g = seeds.copy(), seed_g.copy()
    accepted = proposed = 0
    for step in range(1, longest):
        active = np.flatnonzero(lengths > step)
        sigma = min(scale, 1.0)
        rho = math.sqrt(1.0 - sigma * sigma)
        candidate = rho * current[active] + sigma * rng.standard_normal((active.shape[0], d))
        candidate_g = evaluate(problem, candidate)
        accept = candidate_g <= b
        moved = active[accept]
        current[moved] = candidate[accept]
        current_g[moved] = candidate_g[accept]
        states[:, step], values[:, step] = current, current_g
        rate = float(accept.mean())
        accepted += int(accept.sum())
        proposed += active.shape[0]
        scale = math.exp(math.log(scale) + (rate - TARGET_ACCEPTANCE) / math.sqrt(step))
    keep = np.arange(longest)[None, :] < lengths[:, None]
    mean_rate = accepted / proposed if proposed else math.nan
    return states[keep], values[keep], scale, mean_rate


def _level_cov(indicator: np.ndarray, lengths: np.ndarray, p: float) -> float:
    """Au & Beck (2001) CoV of a level's conditional probability.

    ``indicator`` holds ``1[g <= b]`` of the level's samples in chain-major order, chain ``c``
    being ``lengths[c]`` long; ``gamma = 2 sum_k (1 - k/L) rho_k`` with ``L`` the mean length.
    """
    n = indicator.shape[0]
    if p <= 0.0:
        return math.inf
    if p >= 1.0:
        return 0.0
    longest = int(lengths.max())
    padded = np.zeros((lengths.shape[0], longest))
    padded[np.arange(longest)[None, :] < lengths[:, None]] = indicator
    mean_length = n / lengths.shape[0]
    r0 = p * (1.0 - p)
    gamma = 0.0
    for k in range(1, longest):
        pairs = int(np.maximum(lengths - k, 0).sum())
        rk = float(np.sum(padded[:, : longest - k] * padded[:, k:])) / pairs - p * p
        gamma += 2.0 * max(1.0 - k / mean_length, 0.0) * rk / r0
    return math.sqrt((1.0 - p) / (n * p) * (1.0 + gamma))


__all__ = ["subset_simulation", "SubsetResult"]
