"""Reduced ordered binary decision diagrams (BDD) of fault trees, with complement edges.

A fault tree's top event is compiled into one BDD over its basic events (Bryant's ROBDD with
complement edges, as in Brace-Rudell-Bryant and in SCRAM). The BDD gives the exact top-event
probability of coherent and non-coherent trees alike, the Birnbaum importance of every event
in one bottom-up and one top-down pass, and a flattened array form that a numba kernel
evaluates for many probability vectors at once (uncertainty propagation, time grids).

Representation. A node is an integer id into three parallel lists (``level``, ``high``,
``low``); an *edge* is ``2 * node + complemented``. Node 0 is the terminal ONE, so edge 0 is
TRUE and edge 1 is FALSE. The high edge of a stored node is never complemented (canonical
form), so equal functions have equal edges. A unique table (dict) makes nodes canonical and a
computed table memoizes AND. OR, NOT, XOR, k-out-of-n and the other MEF connectives are
built from AND and complement (NOT is free: flip the edge's low bit).

Variable order. Basic events are ordered by a depth-first traversal of the graph from the
top, children in argument order, gates visited before plain events of the same gate so that
events of a shared subtree stay together (SCRAM's and Rauzy's static DFS heuristic). House
events are constants (their state, or an override) and are propagated away by the apply
operations; gates whose children are all constant fold to TRUE or FALSE.

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("top", kind="gate", op="or")
>>> g.add_node("g1", kind="gate", op="and")
>>> for e in ("a", "b", "c"):
...     g.add_node(e, kind="basic")
>>> g.add_edge("top", "g1", index=0); g.add_edge("top", "c", index=1)
>>> g.add_edge("g1", "a", index=0); g.add_edge("g1", "b", index=1)
>>> bdd = Bdd.from_tree(g, "top")
>>> bdd.variables
('a', 'b', 'c')
>>> p = {"a": 0.1, "b": 0.2, "c": 0.3}
>>> round(bdd.probability(p), 6)   # 1 - (1 - 0.02) * (1 - 0.3)
0.314
>>> {k: round(v, 4) for k, v in bdd.birnbaum(p).items()}
{'a': 0.14, 'b': 0.07, 'c': 0.98}
>>> round(bdd.conditional(p, "c", False), 6)
0.02
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

import numpy as np

from youzhi.errors import ComputationError, InputError, ModelError

TRUE = 0
FALSE = 1
_OPS = ("and", "or", "atleast", "not", "xor", "nand", "nor", "iff", "imply", "null")


def _children(graph, node) -> list:
    """Children of ``node`` in argument order (edge attribute ``index``)."""
    edges = graph.out_edges(node, data="index")
    return [c for _, c, _ in sorted(edges, key=lambda e: (e[2] is None, e[2] if e[2] is not None else 0))]


def _postorder(graph, top) -> list:
    """Nodes reachable from ``top``, children before parents (iterative DFS; cycles refused)."""
    order, state, stack = [], {}, [(top, False)]
    while stack:
        node, done = stack.pop()
        if done:
            state[node] = 2
            order.append(node)
            continue
        mark = state.get(node)
        if mark == 2:
            continue
        if mark == 1:
            raise ModelError(f"fault tree: cycle through gate {node!r}")
        if node not in graph:
            raise ModelError(f"fault tree: undefined node {node!r}")
        state[node] = 1
        stack.append((node, True))
        for child in reversed(_children(graph, node)):
            if state.get(child) != 2:
                if state.get(child) == 1:
                    raise ModelError(f"fault tree: cycle through gate {child!r}")
                stack.append((child, False))
    return order


def dfs_variable_order(graph, top) -> list[str]:
    """Basic events in depth-first order from ``top``: gates first, then events, per gate.

    Visiting a gate's sub-gates before its own events keeps the events of one shared subtree
    adjacent in the order, which keeps BDDs of typical fault trees small.
    """
    seen, order = set(), []
    stack = [top]
    visited = set()
    while stack:
        node = stack.pop()
        if node in visited:
            continue
        visited.add(node)
        kind = graph.nodes[node].get("kind")
        if kind == "basic":
            if node not in seen:
                seen.add(node)
                order.append(node)
            continue
        if kind != "gate":
            continue
        kids = _children(graph, node)
        gates = [c for c in kids if graph.nodes[c].get("kind") == "gate"]
        events = [c for c in kids if graph.nodes[c].get("kind") == "basic"]
        # the stack pops the last push first: sub-gates (in argument order), then the events
        for c in reversed(events):
            stack.append(c)
        for c in reversed(gates):
            stack.append(c)
    return order


class Bdd:
    """A fault tree's top event as a reduced ordered BDD with complement edges.

    Build it with :meth:`from_tree`. Attributes ``variables`` (basic-event names in BDD
    order, level 0 first), ``root`` (the top event's edge) and ``n_nodes`` (nodes reachable
    from the root, terminal included).
    """

    def __init__(self, variables: Sequence[str], max_nodes: int = 10_000_000) -> None:
        self.variables = tuple(variables)
        self.max_nodes = int(max_nodes)
        self._index = {name: i for i, name in enumerate(self.variables)}
        n = len(self.variables)
        self._level = [n]       # node 0: the terminal ONE, below every variable
        self._high = [0]
        self._low = [0]
        self._unique: dict = {}
        self._and_cache: dict = {}
        self.root = TRUE
        self._flat = None
        self.apply_and = self._make_and()
        if sys.getrecursionlimit() < 4 * n + 2000:
            sys.setrecursionlimit(4 * n + 2000)

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_tree(cls, graph, top: str, house_states: Mapping[str, bool] | None = None,
                  order: Sequence[str] | None = None, max_nodes: int = 10_000_000) -> "Bdd":
        """Compile the function of gate ``top`` of ``graph`` (networkx DiGraph, parent -> child).

        Parameters
        ----------
        graph : networkx.DiGraph
            Fault-tree graph in the shared schema (``kind``, ``op``, ``k``, edge ``index``,
            house ``state``).
        top : str
            The node whose function is compiled (a gate, or a basic/house event).
        house_states : mapping, optional
            House-event states overriding the graph's ``state`` attributes.
        order : sequence of str, optional
            Variable order (basic-event names); default :func:`dfs_variable_order`. Must list
            every basic event reachable from ``top``.
        max_nodes : int
            Refuse (:class:`~youzhi.errors.ComputationError`) to store more BDD nodes than this;
            10 million nodes take about 3 GB.
        """
        if top not in graph:
            raise ModelError(f"fault tree: top event {top!r} is not in the graph")
        nodes = _postorder(graph, top)
        basics = [n for n in nodes if graph.nodes[n].get("kind") == "basic"]
        if order is None:
            order = dfs_variable_order(graph, top)
        else:
            order = list(order)
            missing = sorted(set(basics) - set(order))
            if missing:
                raise InputError(f"order: must list every basic event under {top!r}; missing {missing[:5]}")
        order = [v for v in order if v in set(basics)]
        bdd = cls(order, max_nodes=max_nodes)
        houses = dict(house_states or {})
        value: dict = {}
        for node in nodes:
            data = graph.nodes[node]
            kind = data.get("kind")
            if kind == "basic":
                value[node] = bdd.variable(node)
            elif kind == "house":
                state = houses.get(node, data.get("state", False))
                value[node] = TRUE if state else FALSE
            elif kind == "gate":
                kids = [value[c] for c in _children(graph, node)]
                value[node] = bdd._gate(node, data, kids)
            else:
                raise ModelError(f"fault tree: node {node!r} has kind {kind!r}; expected gate, basic or house")
        bdd.root = value[top]
        bdd._and_cache.clear()
        return bdd

    @classmethod
    def from_arrays(cls, variables: Sequence[str], level, high, low, root: int,
                    max_nodes: int = 10_000_000) -> "Bdd":
        """A manager holding a BDD given as arrays (node 0 the terminal, children before
        parents, ``level[i]`` an index into ``variables``, high edges regular), e.g. one built
        by :class:`youzhi.fta.fastbdd.ArrayBdd`; ``root`` is the function's edge."""
        bdd = cls(variables, max_nodes=max(int(max_nodes), len(level) + 1))
        lv, hi, lo = (np.asarray(a, dtype=np.int64)[1:].tolist() for a in (level, high, low))
        bdd._level.extend(lv)
        bdd._high.extend(hi)
        bdd._low.extend(lo)
        bdd._unique.update(zip(zip(lv, hi, lo), range(1, len(lv) + 1)))
        bdd.root = int(root)
        return bdd

    def variable(self, name: str) -> int:
        """The edge of the function "basic event ``name`` occurs"."""
        return self._mk(self._index[name], TRUE, FALSE)

    def _mk(self, level: int, high: int, low: int) -> int:
        if high == low:
            return high
        if high & 1:  # canonical: the high edge is regular
            return self._mk(level, high ^ 1, low ^ 1) ^ 1
        key = (level, high, low)
        node = self._unique.get(key)
        if node is None:
            node = len(self._level)
            self._level.append(level)
            self._high.append(high)
            self._low.append(low)
            self._unique[key] = node
        return node << 1

    def _make_and(self):
        """AND as a closure over the node lists and tables (no attribute look-ups per call)."""
        lv, hi, lo = self._level, self._high, self._low
        unique, cache = self._unique, self._and_cache
        limit = self.max_nodes

        def apply_and(f: int, g: int) -> int:
            if f == g or g == 0:
                return f
            if f == 0:
                return g
            if f == 1 or g == 1 or f == g ^ 1:
                return 1
            if f > g:
                f, g = g, f
            key = (f, g)
            r = cache.get(key)
            if r is not None:
                return r
            nf = f >> 1
            ng = g >> 1
            lf = lv[nf]
            lg = lv[ng]
            if lf <= lg:
                top = lf
                cf = f & 1
                f1 = hi[nf] ^ cf
                f0 = lo[nf] ^ cf
            else:
                top = lg
                f1 = f0 = f
            if lg <= lf:
                cg = g & 1
                g1 = hi[ng] ^ cg
                g0 = lo[ng] ^ cg
            else:
                g1 = g0 = g
            h = apply_and(f1, g1)
            low = apply_and(f0, g0)
            if h == low:
                r = h
            else:
                c = h & 1
                if c:
                    h ^= 1
                    low ^= 1
                k = (top, h, low)
                n = unique.get(k)
                if n is None:
                    n = len(lv)
                    if n > limit:
                        raise ComputationError(
                            f"BDD: more than {limit} nodes (max_nodes); the variable order does not suit "
                            "this tree - raise max_nodes to allow more memory")
                    lv.append(top)
                    hi.append(h)
                    lo.append(low)
                    unique[k] = n
                r = (n << 1) | c
            cache[key] = r
            return r

        return apply_and

    def apply_or(self, f: int, g: int) -> int:
        """Edge of ``f OR g`` (De Morgan on complement edges)."""
        return self.apply_and(f ^ 1, g ^ 1) ^ 1

    def apply_xor(self, f: int, g: int) -> int:
        """Edge of ``f XOR g``."""
        return self.apply_or(self.apply_and(f, g ^ 1), self.apply_and(f ^ 1, g))

    def _fold(self, edges: list, op) -> int:
        # combine the smallest functions first: cheaper intermediate results
        if not edges:
            raise ModelError("fault tree: a gate has no input")
        items = sorted(edges, key=lambda e: -self._level[e >> 1])
        acc = items[0]
        for e in items[1:]:
            acc = op(acc, e)
        return acc

    def _gate(self, name, data, kids: list) -> int:
        op = data.get("op")
        if not kids:
            raise ModelError(f"fault tree: gate {name!r} has no input")
        if op == "and":
            return self._fold(kids, self.apply_and)
        if op == "or":
            return self._fold(kids, self.apply_or)
        if op == "nand":
            return self._fold(kids, self.apply_and) ^ 1
        if op == "nor":
            return self._fold(kids, self.apply_or) ^ 1
        if op == "not":
            return kids[0] ^ 1
        if op == "null":
            return kids[0]
        if op == "xor":
            return self._fold(kids, self.apply_xor)
        if op == "iff":
            return self._fold(kids, self.apply_xor) ^ 1 if len(kids) == 2 else \
                self._iff_all(kids)
        if op == "imply":
            if len(kids) != 2:
                raise ModelError(f"fault tree: imply gate {name!r} needs 2 inputs, got {len(kids)}")
            return self.apply_or(kids[0] ^ 1, kids[1])
        if op == "atleast":
            k = data.get("k")
            if not isinstance(k, (int, np.integer)) or k < 1:
                raise ModelError(f"fault tree: atleast gate {name!r} needs an integer k >= 1, got {k!r}")
            return self._atleast(int(k), kids)
        raise ModelError(f"fault tree: gate {name!r} has op {op!r}; expected one of {', '.join(_OPS)}")

    def _iff_all(self, kids: list) -> int:
        """iff of n inputs: all equal (all true or all false)."""
        return self.apply_or(self._fold(kids, self.apply_and), self._fold([k ^ 1 for k in kids], self.apply_and))

    def _atleast(self, k: int, kids: list) -> int:
        """k-out-of-n by the recurrence atleast(j, x_i..) = x_i ? atleast(j-1, ..) : atleast(j, ..)."""
        n = len(kids)
        if k > n:
            return FALSE
        items = sorted(kids, key=lambda e: -self._level[e >> 1])
        # row[j] = at least j of the inputs processed so far
        row = [TRUE] + [FALSE] * k
        for x in items:
            new = [TRUE]
            for j in range(1, k + 1):
                new.append(self.apply_or(self.apply_and(x, row[j - 1]), self.apply_and(x ^ 1, row[j])))
            row = new
        return row[k]

    # -- flattened form ---------------------------------------------------------------
    def _reachable(self) -> list[int]:
        """Node ids reachable from the root, children before parents (ids grow upwards)."""
        root = self.root >> 1
        seen = {0}
        stack = [root]
        hi, lo = self._high, self._low
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.append(hi[n] >> 1)
            stack.append(lo[n] >> 1)
        return sorted(seen)

    def flatten(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """Arrays ``(var, high, low, root)`` of the reachable BDD, children before parents.

        Node 0 is the terminal ONE; for node ``i > 0``, ``var[i]`` is the column of its
        variable in :attr:`variables`, and ``high[i]``/``low[i]`` are edges
        (``2 * child + complemented``). ``root`` is the top event's edge.
        """
        if self._flat is None:
            nodes = self._reachable()
            new = {n: i for i, n in enumerate(nodes)}
            m = len(nodes)
            var = np.zeros(m, dtype=np.int64)
            high = np.zeros(m, dtype=np.int64)
            low = np.zeros(m, dtype=np.int64)
            lv, hi, lo = self._level, self._high, self._low
            for i, n in enumerate(nodes):
                if i:
                    var[i] = lv[n]
                    high[i] = (new[hi[n] >> 1] << 1) | (hi[n] & 1)
                    low[i] = (new[lo[n] >> 1] << 1) | (lo[n] & 1)
            root = (new[self.root >> 1] << 1) | (self.root & 1)
            self._flat = (var, high, low, root)
        return self._flat

    @property
    def n_nodes(self) -> int:
        """Number of BDD nodes reachable from the root, the terminal included."""
        return len(self.flatten()[0])

    # -- quantification --------------------------------------------------------------
    def _vector(self, p: Mapping[str, float]) -> np.ndarray:
        out = np.empty(len(self.variables))
        for j, name in enumerate(self.variables):
            try:
                v = float(p[name])
            except KeyError:
                raise InputError(f"probabilities: no value for basic event {name!r}") from None
            if not 0.0 <= v <= 1.0:
                raise InputError(f"probabilities[{name!r}]: must be in [0, 1], got {v!r}")
            out[j] = v
        return out

    def probability(self, p: Mapping[str, float]) -> float:
        """Exact probability of the top event for independent basic events with probabilities ``p``."""
        from youzhi.fta import _kernels

        var, high, low, root = self.flatten()
        return float(_kernels.probability_one(var, high, low, root, self._vector(p)))

    def probability_many(self, P: np.ndarray) -> np.ndarray:
        """Top-event probability for each row of ``P`` (shape ``(n, len(variables))``), by a numba kernel."""
        P = np.ascontiguousarray(P, dtype=float)
        if P.ndim != 2 or P.shape[1] != len(self.variables):
            raise InputError(f"P: expected shape (n, {len(self.variables)}), got {P.shape}")
        if P.size and not (np.all(P >= 0.0) and np.all(P <= 1.0)):
            raise InputError("P: probabilities must be in [0, 1] (and not NaN)")
        from youzhi.fta import _kernels

        var, high, low, root = self.flatten()
        return _kernels.probability_many(var, high, low, root, P)

    def probability_and_birnbaum(self, p: Mapping[str, float]) -> tuple[float, np.ndarray]:
        """``(P(top), B)`` with ``B[j] = dP(top)/dp_j`` for :attr:`variables`, in two passes."""
        from youzhi.fta import _kernels

        var, high, low, root = self.flatten()
        return _kernels.birnbaum(var, high, low, root, self._vector(p))

    def birnbaum(self, p: Mapping[str, float]) -> dict[str, float]:
        """Birnbaum importance ``P(top | e) - P(top | not e)`` of every variable (exact)."""
        _, b = self.probability_and_birnbaum(p)
        return {name: float(b[j]) for j, name in enumerate(self.variables)}

    def conditional(self, p: Mapping[str, float], event: str, state: bool) -> float:
        """``P(top | event = state)``; an event the top does not depend on leaves P unchanged."""
        q = dict(p)
        if event not in self._index and event not in q:
            raise InputError(f"event: {event!r} is not a basic event of this tree")
        q[event] = 1.0 if state else 0.0
        return self.probability(q)

    def edge_probability(self, edge: int, p: np.ndarray, memo: dict | None = None) -> float:
        """Probability of the function at any ``edge`` of this BDD (``p`` in variable order).

        ``memo`` (node -> probability) can be shared between calls with the same ``p``.
        """
        memo = {0: 1.0} if memo is None else memo
        memo.setdefault(0, 1.0)
        lv, hi, lo = self._level, self._high, self._low
        stack = [edge >> 1]
        while stack:
            n = stack[-1]
            if n in memo:
                stack.pop()
                continue
            h, l_ = hi[n] >> 1, lo[n] >> 1
            if h not in memo:
                stack.append(h)
                continue
            if l_ not in memo:
                stack.append(l_)
                continue
            stack.pop()
            ph = memo[h] if not hi[n] & 1 else 1.0 - memo[h]
            pl = memo[l_] if not lo[n] & 1 else 1.0 - memo[l_]
            q = p[lv[n]]
            memo[n] = q * ph + (1.0 - q) * pl
        r = memo[edge >> 1]
        return 1.0 - r if edge & 1 else r

    def __repr__(self) -> str:
        return f"Bdd(variables={len(self.variables)}, nodes={self.n_nodes})"
