"""Minimal cut sets (and prime implicants of non-coherent trees) by ZBDD or by MOCUS.

ZBDD (default). The top event's BDD (preprocessed and compiled by the array manager with the
ordering heuristics of :mod:`youzhi.fta.modules`, not decomposed) is turned into a zero-suppressed
BDD of its minimal solutions, Rauzy's ``minsol`` ("New algorithms for fault trees analysis",
RESS 40, 1993) as SCRAM does it. For ``f = x f1 + ~x f0``:

- minimal cut sets (default): ``MCS(f) = x (MCS(f1) without MCS(f0)) + MCS(f0)``, where
  ``without`` drops the supersets. For a non-coherent tree this is SCRAM's default: negative
  literals are not written into cut sets (a complemented event counts as "true");
- prime implicants (``prime_implicants=True``, Coudert & Madre 1992):
  ``PI(f) = x (PI(f1) \\ PI(f0 f1)) + ~x (PI(f0) \\ PI(f0 f1)) + PI(f0 f1)``.
  For a coherent tree both are the same family.

An order limit is applied inside the recursion (memoized per remaining order), a probability
cut-off by a ZBDD filter that prunes whole sub-families by their most probable member. Within
an order or a cut-off the BDD is built within them (:func:`youzhi.fta.modules.whole_bdd_arrays`),
and a coherent tree needs no BDD at all: its cut sets are found gate by gate
(:mod:`youzhi.fta.bottom_up`, as SCRAM and XFTA do), which is far cheaper at low orders.

MOCUS. A bottom-up MOCUS over the gates in negation normal form, with subsumption at each
gate and the same cut-offs applied to partial products. For a coherent tree it returns the
minimal cut sets by an independent method. For a non-coherent tree :func:`minimal_cut_sets`
returns the same family as the ZBDD (negative literals dropped, the limits counting positive
ones); :func:`mocus` itself can also return the implicants it meets with their negative
literals, a cover that need not hold every prime implicant.

A cut set is a ``frozenset`` of literals: the basic-event name for "the event occurs", and
``"~name"`` for "the event does not occur" (only with ``prime_implicants``, or from
:func:`mocus` on a non-coherent tree).

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("top", kind="gate", op="atleast", k=2)
>>> for i, e in enumerate(("a", "b", "c")):
...     g.add_node(e, kind="basic"); g.add_edge("top", e, index=i)
>>> res = minimal_cut_sets(g, "top")
>>> res.count, res.by_order
(3, {2: 3})
>>> sorted(sorted(s) for s in res.sets)
[['a', 'b'], ['a', 'c'], ['b', 'c']]
>>> p = {"a": 0.1, "b": 0.2, "c": 0.3}
>>> [(sorted(s), round(q, 3)) for s, q in res.top(2, p)]
[(['b', 'c'], 0.06), (['a', 'c'], 0.03)]
>>> round(rare_event(res, p), 4), round(mcub(res, p), 6)
(0.11, 0.106436)
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from youzhi._results import Result
from youzhi.errors import ComputationError, InputError, ModelError
from youzhi.fta.bdd import FALSE, TRUE, Bdd, _children, _postorder
from youzhi.fta.fastbdd import MAX_NODES

EMPTY = 0   # ZBDD terminal: the empty family
BASE = 1    # ZBDD terminal: the family holding only the empty set
METHODS = ("zbdd", "mocus")


def literal_probability(literal: str, p: Mapping[str, float]) -> float:
    """``p[e]`` for literal ``e``, ``1 - p[e]`` for ``~e``."""
    if literal.startswith("~"):
        return 1.0 - float(p[literal[1:]])
    return float(p[literal])


def set_probability(cut: Iterable[str], p: Mapping[str, float]) -> float:
    """Product of the literal probabilities of one cut set."""
    return math.prod(literal_probability(x, p) for x in cut)


class Zbdd:
    """A ZBDD family of literal sets; node ids index parallel lists, 0/1 are the terminals.

    Literal ``2 j`` is variable ``j`` of the source BDD occurring, ``2 j + 1`` its negation.
    """

    def __init__(self, variables: tuple[str, ...]) -> None:
        self.variables = variables
        inf = 2 * len(variables) + 2
        self.var = [inf, inf]
        self.high = [EMPTY, EMPTY]
        self.low = [EMPTY, EMPTY]
        self._holds_empty = [False, True]  # per node: whether its family holds the empty set
        self._unique: dict = {}
        self._memo: dict = {}

    def node(self, var: int, high: int, low: int) -> int:
        if high == EMPTY:
            return low
        key = (var, high, low)
        n = self._unique.get(key)
        if n is None:
            n = len(self.var)
            self.var.append(var)
            self.high.append(high)
            self.low.append(low)
            self._holds_empty.append(self._holds_empty[low])
            self._unique[key] = n
        return n

    def has_empty(self, f: int) -> bool:
        return self._holds_empty[f]

    def diff(self, f: int, g: int) -> int:
        """Sets of ``f`` that are not in ``g``."""
        if f == EMPTY or f == g:
            return EMPTY
        if g == EMPTY:
            return f
        if f == BASE:
            return EMPTY if self.has_empty(g) else BASE
        key = ("d", f, g)
        r = self._memo.get(key)
        if r is not None:
            return r
        vf, vg = self.var[f], self.var[g]
        if vf < vg:
            r = self.node(vf, self.high[f], self.diff(self.low[f], g))
        elif vf > vg:
            r = self.diff(f, self.low[g])
        else:
            r = self.node(vf, self.diff(self.high[f], self.high[g]), self.diff(self.low[f], self.low[g]))
        self._memo[key] = r
        return r

    def without(self, f: int, g: int) -> int:
        """Sets of ``f`` that contain no set of ``g`` (Rauzy's ``without``)."""
        if f == EMPTY or g == EMPTY:
            return f
        if f == g or self.has_empty(g):
            return EMPTY
        if f == BASE:
            return BASE
        key = ("w", f, g)
        r = self._memo.get(key)
        if r is not None:
            return r
        vf, vg = self.var[f], self.var[g]
        if vf < vg:
            r = self.node(vf, self.without(self.high[f], g), self.without(self.low[f], g))
        elif vf > vg:
            r = self.without(f, self.low[g])
        else:
            hi = self.without(self.without(self.high[f], self.high[g]), self.low[g])
            r = self.node(vf, hi, self.without(self.low[f], self.low[g]))
        self._memo[key] = r
        return r

    # -- whole-family computations (bottom-up dynamic programming, no enumeration) --------
    def _literal_p(self, p: list[float]) -> list[float]:
        out = []
        for q in p:
            out.extend((q, 1.0 - q))
        return out

    def _nodes_below(self, root: int) -> list[int]:
        seen, stack = set(), [root]
        while stack:
            n = stack.pop()
            if n <= BASE or n in seen:
                continue
            seen.add(n)
            stack.append(self.high[n])
            stack.append(self.low[n])
        return sorted(seen)  # children have smaller ids

    def by_order(self, root: int) -> dict[int, int]:
        counts: dict[int, list[int]] = {EMPTY: [], BASE: [1]}
        for n in self._nodes_below(root):
            hi = [0] + counts[self.high[n]]
            lo = counts[self.low[n]]
            m = max(len(hi), len(lo))
            counts[n] = [(hi[i] if i < len(hi) else 0) + (lo[i] if i < len(lo) else 0) for i in range(m)]
        return {i: c for i, c in enumerate(counts[root]) if c}

    def sum_of_products(self, root: int, lit_p: list[float]) -> float:
        val = {EMPTY: 0.0, BASE: 1.0}
        for n in self._nodes_below(root):
            val[n] = lit_p[self.var[n]] * val[self.high[n]] + val[self.low[n]]
        return val[root]

    def best(self, root: int, k: int, lit_p: list[float]) -> list[tuple[float, tuple[int, ...]]]:
        """The ``k`` most probable sets, most probable first, as (probability, literals)."""
        val: dict[int, list] = {EMPTY: [], BASE: [(1.0, ())]}
        for n in self._nodes_below(root):
            q, v = lit_p[self.var[n]], self.var[n]
            merged = [(q * pr, (v,) + s) for pr, s in val[self.high[n]]] + val[self.low[n]]
            val[n] = heapq.nlargest(k, merged, key=lambda t: t[0])
        return val[root]

    def filter_at_least(self, root: int, bound: float, lit_p: list[float]) -> int:
        """Sub-family of sets with probability ``>= bound`` (products taken along the paths)."""
        top = {EMPTY: 0.0, BASE: 1.0}
        for n in self._nodes_below(root):
            top[n] = max(lit_p[self.var[n]] * top[self.high[n]], top[self.low[n]])
        memo: dict = {}

        def rec(f: int, acc: float) -> int:  # acc: product of the literals taken on the way to f
            if acc * top[f] < bound:
                return EMPTY
            if f <= BASE:
                return f
            key = (f, acc)
            r = memo.get(key)
            if r is None:
                hi = rec(self.high[f], acc * lit_p[self.var[f]])
                r = self.node(self.var[f], hi, rec(self.low[f], acc))
                memo[key] = r
            return r

        return rec(root, 1.0)

    def iter_sets(self, root: int):
        """Every set, as a tuple of literal numbers (depth-first)."""
        stack = [(root, ())]
        while stack:
            f, acc = stack.pop()
            if f == EMPTY:
                continue
            if f == BASE:
                yield acc
                continue
            stack.append((self.low[f], acc))
            stack.append((self.high[f], acc + (self.var[f],)))

    def name(self, lit: int) -> str:
        e = self.variables[lit >> 1]
        return "~" + e if lit & 1 else e


def _all_false_values(bdd: Bdd):
    """A function of an edge ``f``: the value of ``f`` when every variable is false (the end of
    its low edges), memoized per node."""
    low = bdd._low
    at_zero = {0: TRUE}  # node -> the edge TRUE or FALSE its function takes at all-false

    def value(f: int) -> bool:
        path, n = [], f >> 1
        while n not in at_zero:
            path.append(n)
            n = low[n] >> 1
        for m in reversed(path):
            at_zero[m] = at_zero[low[m] >> 1] ^ (low[m] & 1)
        return (at_zero[f >> 1] ^ (f & 1)) == TRUE

    return value


def _zbdd_from_bdd(bdd: Bdd, prime: bool, max_order: int | None, compiled: bool = True) -> tuple[Zbdd, int]:
    """The ZBDD of the minimal cut sets (or prime implicants) of ``bdd`` within ``max_order``:
    minimal cut sets by the numba kernel unless ``compiled=False`` (the plain-Python twin)."""
    if compiled and not prime:
        return _minimal_solutions(bdd.variables, bdd._level, bdd._high, bdd._low, bdd.root, max_order)
    z = Zbdd(bdd.variables)
    memo: dict = {}
    lv, hi, lo = bdd._level, bdd._high, bdd._low
    unlimited = len(bdd.variables) + 1
    all_false = _all_false_values(bdd)

    def rec(f: int, k: int) -> int:
        if f == TRUE:
            return BASE
        if f == FALSE:
            return EMPTY
        if k <= 0:  # only the empty set fits; without negative literals it is in M(f) iff f(0..0)
            return BASE if not prime and all_false(f) else EMPTY
        key = (f, k)
        r = memo.get(key)
        if r is not None:
            return r
        n, c = f >> 1, f & 1
        v = lv[n]
        f1, f0 = hi[n] ^ c, lo[n] ^ c
        if prime:
            g = bdd.apply_and(f0, f1)
            pg = rec(g, k)
            pos = z.diff(rec(f1, k - 1), pg)
            neg = z.diff(rec(f0, k - 1), pg)
            r = z.node(2 * v, pos, z.node(2 * v + 1, neg, pg))
        else:
            m0 = rec(f0, k)
            r = z.node(2 * v, z.without(rec(f1, k - 1), m0), m0)
        memo[key] = r
        return r

    root = rec(bdd.root, unlimited if max_order is None else int(max_order))
    return z, root


def _minimal_solutions(variables, level, high, low, root: int, max_order: int | None) -> tuple[Zbdd, int]:
    """Minimal cut sets of the BDD given as arrays (those of
    :func:`youzhi.fta.modules.whole_bdd_arrays`) by
    :func:`youzhi.fta._zbdd_kernels.minimal_solutions`."""
    import numpy as np

    from youzhi.fta import _zbdd_kernels as zk

    level, high, low = (np.array(a, dtype=np.int64) for a in (level, high, low))
    level[0] = 0
    if max_order is not None and max_order >= len(variables):
        max_order = None  # no set is longer: the same family, and one column of the memo, not K + 2
    store = _ZbddStore(len(variables), 1 << 16, 1 << 62)
    z_root = _grown(store, zk.minimal_solutions, level, high, low, int(root),
                    -1 if max_order is None else int(max_order), extra=("wcache",))
    return _zbdd_of_arrays(variables, store.zv, store.zh, store.zl, store.zempty, int(store.meta[0]), z_root)


class _ZbddStore:
    """The node arrays and tables the ZBDD kernels of :mod:`youzhi.fta._zbdd_kernels` share
    (node 0 the empty family, node 1 the family of the empty set); grown (x4) when full. Nodes
    stay where they are when it grows, so a kernel that found it full can be called again."""

    def __init__(self, n_vars: int, capacity: int, max_nodes: int) -> None:
        import numpy as np

        from youzhi.fta.fastbdd import _pow2

        self.max_nodes = max_nodes
        cap = min(capacity, max_nodes)
        self.zv, self.zh, self.zl = np.empty(cap, np.int64), np.zeros(cap, np.int64), np.zeros(cap, np.int64)
        self.zv[:2] = 2 * n_vars + 2  # terminals below every literal
        self.zempty = np.zeros(cap, np.bool_)
        self.zempty[1] = True
        self.best = np.full((cap, 2), -1, np.int64)  # (fewest events, least weight) of a set; -1: unknown
        self.best[0], self.best[1] = 1 << 40, 0  # the empty family has no set; {{}} the empty set
        self.meta = np.array([2], np.int64)
        self.table = np.zeros(_pow2(2 * cap), np.int64)  # masked, not taken modulo
        self.cache = np.full((1 << 18, 4), -1, np.int64)
        self.wcache = np.full((1 << 18, 3), -1, np.int64)

    def grow(self) -> bool:
        """Make room (False: ``max_nodes`` is reached)."""
        import numpy as np

        from youzhi.fta._kernels import bdd_rehash
        from youzhi.fta.fastbdd import _pow2

        cap = self.zv.shape[0]
        if cap >= self.max_nodes:
            return False
        new, n = min(4 * cap, self.max_nodes), int(self.meta[0])
        for name in ("zv", "zh", "zl", "zempty", "best"):
            old = getattr(self, name)
            arr = np.full((new, *old.shape[1:]), -1 if name == "best" else 0, old.dtype)
            arr[:n] = old[:n]
            setattr(self, name, arr)
        self.table = np.zeros(_pow2(2 * new), np.int64)
        bdd_rehash(self.zv, self.zh, self.zl, n, self.table)
        rows = min(1 << 22, _pow2(new))  # lossy caches as large as the store, up to 4 M entries
        if rows > self.cache.shape[0]:
            self.cache = np.full((rows, 4), -1, np.int64)
            self.wcache = np.full((rows, 3), -1, np.int64)
        return True


def _grown(store: _ZbddStore, kernel, *args, extra: tuple[str, ...] = ()) -> int | None:
    """``kernel(*args, zv, zh, zl, zempty, meta, table, *extra)`` (``extra`` names more arrays
    of the store), growing the store while the kernel finds it full; None once it cannot grow."""
    while True:  # the store's arrays are read again after each growth
        arrays = (store.zv, store.zh, store.zl, store.zempty, store.meta, store.table)
        r = kernel(*args, *arrays, *(getattr(store, name) for name in extra))
        if r >= 0:
            return int(r)
        if r == -2:
            raise ComputationError("cut sets: the ZBDD recursion passed its stack (please report this tree)")
        if not store.grow():
            return None


def _zbdd_of_arrays(variables, zv, zh, zl, zempty, n: int, root: int) -> tuple[Zbdd, int]:
    """``(zbdd, root)``: the family at ``root`` of the kernels' node arrays (nodes ``2 .. n - 1``,
    children first) as a :class:`Zbdd` holding only the nodes below ``root``."""
    import numpy as np

    from youzhi.fta._zbdd_kernels import reachable

    nodes = np.flatnonzero(reachable(root, zh, zl, n))
    index = np.zeros(n, np.int64)
    index[nodes] = np.arange(len(nodes))
    inner = nodes[2:]
    var, hi, lo = zv[inner].tolist(), index[zh[inner]].tolist(), index[zl[inner]].tolist()
    z = Zbdd(tuple(variables))
    z.var.extend(var)
    z.high.extend(hi)
    z.low.extend(lo)
    z._holds_empty.extend(zempty[inner].tolist())
    z._unique.update(zip(zip(var, hi, lo), range(2, len(nodes))))
    return z, int(index[root])


# -- results ---------------------------------------------------------------------------------
class _ZbddFamily:
    def __init__(self, z: Zbdd, root: int) -> None:
        self.z, self.root = z, root

    def sets(self) -> tuple[frozenset, ...]:
        name = self.z.name
        return tuple(frozenset(name(x) for x in s) for s in self.z.iter_sets(self.root))

    def top(self, k: int, p: Mapping[str, float]):
        lit_p = self.z._literal_p([float(p[v]) for v in self.z.variables])
        return [(frozenset(self.z.name(x) for x in s), q) for q, s in self.z.best(self.root, k, lit_p)]

    def rare_event(self, p: Mapping[str, float]) -> float:
        lit_p = self.z._literal_p([float(p[v]) for v in self.z.variables])
        return self.z.sum_of_products(self.root, lit_p)


class _ListFamily:
    def __init__(self, sets: tuple[frozenset, ...]) -> None:
        self._sets = sets

    def sets(self) -> tuple[frozenset, ...]:
        return self._sets

    def top(self, k: int, p: Mapping[str, float]):
        return heapq.nlargest(k, ((s, set_probability(s, p)) for s in self._sets), key=lambda t: t[1])

    def rare_event(self, p: Mapping[str, float]) -> float:
        return math.fsum(set_probability(s, p) for s in self._sets)


@dataclass(frozen=True, repr=False)
class CutSetResult(Result):
    """Minimal cut sets (or prime implicants) of a top event.

    Attributes
    ----------
    count : int
        Number of sets.
    by_order : dict
        {order: number of sets of that order} (orders with no set left out).
    method : str
        ``"zbdd"`` or ``"mocus"``.
    max_order, cutoff : optional
        The limits applied.
    prime_implicants : bool
        Whether negative literals (``"~e"``) are part of the sets.
    sets : tuple of frozenset
        The sets (built on first access; a ZBDD result can hold far more sets than a list).
    """

    count: int
    by_order: dict
    method: str
    max_order: int | None = None
    cutoff: float | None = None
    prime_implicants: bool = False
    probabilities: Mapping[str, float] | None = field(default=None, repr=False, compare=False)
    _family: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def sets(self) -> tuple[frozenset, ...]:
        return self._family.sets()

    def top(self, k: int = 10, probabilities: Mapping[str, float] | None = None) -> list[tuple[frozenset, float]]:
        """The ``k`` most probable sets as ``(set, probability)``, most probable first."""
        p = self.probabilities if probabilities is None else probabilities
        if p is None:
            raise InputError("probabilities: needed to rank cut sets (pass them here or to minimal_cut_sets)")
        return self._family.top(int(k), p)

    def to_dict(self) -> dict[str, Any]:
        """count, by_order, method, max_order, cutoff, prime_implicants (the sets are not listed)."""
        return {"count": int(self.count), "by_order": {int(k): int(v) for k, v in self.by_order.items()},
                "method": self.method, "max_order": self.max_order, "cutoff": self.cutoff,
                "prime_implicants": self.prime_implicants}


def _cutoff_bound(cutoff: float | None) -> float | None:
    """What a set's probability is compared with: ``cutoff`` less 1e-12 of it, so that a set
    whose probability equals the cut-off is kept whatever the order of its product."""
    return None if cutoff is None else float(cutoff) * (1.0 - 1e-12)


def _check(max_order, cutoff, probabilities, method):
    if method not in METHODS:
        raise InputError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    if max_order is not None and (int(max_order) != max_order or max_order < 1):
        raise InputError(f"max_order: must be an integer >= 1, got {max_order!r}")
    if cutoff is not None:
        if not 0.0 <= cutoff <= 1.0:
            raise InputError(f"cutoff: must be a probability in [0, 1], got {cutoff!r}")
        if probabilities is None:
            raise InputError("cutoff: needs probabilities")


def minimal_cut_sets(graph, top: str, *, method: str = "zbdd", max_order: int | None = None,
                     cutoff: float | None = None, probabilities: Mapping[str, float] | None = None,
                     house_states: Mapping[str, bool] | None = None,
                     prime_implicants: bool = False, ordering: str | None = None,
                     max_nodes: int = MAX_NODES) -> CutSetResult:
    """Minimal cut sets of ``top`` in ``graph`` (prime implicants on request).

    Parameters
    ----------
    graph, top : networkx.DiGraph, str
        The fault tree in the shared graph schema.
    method : {"zbdd", "mocus"}
        ZBDD from the BDD (exact minimal family) or bottom-up MOCUS.
    max_order : int, optional
        Drop sets with more literals.
    cutoff : float, optional
        Drop sets whose probability is below ``cutoff`` (needs ``probabilities``; a set at the
        cut-off, to 1e-12 of it, is kept).
    probabilities : mapping, optional
        Basic-event probabilities, for the cut-off and kept for :meth:`CutSetResult.top`.
    house_states : mapping, optional
        House-event states overriding the graph's.
    prime_implicants : bool
        ZBDD only: keep negative literals and return the prime implicants of a non-coherent
        tree (default: SCRAM's minimal cut sets, negative literals dropped).
    ordering : str, optional
        ZBDD only: the variable-order heuristic of the BDD (one of
        :data:`youzhi.fta.modules.ORDERINGS`; default: the best of them). With ``max_order`` or
        ``cutoff`` the BDD is built within those limits (:func:`youzhi.fta.modules.whole_bdd_arrays`);
        without an ``ordering`` a coherent tree is first tried gate by gate, with no BDD
        (:func:`youzhi.fta.bottom_up.bottom_up_cut_sets`, up to its own node limit).
    max_nodes : int
        ZBDD only: the most BDD (or ZBDD) nodes held (:class:`~youzhi.errors.ComputationError`
        past it).
    """
    _check(max_order, cutoff, probabilities, method)
    if method == "mocus":
        sets = mocus(graph, top, max_order=max_order, cutoff=cutoff, probabilities=probabilities,
                     house_states=house_states, negative_literals=False)
        orders: dict[int, int] = defaultdict(int)
        for s in sets:
            orders[len(s)] += 1
        return CutSetResult(len(sets), dict(sorted(orders.items())), "mocus", max_order, cutoff, False,
                            probabilities, _ListFamily(sets))
    from youzhi.fta.modules import whole_bdd_arrays
    from youzhi.fta.preprocess import BooleanGraph

    bound = _cutoff_bound(cutoff)
    bg = BooleanGraph.from_tree(graph, top, house_states)  # read by both routes, changed by neither
    if prime_implicants:  # the limits bound positive events only: with negative ones, built whole
        arrays = whole_bdd_arrays(graph, top, house_states, max_nodes, ordering=ordering, boolean_graph=bg)
        z, root = _zbdd_from_bdd(Bdd.from_arrays(*arrays, max_nodes=max_nodes), True, max_order)
    else:
        found = None
        if ordering is None and (max_order is not None or cutoff is not None):
            from youzhi.fta.bottom_up import BOTTOM_UP_NODES, bottom_up_cut_sets

            found = bottom_up_cut_sets(graph, top, house_states, max_order=max_order, cutoff=bound,
                                       probabilities=probabilities, max_nodes=min(max_nodes, BOTTOM_UP_NODES),
                                       boolean_graph=bg)
        if found is None:  # not coherent, or too many sets on the way: from the BDD within the limits
            arrays = whole_bdd_arrays(graph, top, house_states, max_nodes, max_order=max_order, cutoff=bound,
                                      probabilities=probabilities, ordering=ordering, boolean_graph=bg)
            found = _minimal_solutions(*arrays, max_order)
        z, root = found
    if cutoff is not None:
        lit_p = z._literal_p([float(probabilities[v]) for v in z.variables])
        root = z.filter_at_least(root, bound, lit_p)
    orders = z.by_order(root)
    return CutSetResult(sum(orders.values()), orders, "zbdd", max_order, cutoff, prime_implicants,
                        probabilities, _ZbddFamily(z, root))


def _sets_of(cut_sets) -> Iterable[frozenset]:
    return cut_sets.sets if isinstance(cut_sets, CutSetResult) else cut_sets


def rare_event(cut_sets, p: Mapping[str, float]) -> float:
    """Rare-event approximation: the sum of the cut-set probabilities (no enumeration for a ZBDD)."""
    if isinstance(cut_sets, CutSetResult):
        return float(cut_sets._family.rare_event(p))
    return math.fsum(set_probability(s, p) for s in cut_sets)


def mcub(cut_sets, p: Mapping[str, float]) -> float:
    """Min-cut upper bound ``1 - prod(1 - P(C))`` over the cut sets."""
    log_q = math.fsum(math.log1p(-min(set_probability(s, p), 1.0)) if set_probability(s, p) < 1.0 else -math.inf
                      for s in _sets_of(cut_sets))
    return 1.0 - math.exp(log_q)


# -- MOCUS ------------------------------------------------------------------------------------
_NEGATING = frozenset({"not", "nand", "nor", "xor", "iff", "imply"})


class _Mocus:
    def __init__(self, graph, houses, max_order, cutoff, probabilities, negative_literals=True):
        self.graph, self.houses = graph, houses
        self.negative_literals = negative_literals  # False: the limits count positive literals only
        self.max_order = max_order
        self.bound = _cutoff_bound(cutoff)
        self.p = probabilities
        self.memo: dict = {}
        # only these gates put negated events in a family: without them no set can hold e and ~e
        self.signed = any(d.get("op") in _NEGATING for _, d in graph.nodes(data=True))

    def keep(self, s: frozenset) -> bool:
        if not self.negative_literals and self.signed:
            s = _positive(s)
        if self.max_order is not None and len(s) > self.max_order:
            return False
        if self.bound is not None and set_probability(s, self.p) < self.bound:
            return False
        return True

    @staticmethod
    def minimize(sets: Iterable[frozenset]) -> list[frozenset]:
        ordered = sorted(set(sets), key=len)
        if ordered and not ordered[0]:
            return [frozenset()]
        kept, index = [], defaultdict(list)
        for s in ordered:
            if any(t <= s for e in s for t in index[e]):
                continue
            kept.append(s)
            index[min(s)].append(s)
        return kept

    def both(self, a: list, b: list) -> list:
        out = []
        for x in a:
            for y in b:
                s = x | y
                if self.signed and any(("~" + e) in s for e in s if not e.startswith("~")):
                    continue
                if self.keep(s):
                    out.append(s)
        return self.minimize(out)

    def either(self, *families: list) -> list:
        return self.minimize(s for f in families for s in f)

    def family(self, node, positive: bool) -> list:
        key = (node, positive)
        r = self.memo.get(key)
        if r is not None:
            return r
        data = self.graph.nodes[node]
        kind = data.get("kind")
        if kind == "basic":
            r = [frozenset([node if positive else "~" + node])]
            r = [s for s in r if self.keep(s)]
        elif kind == "house":
            state = bool(self.houses.get(node, data.get("state", False)))
            r = [frozenset()] if state == positive else []
        else:
            r = self.gate(node, data, positive)
        self.memo[key] = r
        return r

    def gate(self, node, data, pos: bool) -> list:
        op = data.get("op")
        kids = _children(self.graph, node)
        if not kids:
            raise ModelError(f"fault tree: gate {node!r} has no input")
        if op in ("not", "nand", "nor"):
            pos = not pos
            op = {"not": "null", "nand": "and", "nor": "or"}[op]
        f = self.family
        if op == "null":
            return f(kids[0], pos)
        if op in ("and", "or"):
            conj = (op == "and") == pos
            fams = [f(c, pos) for c in kids]
            if not conj:
                return self.either(*fams)
            acc = [frozenset()]
            for fam in sorted(fams, key=len):
                acc = self.both(acc, fam)
                if not acc:
                    break
            return acc
        if op == "atleast":
            k, n = int(data["k"]), len(kids)
            if not pos:  # not (at least k of n) = at least n - k + 1 of the negations
                k = n - k + 1
            return self.atleast(k, [f(c, pos) for c in kids])
        if op == "imply":
            a, b = kids
            return self.either(f(a, False), f(b, True)) if pos else self.both(f(a, True), f(b, False))
        if op in ("xor", "iff"):
            odd, even = f(kids[0], True), f(kids[0], False)
            for c in kids[1:]:
                cp, cn = f(c, True), f(c, False)
                odd, even = (self.either(self.both(odd, cn), self.both(even, cp)),
                             self.either(self.both(odd, cp), self.both(even, cn)))
            if op == "iff":
                if len(kids) != 2:
                    raise ModelError(f"fault tree: iff gate {node!r} needs 2 inputs, got {len(kids)}")
                odd, even = even, odd
            return odd if pos else even
        raise ModelError(f"fault tree: gate {node!r} has op {op!r}")

    def atleast(self, k: int, fams: list) -> list:
        n = len(fams)
        if k <= 0:
            return [frozenset()]
        if k > n:
            return []
        memo: dict = {}

        def at(i: int, j: int) -> list:
            if j == 0:
                return [frozenset()]
            if n - i < j:
                return []
            key = (i, j)
            if key not in memo:
                memo[key] = self.either(self.both(fams[i], at(i + 1, j - 1)), at(i + 1, j))
            return memo[key]

        return at(0, k)


def _positive(s: frozenset) -> frozenset:
    return frozenset(x for x in s if not x.startswith("~"))


def mocus(graph, top: str, *, max_order: int | None = None, cutoff: float | None = None,
          probabilities: Mapping[str, float] | None = None,
          house_states: Mapping[str, bool] | None = None,
          negative_literals: bool = True) -> tuple[frozenset, ...]:
    """Minimal cut sets by bottom-up MOCUS (see the module docstring for non-coherent trees).

    ``negative_literals=False`` returns, for a non-coherent tree, SCRAM's minimal cut sets (the
    family :func:`minimal_cut_sets` gives by default): the positive parts of the non-contradictory
    implicants, minimal, the order and cut-off applied to them. By default the implicants keep
    their negative literals, and the limits count them.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("top", kind="gate", op="and")
    >>> g.add_node("g", kind="gate", op="or")
    >>> for e in ("a", "b"):
    ...     g.add_node(e, kind="basic")
    >>> g.add_edge("top", "g", index=0); g.add_edge("top", "a", index=1)
    >>> g.add_edge("g", "a", index=0); g.add_edge("g", "b", index=1)
    >>> [sorted(s) for s in mocus(g, "top")]
    [['a']]
    """
    _check(max_order, cutoff, probabilities, "mocus")
    if top not in graph:
        raise ModelError(f"fault tree: top event {top!r} is not in the graph")
    order = _postorder(graph, top)  # refuses cycles; fills the memo children-first (no deep recursion)
    m = _Mocus(graph, dict(house_states or {}), max_order, cutoff, probabilities, negative_literals)
    for node in order:
        m.family(node, True)
    sets = m.family(top, True)
    if not negative_literals and m.signed:  # a product P AND NOT N holds at exactly the events P
        sets = m.minimize(_positive(s) for s in sets)
    return tuple(sets)
