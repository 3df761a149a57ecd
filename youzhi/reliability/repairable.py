"""Repairable systems by discrete-event simulation: availability, MTBF, MTTR, failures.

:func:`simulate_system` runs mission histories of ``[0, mission_time]`` of a
:class:`~youzhi.reliability.system.SystemModel` in the numba event kernel
(:mod:`youzhi.reliability._kernels_system`). Failed components are repaired as good as new by
at most ``repair_crews`` crews at once (first come, first served); standby groups switch as
described in :mod:`youzhi.reliability.system_model`. Histories run in fixed blocks of
``BLOCK_SIZE``; block ``i`` draws from its own stream ``block_seeds(seed, ...)[i]``, blocks run
on threads (the kernel releases the GIL) and are summed in block order, so the same seed gives
the same answer whatever the number of threads.

Estimates (each with a standard error and a two-sided confidence interval):

* ``availability``: mean availability, expected fraction of ``[0, T]`` the system is up;
* ``point_availability``: probability the system is up at ``T`` (Wilson interval);
* ``failures``: expected number of system failures (up -> down) in ``[0, T]``;
* ``mtbf``: total uptime / number of failures (ratio estimator, delta-method interval);
* ``mttr``: mean length of the system down periods that begin in ``[0, T]``, each followed to
  its end, past ``T`` if need be (ratio estimator); one that never ends (nothing repaired) is
  left out;
* ``reliability``: probability of no system failure in ``[0, T]`` (Wilson interval);
* ``time_to_first_failure``: mean of ``min(first system failure, T)``; the MTTF when ``T`` is
  long enough that ``reliability`` is about 0.

Examples
--------
>>> from youzhi.reliability.rbd import block_graph, series
>>> from youzhi.reliability.system import SystemModel
>>> from youzhi.reliability.system_model import Component, Lifetime
>>> unit = Component("unit", Lifetime("exponential", mean=100.0), Lifetime("exponential", mean=5.0))
>>> result = simulate_system(SystemModel((unit,), block_graph(series("unit"))), 1000.0, histories=2000, seed=1)
>>> round(result.availability.value, 2), round(result.mttr.value)   # A_ss = 100/105 = 0.952
(0.95, 5)
"""

from __future__ import annotations

import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import special

from youzhi._random import SeedLike, block_seeds, seed_repr
from youzhi._results import Result
from youzhi.errors import InputError, YouzhiWarning
from youzhi.reliability import rbd
from youzhi.reliability.system import SystemModel

BLOCK_SIZE = 4096


@dataclass(frozen=True, repr=False)
class Estimate(Result):
    """A simulated quantity: value, standard error and two-sided confidence interval."""

    value: float
    std_error: float
    confidence_interval: tuple[float, float]


@dataclass(frozen=True, repr=False)
class RepairableSimulationResult(Result):
    """Simulated behaviour of a repairable system over ``[0, mission_time]`` (see module notes)."""

    availability: Estimate
    point_availability: Estimate
    mtbf: Estimate
    mttr: Estimate
    failures: Estimate
    reliability: Estimate
    time_to_first_failure: Estimate
    system: str
    mission_time: float
    histories: int
    seed: int | None
    confidence: float
    method: str = "event-driven simulation (numba)"

    ESTIMATES = ("availability", "point_availability", "mtbf", "mttr", "failures", "reliability", "time_to_first_failure")

    def to_frame(self):  # noqa: ANN201
        """The estimates as a pandas DataFrame (value, std_error, low, high)."""
        import pandas as pd

        rows = {k: getattr(self, k) for k in self.ESTIMATES}
        return pd.DataFrame({"value": [e.value for e in rows.values()], "std_error": [e.std_error for e in rows.values()],
                             "low": [e.confidence_interval[0] for e in rows.values()],
                             "high": [e.confidence_interval[1] for e in rows.values()]}, index=list(rows))


@dataclass(frozen=True)
class KernelModel:
    """The flat arrays the kernel takes (built once per model)."""

    arrays: tuple[np.ndarray, ...]
    crews: int
    age_while_down: bool


def _gates(model: SystemModel, unit_index: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The structure function as threshold gates (see the kernel module)."""
    graph, const = model.diagram, len(unit_index)
    gates: list[tuple[int, list[int]]] = []

    def add(k: int, inputs: list[int]) -> int:
        gates.append((k, inputs))
        return -len(gates)

    if graph.is_directed() and nx.is_directed_acyclic_graph(graph):
        ref: dict[str, int] = {rbd.SOURCE: const}
        for node in nx.topological_sort(graph):
            if node == rbd.SOURCE:
                continue
            preds = [ref[p] for p in graph.predecessors(node) if p in ref]
            k = graph.nodes[node].get("k", 1)
            join = preds[0] if len(preds) == 1 and k == 1 else add(k, preds)
            unit = graph.nodes[node].get("unit")
            if unit is None:
                ref[node] = join
            else:
                ref[node] = add(1, [unit_index[unit]]) if join == const else add(2, [unit_index[unit], join])
        add(1, [ref[rbd.SINK]])
    else:
        paths = [add(len(p), [unit_index[u] for u in sorted(p)]) if p else const for p in model.path_sets]
        add(1, paths)
    k = np.array([g[0] for g in gates], np.int64)
    ptr = np.cumsum([0] + [len(g[1]) for g in gates]).astype(np.int64)
    inputs = np.array([x for g in gates for x in g[1]], np.int64)
    return k, ptr, inputs


def kernel_model(model: SystemModel) -> KernelModel:
    """Flatten ``model`` into the kernel's arrays."""
    comps = list(model.components)
    index = {c.name: i for i, c in enumerate(comps)}
    fail_code = np.array([c.failure.code for c in comps], np.int64)
    fail_par = np.array([c.failure.kernel_params for c in comps], float).reshape(len(comps), 3)
    rep_code = np.array([c.repair.code if c.repair else -1 for c in comps], np.int64)
    rep_par = np.array([c.repair.kernel_params if c.repair else (0.0, 0.0, 0.0) for c in comps], float).reshape(len(comps), 3)
    group = np.full(len(comps), -1, np.int64)
    factor = np.ones(len(comps))
    members: list[int] = []
    g_ptr = [0]
    for gi, g in enumerate(model.standby):
        for m in g.members:
            group[index[m]] = gi
            factor[index[m]] = g.standby_factor
            members.append(index[m])
        g_ptr.append(len(members))
    groups = {g.name: gi for gi, g in enumerate(model.standby)}
    units = model.units
    unit_ref = np.array([-(groups[u] + 1) if u in groups else index[u] for u in units], np.int64)
    gate_k, gate_ptr, gate_in = _gates(model, {u: i for i, u in enumerate(units)})
    arrays = (fail_code, fail_par, rep_code, rep_par, group, factor, np.array(g_ptr, np.int64),
              np.array(members, np.int64), np.array([g.operating for g in model.standby], np.int64),
              np.array([g.switch_reliability for g in model.standby], float),
              np.array([g.switch_delay for g in model.standby], float), unit_ref, gate_k, gate_ptr, gate_in)
    return KernelModel(arrays, model.repair_crews or 0, model.age_while_down)


def _wilson(successes: float, n: int, z: float) -> Estimate:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, math.sqrt(p * (1 - p) / n), (max(centre - half, 0.0), min(centre + half, 1.0)))


def _mean(total: float, total2: float, n: int, z: float, scale: float = 1.0) -> Estimate:
    mean = total / n
    se = math.sqrt(max(total2 / n - mean * mean, 0.0) / (n - 1))
    return Estimate(mean / scale, se / scale, ((mean - z * se) / scale, (mean + z * se) / scale))


def _ratio(y: float, y2: float, x: float, x2: float, xy: float, n: int, z: float) -> Estimate:
    if x == 0:
        return Estimate(math.inf if y > 0 else math.nan, math.nan, (math.nan, math.inf))
    r = y / x
    s2 = max(y2 - 2 * r * xy + r * r * x2, 0.0) / (n - 1)
    se = math.sqrt(s2 / n) / (x / n)
    return Estimate(r, se, (max(r - z * se, 0.0), r + z * se))


def summarize(stats: np.ndarray, mission_time: float, seed: SeedLike, confidence: float, method: str,
              system: str = "system") -> RepairableSimulationResult:
    """Turn the kernel's summed statistics into estimates with intervals."""
    from youzhi.reliability import _kernels_system as k

    stats = [float(v) for v in stats]
    n = int(stats[k.STAT_N])
    z = float(special.ndtri(0.5 + confidence / 2))
    no_fail_mtbf_low = stats[k.STAT_UP] / -math.log(1 - confidence)
    mtbf = _ratio(stats[k.STAT_UP], stats[k.STAT_UP2], stats[k.STAT_FAIL], stats[k.STAT_FAIL2], stats[k.STAT_UPFAIL], n, z)
    availability = _mean(stats[k.STAT_UP], stats[k.STAT_UP2], n, z, scale=mission_time)
    failures = _mean(stats[k.STAT_FAIL], stats[k.STAT_FAIL2], n, z)
    if stats[k.STAT_FAIL] == 0:
        # no system failure in any history: the sample spread is zero, so the normal intervals would
        # have zero width. Distribution-free bounds instead: MTBF by chi-square (2 dof) on the total
        # uptime; failures per history by the exact Poisson bound for 0 events; unavailability at
        # most the chance that a history has any downtime (Clopper-Pearson, 0 of n).
        tail = (1 - confidence) / 2
        mtbf = Estimate(math.inf, math.nan, (float(no_fail_mtbf_low), math.inf))
        failures = Estimate(0.0, math.nan, (0.0, -math.log(tail) / n))
        availability = Estimate(1.0, math.nan, (tail ** (1 / n), 1.0))
        warnings.warn(f"{system}: no system failure in {n} histories of {mission_time:g}: the intervals are "
                      "distribution-free bounds; simulate longer missions or more histories for estimates",
                      YouzhiWarning, stacklevel=3)
    return RepairableSimulationResult(
        availability=availability,
        point_availability=_wilson(stats[k.STAT_UP_AT_END], n, z),
        mtbf=mtbf,
        mttr=_ratio(stats[k.STAT_DOWN], stats[k.STAT_DOWN2], stats[k.STAT_NDOWN], stats[k.STAT_NDOWN2], stats[k.STAT_DOWNN], n, z),
        failures=failures,
        reliability=_wilson(stats[k.STAT_NO_FAILURE], n, z),
        time_to_first_failure=_mean(stats[k.STAT_FIRST], stats[k.STAT_FIRST2], n, z), system=system,
        mission_time=float(mission_time), histories=n, seed=seed_repr(seed), confidence=confidence, method=method)


def _check(mission_time: float, histories: int, confidence: float) -> None:
    if isinstance(mission_time, bool) or not isinstance(mission_time, (int, float)) or not (0 < mission_time < math.inf):
        raise InputError(f"mission_time: must be a finite number > 0, got {mission_time!r}")
    if isinstance(histories, bool) or not isinstance(histories, (int, np.integer)) or histories < 2:
        raise InputError(f"histories: must be an integer >= 2, got {histories!r}")
    if not 0 < confidence < 1:
        raise InputError(f"confidence: must be in (0, 1), got {confidence!r}")


def simulate_system(model: SystemModel, mission_time: float, histories: int = 100_000, seed: SeedLike = None, *,
                    confidence: float = 0.95, workers: int | None = None) -> RepairableSimulationResult:
    """Simulate ``histories`` missions of ``[0, mission_time]`` of a repairable system.

    Parameters
    ----------
    model : SystemModel
    mission_time : float
        Length of each mission history (hours, or the unit of the distributions).
    histories : int
        Number of independent histories.
    seed : int, SeedSequence or Generator, optional
    confidence : float
        Level of the two-sided intervals.
    workers : int, optional
        Threads (default: the CPUs available). Does not change the answer.

    Returns
    -------
    RepairableSimulationResult

    Examples
    --------
    >>> from youzhi.reliability.rbd import block_graph, parallel
    >>> from youzhi.reliability.system import SystemModel
    >>> from youzhi.reliability.system_model import Component, Lifetime
    >>> pair = tuple(Component(n, Lifetime("exponential", rate=0.01), Lifetime("exponential", rate=0.2)) for n in "ab")
    >>> model = SystemModel(pair, block_graph(parallel("a", "b")), repair_crews=1)
    >>> r = simulate_system(model, 5000.0, histories=400, seed=2)
    >>> round(1 - r.availability.value, 3)      # Markov chain: 4.5249e-3
    0.005
    """
    _check(mission_time, histories, confidence)
    if not any(c.repairable for c in model.components):
        warnings.warn(f"{model.name}: no component is repaired, so 'mtbf' is the up time per system failure "
                      "within the mission, not the MTTF; system_reliability (youzhi system reliability) gives "
                      "the exact MTTF", YouzhiWarning, stacklevel=2)
    from youzhi.reliability._kernels_system import N_STATS, simulate_block

    km = kernel_model(model)
    n_blocks = -(-int(histories) // BLOCK_SIZE)
    seeds = block_seeds(seed, n_blocks)
    sizes = [min(BLOCK_SIZE, int(histories) - i * BLOCK_SIZE) for i in range(n_blocks)]

    def run(i: int) -> np.ndarray:
        gen = np.random.Generator(np.random.PCG64(seeds[i]))
        return simulate_block(gen, sizes[i], float(mission_time), *km.arrays, km.crews, km.age_while_down)

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = max(1, min(workers or cpus, n_blocks))
    if workers == 1:
        parts = [run(i) for i in range(n_blocks)]
    else:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(run, range(n_blocks)))
    stats = np.zeros(N_STATS)
    for part in parts:  # block order: the same sum whatever the thread count
        stats += part
    return summarize(stats, mission_time, seed, confidence, RepairableSimulationResult.method, model.name)
