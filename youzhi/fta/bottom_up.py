"""Minimal cut sets of a coherent fault tree within limits, gate by gate as ZBDDs.

The way SCRAM and XFTA find cut sets within an order or a cut-off: each gate's family of
minimal cut sets comes from its inputs' families (OR: their union; AND: their product;
AT-LEAST: a row recurrence of both), made minimal and cut to the limits at once. A set
beyond the limits cannot become a minimal cut set within them higher up, since the sets of a
coherent tree only grow (and their probabilities only fall) on the way to the top. No BDD is
built, so the cost follows the size of the gates' families within the limits, not the size of
the tree's BDD: for low orders it is far cheaper. A tree with a complemented event (non-coherent) is left
to the BDD route (:func:`youzhi.fta.modules.whole_bdd_arrays`).

The operations are numba kernels (:mod:`youzhi.fta._zbdd_kernels`) over one node store
(:class:`youzhi.fta.cutsets._ZbddStore`).

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("top", kind="gate", op="or"); g.add_node("g1", kind="gate", op="and")
>>> for e in ("a", "b", "c"):
...     g.add_node(e, kind="basic")
>>> g.add_edges_from([("top", "g1"), ("top", "c"), ("g1", "a"), ("g1", "b")])
>>> z, root = bottom_up_cut_sets(g, "top", max_order=1)
>>> sorted(sorted(z.name(x) for x in s) for s in z.iter_sets(root))
[['c']]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from youzhi.fta.cutsets import Zbdd, _grown, _zbdd_of_arrays, _ZbddStore
from youzhi.fta.preprocess import BooleanGraph

# the most ZBDD nodes this route holds before the caller falls back to the BDD route
BOTTOM_UP_NODES = 1 << 24
_FIRST_CAPACITY = 1 << 16


def _coherent_postorder(bg, root: int) -> list[tuple[int, int, tuple[int, ...]]] | None:
    """``(edge, atleast, input edges)`` for every gate edge below ``root``, inputs first; None
    when a complemented event is reached (the tree is not coherent as written)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        e, expanded = stack.pop()
        node, neg = e >> 1, e & 1
        if not bg.is_gate(node):
            if node and neg:
                return None
            continue
        args = tuple(a ^ neg for a in bg.args[node])
        n = len(args)
        k = n if bg.op[node] == "and" else bg.k[node]
        if expanded:
            order.append((e, n - k + 1 if neg else k, args))
            continue
        if e in seen:
            continue
        seen.add(e)
        stack.append((e, True))
        stack.extend((a, False) for a in args if a not in seen)
    return order


def bottom_up_cut_sets(graph, top: str, house_states: Mapping[str, bool] | None = None, *,
                       max_order: int | None = None, cutoff: float | None = None,
                       probabilities: Mapping[str, float] | None = None,
                       max_nodes: int = BOTTOM_UP_NODES,
                       boolean_graph: BooleanGraph | None = None) -> tuple[Zbdd, int] | None:
    """``(zbdd, root)``: the minimal cut sets of ``top`` within ``max_order`` and ``cutoff``
    (and perhaps some a little below the cut-off: filter them exactly), or None when the tree
    is not coherent or the ZBDD would pass ``max_nodes`` nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("top", kind="gate", op="atleast", k=2)
    >>> for e in ("a", "b", "c"):
    ...     g.add_node(e, kind="basic"); g.add_edge("top", e)
    >>> z, root = bottom_up_cut_sets(g, "top")
    >>> z.by_order(root)
    {2: 3}
    """
    from youzhi.fta import _zbdd_kernels as zk
    from youzhi.fta.bdd import dfs_variable_order
    from youzhi.fta.modules import cut_set_limits

    bg = boolean_graph if boolean_graph is not None else BooleanGraph.from_tree(graph, top, house_states)
    gates = _coherent_postorder(bg, bg.root)
    if gates is None:
        return None
    names = tuple(dfs_variable_order(graph, top))
    level = {name: j for j, name in enumerate(names)}
    count, weights, budget = cut_set_limits(names, max_order, cutoff, probabilities) or (None, None, None)
    k = zk.UNLIMITED if count is None else int(count)
    b = zk.UNLIMITED if weights is None else int(budget)
    w = np.array([0 if weights is None else weights[name] for name in names] or [0], np.int64)
    store = _ZbddStore(len(names), _FIRST_CAPACITY, max_nodes)
    family = {0: zk.BASE, 1: zk.EMPTY}  # edge -> ZBDD root (events: positive edges only)
    support = {0: 0}  # node -> bit mask of the events it depends on
    for i, name in enumerate(bg.variables, start=1):
        lit = 2 * level[name]
        family[2 * i] = zk.EMPTY if w[lit >> 1] > b or k == 0 else _grown(store, zk._znode, lit, zk.BASE, zk.EMPTY)
        support[i] = 1 << i
    if None in family.values():  # max_nodes below the number of events
        return None
    stack = np.empty((4, 2 * len(names) + 16), np.int64)
    for e, atleast, args in gates:
        children = np.array([family[a] for a in args], np.int64)
        union, disjoint = 0, True
        for a in args:
            mask = support[a >> 1]
            disjoint = disjoint and not union & mask
            union |= mask
        support[e >> 1] = union
        family[e] = _grown(store, zk.gate_family, atleast, children, disjoint, k, b, w, stack,
                           extra=("best", "cache", "wcache"))
        if family[e] is None:
            return None
    root = family[bg.root]
    return _zbdd_of_arrays(names, store.zv, store.zh, store.zl, store.zempty, int(store.meta[0]), root)

