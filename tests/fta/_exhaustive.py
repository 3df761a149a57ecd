"""Brute-force truth for small fault trees: enumerate every state of the basic events.

Independent of the library's analysis code: it reads only the graph schema (kind, op, k,
edge index, house state) and applies each connective's textbook definition to all 2**n
states at once (NumPy boolean arrays).
"""

from __future__ import annotations

import numpy as np


def _value(graph, node, columns, houses, n_states, memo):
    if node in memo:
        return memo[node]
    data = graph.nodes[node]
    if data["kind"] == "basic":
        out = columns[node]
    elif data["kind"] == "house":
        out = np.full(n_states, bool(houses.get(node, data["state"])))
    else:
        kids = sorted(graph.out_edges(node, data="index"), key=lambda e: e[2])
        xs = [_value(graph, c, columns, houses, n_states, memo) for _, c, _ in kids]
        count = np.sum(xs, axis=0)
        op = data["op"]
        out = {
            "and": lambda: count == len(xs), "or": lambda: count > 0, "nand": lambda: count < len(xs),
            "nor": lambda: count == 0, "not": lambda: ~xs[0], "null": lambda: xs[0],
            "xor": lambda: count % 2 == 1, "iff": lambda: xs[0] == xs[1],
            "imply": lambda: ~xs[0] | xs[1], "atleast": lambda: count >= data["k"],
        }[op]()
    memo[node] = np.asarray(out, dtype=bool)
    return memo[node]


def top_probability(graph, top, probabilities, houses=None):
    """Exact P(top): the sum of the probabilities of every state where the top event is true."""
    names = sorted(probabilities)
    n = len(names)
    if n > 22:
        raise ValueError(f"{n} events: too many for enumeration")
    states = ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    columns = {name: states[:, j] for j, name in enumerate(names)}
    p = np.array([probabilities[name] for name in names], dtype=float)
    weights = np.prod(np.where(states, p, 1.0 - p), axis=1)
    top_true = _value(graph, top, columns, houses or {}, 2**n, {})
    return float(np.sum(weights[top_true]))
