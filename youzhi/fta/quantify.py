"""Quantify a fault tree: probability, cut sets, importance, time behaviour and uncertainty.

This module orchestrates; the Boolean work is done by :mod:`youzhi.fta.modules` (the graph
preprocessed by :mod:`youzhi.fta.preprocess`, split into independent modules, one BDD per
module: exact probability and Birnbaum importance, a numba kernel for many probability vectors
at once) and :mod:`youzhi.fta.cutsets`.

Time-dependent measures (assumptions: independent basic events; each repairable event follows
its own model, e.g. GLM = exponential failure with exponential repair):

- unavailability ``Q_top(t)`` = the BDD evaluated at the basic-event probabilities ``Q_i(t)``;
- unconditional failure frequency of the top event (first order, as in Vesely's method and
  SCRAM/RiskSpectrum): ``w_top(t) = Σ_i B_i(t) w_i(t)`` with the Birnbaum importance
  ``B_i = Q_top(Q_i = 1) - Q_top(Q_i = 0)`` and the event's intensity ``w_i`` (exact for
  coherent trees of independent components: the system fails at ``t`` when a component fails
  while the rest of the system is critical for it);
- repairable system: ``MTBF = 1 / w_top(∞)`` at steady state when every time-dependent event
  has a limit (exponential, GLM); otherwise ``MTBF = T / W(0, T)`` with ``W(0, T) = ∫_0^T w_top``
  the expected number of top failures over the mission time ``T``;
- non-repairable system: ``MTTF = ∫_0^∞ (1 - Q_top(t)) dt`` (Gauss-Legendre on doubling
  intervals until the reliability is below 1e-13); infinite when ``Q_top(∞) < 1``.

Examples
--------
>>> from youzhi.fta.model import FaultTree
>>> from youzhi.fta.events import Builtin, Const, MissionTime
>>> tree = FaultTree(mission_time=1000.0)
>>> _ = tree.add_gate("top", "or", ["a", "b"])
>>> _ = tree.add_basic_event("a", Builtin("exponential", (Const(1e-4), MissionTime())))
>>> _ = tree.add_basic_event("b", Builtin("exponential", (Const(3e-4), MissionTime())))
>>> round(reliability_measures(tree.validate()).mttf, 3)   # 1 / (1e-4 + 3e-4)
2500.0
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi._random import SeedLike, block_seeds, seed_repr
from youzhi._results import Result
from youzhi.errors import ComputationError, InputError, ModelError, YouzhiWarning
from youzhi.fta import events as ev
from youzhi.fta.fastbdd import MAX_NODES
from youzhi.fta.model import FaultTree, house_states as _house_states

METHODS = ("bdd", "mocus", "rare-event", "mcub")
_BLOCK = 4096


def _bdd(tree: FaultTree, house_states: Mapping[str, bool] | None, max_nodes: int = MAX_NODES):
    """The top event compiled for quantification: preprocessed, one BDD per module."""
    from youzhi.fta.modules import ModularBdd

    if tree.top is None:
        tree.validate()
    return ModularBdd.from_tree(tree.graph, tree.top, house_states=_house_states(tree, house_states),
                                max_nodes=max_nodes)


def _matrix(bdd, probs: Mapping[str, Any], n: int) -> np.ndarray:
    """Columns in ``bdd.variables`` order; scalars broadcast to ``n`` rows."""
    P = np.empty((n, len(bdd.variables)))
    for j, name in enumerate(bdd.variables):
        P[:, j] = probs[name]
    return P


@dataclass(frozen=True, repr=False)
class FaultTreeResult(Result):
    """What ``youzhi fta analyze`` prints: probability, cut sets and (optionally) importance.

    ``cut_sets`` = {``count``, ``by_order`` (order -> count), ``top`` (most probable first:
    {``events``, ``probability``}), ``max_order`` and ``cutoff`` (the limits, or None)};
    ``importance`` = {event: {``birnbaum``, ``criticality``, ``diagnostic``, ``fussell_vesely``,
    ``raw``, ``rrw``}} (exact, :mod:`youzhi.fta.importance`; from the cut sets, with
    ``occurrences``, for ``rare-event`` and ``mcub``) or None.
    """

    top_event: str
    probability: float
    method: str
    time: float
    cut_sets: dict
    importance: dict | None = None

    def to_frame(self):
        """Importance table (one row per basic event) as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame.from_dict(self.importance or {}, orient="index")


def analyze(tree: FaultTree, *, method: str = "bdd", cutoff: float | None = None,
            max_order: int | None = None, importance: bool = False, time: float | None = None,
            house_states: Mapping[str, bool] | None = None, n_top: int = 10,
            max_nodes: int = MAX_NODES) -> FaultTreeResult:
    """Top-event probability, minimal cut sets and importance of ``tree`` at one time.

    Parameters
    ----------
    method : {"bdd", "mocus", "rare-event", "mcub"}
        ``bdd`` (default) and ``mocus`` give the exact probability from the BDD and cut sets by
        ZBDD or MOCUS; ``rare-event`` (sum of cut-set probabilities) and ``mcub``
        (1 - Π(1 - P(C))) approximate the probability from the (truncated) cut sets.
    cutoff, max_order
        Cut sets with a lower probability, or more events, are dropped.
    importance : bool
        Add Birnbaum, criticality, Fussell-Vesely, RAW and RRW of every basic event: exact (BDD)
        with ``bdd`` and ``mocus``; with ``rare-event`` and ``mcub``, from the cut sets under the
        rare-event approximation, as SCRAM's table (so a tree out of the BDD's reach has them too;
        their P is the rare-event sum, also with ``mcub``).
    time : float, optional
        Mission time (default: the model's).
    n_top : int
        Number of most probable cut sets listed.
    max_nodes : int
        Most BDD nodes held for the probability and for the cut sets (each node about 60 bytes;
        exact importance keeps its own default). Past it a
        :class:`~youzhi.errors.ComputationError` says what else to try. A tree whose
        exact probability is out of reach still has its cut sets within a ``max_order`` or
        ``cutoff``, and ``rare-event`` or ``mcub`` from them.

    Examples
    --------
    >>> from youzhi.fta.model import FaultTree
    >>> tree = FaultTree()
    >>> _ = tree.add_gate("top", "and", ["a", "b"])
    >>> _ = tree.add_basic_event("a", 0.1)
    >>> _ = tree.add_basic_event("b", 0.2)
    >>> res = analyze(tree.validate(), importance=True)
    >>> round(res.probability, 6), res.cut_sets["count"], round(res.importance["a"]["raw"], 3)
    (0.02, 1, 10.0)
    """
    from youzhi.fta import cutsets

    if method not in METHODS:
        raise InputError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    if cutoff is not None and not 0 <= cutoff <= 1:
        raise InputError(f"cutoff: must be a probability in [0, 1], got {cutoff!r}")
    if max_order is not None and (int(max_order) != max_order or max_order < 1):
        raise InputError(f"max_order: must be an integer >= 1, got {max_order!r}")
    tree = tree.validate()
    t = tree.mission_time if time is None else float(time)
    probs = {k: float(v) for k, v in tree.probabilities(t).items()}
    states = _house_states(tree, house_states)
    if method in ("bdd", "mocus"):
        try:
            p_top = float(_bdd(tree, states, max_nodes).probability(probs))
        except ComputationError as e:
            raise ComputationError(
                f"{e} (command line: --max-nodes). The exact probability of {tree.top!r} is out of reach; "
                "method 'rare-event' or 'mcub' with max_order or cutoff approximates it from the cut sets "
                "within that limit, which can need far less (command line: --method rare-event --max-order 4)"
            ) from e
    try:
        mcs = cutsets.minimal_cut_sets(tree.graph, tree.top, method="mocus" if method == "mocus" else "zbdd",
                                       max_order=max_order, cutoff=cutoff, probabilities=probs,
                                       house_states=states, max_nodes=max_nodes)
    except ComputationError as e:
        if max_order is not None or cutoff is not None:
            raise
        raise ComputationError(
            f"{e} (command line: --max-nodes). All the minimal cut sets of {tree.top!r} need its whole BDD; "
            "those within a max_order or cutoff can need far less (command line: --max-order 4)") from e
    if method == "rare-event":
        p_top = float(cutsets.rare_event(mcs, probs))
        if p_top > 1.0:  # as SCRAM: a probability, not the sum itself
            warnings.warn(f"rare-event: the cut sets' probabilities add up to {p_top:.6g}, reported as 1 (the "
                          "approximation does not hold here; use the exact method 'bdd' or 'mcub')",
                          YouzhiWarning, stacklevel=2)
            p_top = 1.0
    elif method == "mcub":
        p_top = float(cutsets.mcub(mcs, probs))
    cut = {"count": int(mcs.count), "by_order": {int(k): int(v) for k, v in dict(mcs.by_order).items()},
           "top": [{"events": sorted(s), "probability": float(q)} for s, q in mcs.top(n_top, probs)],
           "max_order": max_order, "cutoff": cutoff}
    imp = None
    if importance and method in ("rare-event", "mcub"):
        from youzhi.fta.importance import rare_event_importance

        imp = rare_event_importance(mcs, probs).measures
    elif importance:
        from youzhi.fta.importance import importance as exact_importance

        imp = exact_importance(tree.graph, tree.top, probs, house_states=states).measures
    return FaultTreeResult(tree.top, p_top, method, t, cut, imp)


# ---------------------------------------------------------------------- time
@dataclass(frozen=True, repr=False)
class TimeResult(Result):
    """Unavailability ``Q_top(t)`` and failure frequency ``w_top(t)`` over a time grid."""

    times: np.ndarray
    unavailability: np.ndarray
    failure_frequency: np.ndarray

    def to_frame(self):
        """One row per time."""
        import pandas as pd

        return pd.DataFrame({"time": self.times, "unavailability": self.unavailability,
                             "failure_frequency": self.failure_frequency})


def time_grid(start: float, stop: float, n: int) -> np.ndarray:
    """``n`` equally spaced times from ``start`` to ``stop`` (checked)."""
    if not (np.isfinite(start) and np.isfinite(stop)) or start < 0 or stop < start or int(n) != n or n < 1:
        raise InputError(f"time grid: need 0 <= START <= STOP and N >= 1, got {start}:{stop}:{n}")
    return np.linspace(float(start), float(stop), int(n))


def _time_matrices(tree: FaultTree, bdd, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ctx = tree.context(times)
    probs = tree.probabilities(context=ctx, names=bdd.variables)
    rates = {n: ev.failure_intensity(tree.events[n], tree.context(times)) for n in bdd.variables}
    return _matrix(bdd, probs, len(times)), _matrix(bdd, rates, len(times))


def _frequency(bdd, P: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``w_top = Σ_j B_j w_j`` per row; Birnbaum from the BDD's one-pass kernel when it has one."""
    w = np.zeros(P.shape[0])
    active = np.flatnonzero(np.any(W != 0, axis=0))
    if len(active) == 0:
        return w
    if hasattr(bdd, "probability_and_birnbaum") and len(active) > 2:
        for i in range(P.shape[0]):
            _, b = bdd.probability_and_birnbaum(dict(zip(bdd.variables, P[i])))
            w[i] = float(np.dot(np.asarray(b)[active], W[i, active]))
        return w
    for j in active:
        P1, P0 = P.copy(), P.copy()
        P1[:, j], P0[:, j] = 1.0, 0.0
        w += (np.asarray(bdd.probability_many(P1)) - np.asarray(bdd.probability_many(P0))) * W[:, j]
    return w


def over_time(tree: FaultTree, times: Sequence[float] | np.ndarray, *,
              house_states: Mapping[str, bool] | None = None) -> TimeResult:
    """Top-event unavailability and unconditional failure frequency at each time.

    Examples
    --------
    >>> from youzhi.fta.model import FaultTree
    >>> from youzhi.fta.events import Builtin, Const, MissionTime
    >>> tree = FaultTree()
    >>> _ = tree.add_gate("top", "and", ["a", "b"])
    >>> for e in "ab":
    ...     _ = tree.add_basic_event(e, Builtin("exponential", (Const(1e-3), MissionTime())))
    >>> res = over_time(tree.validate(), [0.0, 1000.0])
    >>> [round(float(q), 6) for q in res.unavailability]    # (1 - exp(-1))**2 at t = 1000
    [0.0, 0.399576]
    """
    times = np.asarray(times, dtype=float).ravel()
    if times.size == 0 or np.any(~np.isfinite(times)) or np.any(times < 0):
        raise InputError("times: need finite times >= 0")
    tree = tree.validate()
    bdd = _bdd(tree, house_states)
    P, W = _time_matrices(tree, bdd, times)
    return TimeResult(times, np.asarray(bdd.probability_many(P), dtype=float), _frequency(bdd, P, W))


@dataclass(frozen=True, repr=False)
class ReliabilityMeasures(Result):
    """System MTTF / MTBF and how they were obtained (``basis``)."""

    repairable: bool
    mttf: float | None
    mtbf: float | None
    failure_frequency: float | None
    unavailability: float | None
    basis: str


_LIMITED = ("exponential", "GLM")


def reliability_measures(tree: FaultTree, *, house_states: Mapping[str, bool] | None = None) -> ReliabilityMeasures:
    """MTTF (non-repairable system) or MTBF (repairable), see the module docstring.

    Examples
    --------
    >>> from youzhi.fta.model import FaultTree
    >>> from youzhi.fta.events import Builtin, Const, MissionTime
    >>> tree = FaultTree()
    >>> _ = tree.add_gate("top", "or", ["pump", "valve"])
    >>> for name, lam in [("pump", 1e-3), ("valve", 5e-4)]:      # GLM: gamma, lambda, mu, t
    ...     _ = tree.add_basic_event(name, Builtin("GLM", (Const(0), Const(lam), Const(0.1), MissionTime())))
    >>> m = reliability_measures(tree.validate())
    >>> m.repairable, round(m.mtbf, 1)     # 1 / ((1e-3 + 5e-4) A_pump A_valve)
    (True, 676.7)
    """
    tree = tree.validate()
    bdd = _bdd(tree, house_states)
    ctx = tree.context()
    exprs = [tree.events[n] for n in bdd.variables]
    repairable = any(ev.is_repairable(e, ctx) for e in exprs)
    if not repairable:
        mttf = _mttf(tree, bdd)
        return ReliabilityMeasures(False, mttf, None, None, None,
                                   "non-repairable: MTTF = integral of (1 - Q_top(t)) dt")
    timed = [e for e in exprs if ev.depends_on_time(e, ctx)]
    if all(isinstance(e, ev.Builtin) and e.name in _LIMITED for e in timed):
        non_repairable = [e for e in timed if not ev.is_repairable(e, ctx)]
        if non_repairable:
            raise ModelError("a repairable system with non-repairable time-dependent events has no steady "
                             "state; give those events a repair rate (GLM) or a constant probability")
        P, W = _time_matrices(tree, bdd, np.array([np.inf]))
        w = float(_frequency(bdd, P, W)[0])
        q = float(np.asarray(bdd.probability_many(P))[0])
        return ReliabilityMeasures(True, None, 1.0 / w if w > 0 else math.inf, w, q,
                                   "repairable, steady state: MTBF = 1 / w_top(inf)")
    T = tree.mission_time
    nodes, weights = np.polynomial.legendre.leggauss(64)
    grid = np.concatenate([(T / 64) * (i + (nodes + 1) / 2) for i in range(64)])
    P, W = _time_matrices(tree, bdd, grid)
    expected = float(np.sum(_frequency(bdd, P, W).reshape(64, -1) * (weights / 2 * T / 64)))
    return ReliabilityMeasures(True, None, T / expected if expected > 0 else math.inf, expected / T, None,
                               "repairable: MTBF = T / W(0, T), W = integral of w_top over the mission time")


def _mttf(tree: FaultTree, bdd) -> float:
    """The integral of R(t) = 1 - Q_top(t) over [0, inf): infinite when R(inf) > 0, else summed
    over doubling intervals from a time where the system is still likely up, each integrated
    adaptively (a Weibull location or a test interval puts kinks in R), until they add nothing."""
    reliability = functools.partial(_reliability, tree, bdd)
    if reliability(np.array([np.inf]))[0] > 1e-15:  # (rounding of 1 - Q leaves about 1e-16)
        return math.inf
    t = _reliability_scale(reliability, tree.mission_time if tree.mission_time > 0 else 1.0)
    total = _integral(reliability, 0.0, t)
    for _ in range(400):
        part = _integral(reliability, t, 2 * t, 1e-12 * total)
        total += part
        t *= 2
        if part <= 1e-13 * total and reliability(np.array([t]))[0] < 1e-13:
            return total
    raise ComputationError(f"MTTF: the reliability is still {reliability(np.array([t]))[0]:.3g} at t = {t:.3g}")


def _reliability(tree: FaultTree, bdd, times: np.ndarray) -> np.ndarray:
    probs = tree.probabilities(context=tree.context(times), names=bdd.variables)
    return 1.0 - np.asarray(bdd.probability_many(_matrix(bdd, probs, len(times))), dtype=float)


def _reliability_scale(reliability, t: float) -> float:
    """A time where R is still at least 0.9 R(0): well inside the first interval."""
    r0 = reliability(np.array([0.0]))[0]
    for _ in range(60):
        if reliability(np.array([t]))[0] >= 0.9 * r0:
            return t
        t /= 8
    return t


_GAUSS = np.polynomial.legendre.leggauss(20)


def _integral(f, a: float, b: float, tol: float = 0.0, depth: int = 60) -> float:
    """Integral of the vectorised ``f`` over [a, b]: 20-point Gauss-Legendre on each half, the
    halves split again while they differ from the whole by more than ``tol`` (and 1e-12 of it)."""
    nodes, weights = _GAUSS
    points = lambda a, b: a + (b - a) * (nodes + 1) / 2  # noqa: E731
    rule = lambda values, a, b: float(np.sum(weights * values)) * (b - a) / 2  # noqa: E731
    stack = [(a, b, rule(f(points(a, b)), a, b), tol, depth)]
    total = 0.0
    while stack:
        a, b, whole, tol, depth = stack.pop()
        m = (a + b) / 2
        values = f(np.concatenate([points(a, m), points(m, b)]))
        left, right = rule(values[:len(nodes)], a, m), rule(values[len(nodes):], m, b)
        if depth == 0 or abs(left + right - whole) <= max(tol, 1e-12 * abs(left + right)):
            total += left + right
        else:
            stack += [(a, m, left, tol / 2, depth - 1), (m, b, right, tol / 2, depth - 1)]
    return total


# ---------------------------------------------------------------------- uncertainty
@dataclass(frozen=True, repr=False)
class UncertaintyResult(Result):
    """Monte Carlo distribution of the top-event probability under parameter uncertainty."""

    mean: float
    std: float
    std_error: float
    percentiles: dict
    n: int
    seed: int | None
    time: float


def _sample_block(tree: FaultTree, bdd, names, seed, n: int, time: float) -> tuple[np.ndarray, int]:
    ctx = tree.context(time, rng=np.random.default_rng(seed), n=n)
    P = np.empty((n, len(names)))
    for j, name in enumerate(names):
        expr = tree.events[name]
        if expr is None:
            raise ModelError(f"basic event {name!r} has no probability")
        P[:, j] = expr.evaluate(ctx)
    if np.any(np.isnan(P)):
        raise ComputationError("uncertainty: a sampled probability is NaN (check the deviates' parameters)")
    clipped = int(np.sum((P < 0) | (P > 1)))
    np.clip(P, 0.0, 1.0, out=P)
    return np.asarray(bdd.probability_many(P), dtype=float), clipped


def uncertainty(tree: FaultTree, n: int = 10_000, seed: SeedLike = None, *, time: float | None = None,
                workers: int = 1, house_states: Mapping[str, bool] | None = None) -> UncertaintyResult:
    """Propagate the deviates of the model to the top-event probability by Monte Carlo.

    Samples are drawn in blocks of 4096, each with its own stream from ``SeedSequence.spawn``,
    so the answer does not depend on ``workers``. Every deviate (and every parameter that
    depends on one) is drawn once per sample and shared by all the events that use it.
    Sampled probabilities outside [0, 1] (e.g. from a normal deviate) are clipped, with a warning.

    Examples
    --------
    >>> from youzhi.fta.model import FaultTree
    >>> from youzhi.fta.events import Const, Deviate
    >>> tree = FaultTree()
    >>> _ = tree.add_gate("top", "or", ["a", "b"])
    >>> _ = tree.add_basic_event("a", Deviate("uniform-deviate", (Const(0.0), Const(0.2))))
    >>> _ = tree.add_basic_event("b", 0.1)
    >>> res = uncertainty(tree.validate(), n=20000, seed=1)
    >>> abs(res.mean - (1 - 0.9 * 0.9)) < 4 * res.std_error     # E[1 - (1 - a)(1 - b)]
    True
    """
    if int(n) != n or n < 2:
        raise InputError(f"n: the number of samples must be an integer >= 2, got {n!r}")
    if int(workers) != workers or workers < 1:
        raise InputError(f"workers: must be an integer >= 1, got {workers!r}")
    tree = tree.validate()
    bdd = _bdd(tree, house_states)
    t = tree.mission_time if time is None else float(time)
    n_blocks = -(-int(n) // _BLOCK)
    sizes = [min(_BLOCK, int(n) - i * _BLOCK) for i in range(n_blocks)]
    seeds = block_seeds(seed, n_blocks)
    names = list(bdd.variables)
    task = lambda i: _sample_block(tree, bdd, names, seeds[i], sizes[i], t)  # noqa: E731
    if workers == 1:
        parts = [task(i) for i in range(n_blocks)]
    else:
        with ThreadPoolExecutor(max_workers=int(workers)) as pool:
            parts = list(pool.map(task, range(n_blocks)))
    values = np.concatenate([p[0] for p in parts])
    clipped = sum(p[1] for p in parts)
    if clipped:
        warnings.warn(f"uncertainty: {clipped} sampled probabilities fell outside [0, 1] and were clipped",
                      YouzhiWarning, stacklevel=2)
    pct = {f"p{q}": float(v) for q, v in zip((5, 50, 95), np.percentile(values, [5, 50, 95]))}
    std = float(np.std(values, ddof=1))
    return UncertaintyResult(float(values.mean()), std, std / math.sqrt(len(values)), pct, int(n),
                             seed_repr(seed), t)


__all__ = ["analyze", "FaultTreeResult", "over_time", "TimeResult", "time_grid",
           "reliability_measures", "ReliabilityMeasures", "uncertainty", "UncertaintyResult", "METHODS"]
