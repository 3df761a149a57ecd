"""Random fault trees (hypothesis) and brute-force truth for the BDD, cut-set and importance tests.

The brute force reads only the graph schema and applies each connective's textbook definition
to all 2**n states of the basic events; nothing from youzhi.fta's analysis code is used.
"""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
from hypothesis import strategies as st

ALL_OPS = ("and", "or", "atleast", "not", "xor", "nand", "nor", "iff", "imply", "null")
COHERENT_OPS = ("and", "or", "atleast", "null")
_ARITY = {"not": (1, 1), "null": (1, 1), "imply": (2, 2), "iff": (2, 2), "xor": (2, 3)}


@st.composite
def trees(draw, coherent: bool = False, max_events: int = 6, max_gates: int = 6):
    """(graph, top, probabilities, house_states): a DAG whose gates may share any earlier node."""
    n = draw(st.integers(1, max_events))
    events = [f"e{i}" for i in range(n)]
    g = nx.DiGraph()
    for e in events:
        g.add_node(e, kind="basic")
    houses = [f"h{i}" for i in range(draw(st.integers(0, 1)))]
    for h in houses:
        g.add_node(h, kind="house", state=draw(st.booleans()))
    gates: list[str] = []
    ops = COHERENT_OPS if coherent else ALL_OPS
    for j in range(draw(st.integers(1, max_gates))):
        op = draw(st.sampled_from(ops))
        lo, hi = _ARITY.get(op, (1 if op in ("and", "or", "nand", "nor") else 2, 4))
        pool = events + houses + gates
        if len(pool) < lo:
            op, lo, hi = "null", 1, 1
        hi = min(hi, len(pool))
        kids = draw(st.lists(st.sampled_from(pool), min_size=lo, max_size=hi, unique=True))
        name = f"g{j}"
        attrs = {"k": draw(st.integers(1, len(kids)))} if op == "atleast" else {}
        g.add_node(name, kind="gate", op=op, **attrs)
        for i, c in enumerate(kids):
            g.add_edge(name, c, index=i)
        gates.append(name)
    probs = {e: draw(st.floats(0.0, 1.0)) for e in events}
    override = {h: draw(st.booleans()) for h in houses if draw(st.booleans())}
    return g, gates[-1], probs, override


def states(names):
    n = len(names)
    return ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)


def truth(graph, top, names, houses=None, fixed=None):
    """Boolean vector of ``top`` over all states of ``names`` (column j = names[j])."""
    S = states(names)
    cols = {name: S[:, j] for j, name in enumerate(names)}
    for k, v in (fixed or {}).items():
        cols[k] = np.full(len(S), bool(v))
    houses = houses or {}
    memo: dict = {}

    def val(node):
        if node in memo:
            return memo[node]
        d = graph.nodes[node]
        if d["kind"] == "basic":
            out = cols[node]
        elif d["kind"] == "house":
            out = np.full(len(S), bool(houses.get(node, d["state"])))
        else:
            kids = [c for _, c, _ in sorted(graph.out_edges(node, data="index"), key=lambda e: e[2])]
            xs = [val(c) for c in kids]
            cnt = np.sum(xs, axis=0)
            op = d["op"]
            out = {"and": lambda: cnt == len(xs), "or": lambda: cnt > 0, "nand": lambda: cnt < len(xs),
                   "nor": lambda: cnt == 0, "not": lambda: ~xs[0], "null": lambda: xs[0],
                   "xor": lambda: cnt % 2 == 1, "iff": lambda: xs[0] == xs[1],
                   "imply": lambda: ~xs[0] | xs[1], "atleast": lambda: cnt >= d["k"]}[op]()
        memo[node] = np.asarray(out, dtype=bool)
        return memo[node]

    return val(top)


def brute_probability(graph, top, probs, houses=None, fixed=None):
    names = sorted(probs)
    p = np.array([probs[k] for k in names])
    S = states(names)
    w = np.prod(np.where(S, p, 1.0 - p), axis=1)
    return float(np.sum(w[truth(graph, top, names, houses, fixed)]))


def brute_minimal_solutions(graph, top, names, houses=None):
    """Minimal true points of the function (Rauzy's minimal solutions; SCRAM's cut sets)."""
    S = states(names)
    t = truth(graph, top, names, houses)
    true_sets = [frozenset(n for j, n in enumerate(names) if s[j]) for s in S[t]]
    return {s for s in true_sets if not any(o < s for o in true_sets)}


def brute_prime_implicants(graph, top, names, houses=None):
    """Every cube (literal set) that implies the function and has no smaller implicant."""
    S = states(names)
    t = truth(graph, top, names, houses)
    implicants = []
    for cube in itertools.product((None, True, False), repeat=len(names)):
        mask = np.ones(len(S), dtype=bool)
        for j, c in enumerate(cube):
            if c is not None:
                mask &= S[:, j] == c
        if np.all(t[mask]):
            implicants.append(frozenset(n if c else "~" + n for n, c in zip(names, cube) if c is not None))
    return {c for c in implicants if not any(o < c for o in implicants)}


def draw_limits(data, sets, probs):
    """``(max_order, cutoff)`` for the minimal solutions ``sets``: each None or a limit, the
    cut-off often exactly at a set's probability or just below it (the boundary cases)."""
    k = data.draw(st.none() | st.integers(1, 4), label="max_order")
    qs = sorted({_probability(s, probs) for s in sets if _probability(s, probs) > 0})
    if qs and data.draw(st.booleans(), label="cut-off at a cut set"):
        cut = data.draw(st.sampled_from(qs), label="q") * data.draw(st.sampled_from([1.0, 1 - 1e-9]))
    else:
        cut = data.draw(st.none() | st.floats(1e-12, 1.0), label="cutoff")
    return k, cut


def _probability(cut_set, probs):
    return math.prod(probs[e] for e in cut_set)  # the tests' set_probability, to the last bit
