"""Reliability block diagrams as networkx graphs, and their exact reliability.

A diagram is a graph with two terminals, ``"in"`` and ``"out"``. A node with a ``unit``
attribute is a block that works or not (a component or a standby group); every other node is a
junction. The system works when ``"out"`` is reached from ``"in"`` through working blocks. In a
directed acyclic diagram a node may carry ``k``: it is reached only when at least ``k`` of its
predecessors are (a k-out-of-n vote). An undirected graph is any two-terminal network (a bridge).

:func:`series`, :func:`parallel` and :func:`k_out_of_n` nest into a :class:`Block` that
:func:`block_graph` turns into such a graph; :func:`network_graph` builds one from edges.

Exact reliability goes through the fault tree engine: :func:`structure_tree` writes the
structure function (the system works) as a fault-tree graph over the units — a gate per
diagram node for a directed acyclic diagram, an OR of the minimal path sets for a network —
and :func:`structure_bdd` compiles it into a :class:`~youzhi.fta.bdd.Bdd`, evaluated for any
unit reliabilities, so repeated blocks are counted exactly and a k-out-of-n vote stays
polynomial (no path-set enumeration).

Examples
--------
>>> bridge = network_graph([("in", "a"), ("in", "b"), ("a", "c"), ("b", "c"),
...                          ("a", "d"), ("b", "e"), ("c", "d"), ("c", "e"), ("d", "out"), ("e", "out")])
>>> sorted(sorted(p) for p in minimal_path_sets(bridge))
[['a', 'c', 'e'], ['a', 'd'], ['b', 'c', 'd'], ['b', 'e']]
>>> round(structure_bdd(bridge).probability(dict.fromkeys("abcde", 0.9)), 5)
0.97848
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from youzhi.errors import ModelError

SOURCE, SINK = "in", "out"
MAX_PATH_SETS = 100_000


@dataclass(frozen=True)
class Block:
    """A series, parallel or k-out-of-n arrangement of units (names) and nested blocks."""

    kind: str
    items: tuple[Block | str, ...]
    k: int = 1


def series(*items: Block | str) -> Block:
    """All items must work.

    Examples
    --------
    >>> series("a", parallel("b", "c")).kind
    'series'
    """
    return Block("series", tuple(items), len(items))


def parallel(*items: Block | str) -> Block:
    """At least one item must work."""
    return Block("parallel", tuple(items), 1)


def k_out_of_n(k: int, *items: Block | str) -> Block:
    """At least ``k`` of the items must work."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(items):
        raise ModelError(f"k_out_of_n: k must be an integer from 1 to {len(items)}, got {k!r}")
    return Block("k_of_n", tuple(items), k)


def block_graph(block: Block | str) -> nx.DiGraph:
    """The directed diagram of a nested block (units are node attributes; names may repeat).

    A block is the node named after it (a tuple ``(name, i)`` when it repeats); junctions of
    parallel and k-out-of-n blocks are nodes ``("join", i)`` with attribute ``k``.

    Examples
    --------
    >>> g = block_graph(k_out_of_n(2, "a", "b", "c"))
    >>> sorted(d["unit"] for _, d in g.nodes(data=True) if "unit" in d)
    ['a', 'b', 'c']
    """
    graph = nx.DiGraph()
    graph.add_nodes_from([SOURCE, SINK])
    counter = itertools.count()

    def add(item: Block | str, start: Any) -> Any:
        if isinstance(item, str):
            node = item if item not in graph else (item, next(counter))  # a repeated block
            graph.add_node(node, unit=item)
            graph.add_edge(start, node)
            return node
        if not item.items:
            raise ModelError(f"{item.kind} block: has no items")
        if item.kind == "series":
            for sub in item.items:
                start = add(sub, start)
            return start
        join = ("join", next(counter))  # tuples never clash with block names
        ends = [add(sub, start) for sub in item.items]
        graph.add_node(join, k=item.k)
        graph.add_edges_from((end, join) for end in ends)
        return join

    graph.add_edge(add(block, SOURCE), SINK)
    return graph


def network_graph(edges: Iterable[tuple[str, str]], directed: bool = False) -> nx.Graph:
    """A network diagram from edges between unit names and the terminals ``in``/``out``."""
    graph = nx.DiGraph() if directed else nx.Graph()
    for a, b in edges:
        for node in (a, b):
            if node not in graph:
                graph.add_node(node, **({} if node in (SOURCE, SINK) else {"unit": node}))
        graph.add_edge(a, b)
    return graph


def units(graph: nx.Graph) -> list[str]:
    """The unit names in the diagram, in order of first appearance."""
    return list(dict.fromkeys(d["unit"] for _, d in graph.nodes(data=True) if "unit" in d))


def _minimize(sets: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    for s in sorted(set(sets), key=len):
        if not any(m <= s for m in out):
            out.append(s)
    return out


def check_two_terminal(graph: nx.Graph) -> None:
    """Raise :class:`ModelError` unless ``graph`` is a two-terminal diagram every block lies on."""
    for terminal in (SOURCE, SINK):
        if terminal not in graph:
            raise ModelError(f"diagram: no {terminal!r} terminal; a diagram connects 'in' to 'out'")
    junctions = graph.subgraph(n for n in graph if "unit" not in graph.nodes[n])
    if nx.has_path(junctions, SOURCE, SINK):
        raise ModelError("diagram: 'in' is joined to 'out' by a path through no block, so the system could never fail")
    if not nx.has_path(graph, SOURCE, SINK):
        raise ModelError("diagram: 'out' cannot be reached from 'in': the diagram is not two-terminal")
    if graph.is_directed():
        if graph.in_degree(SOURCE) or graph.out_degree(SINK):
            raise ModelError("diagram: an edge leads into 'in' or out of 'out'; paths start at 'in' and end at 'out'")
        if any(graph.nodes[n].get("k", 1) > 1 for n in graph) and not nx.is_directed_acyclic_graph(graph):
            raise ModelError("diagram: a diagram with k-out-of-n nodes must be acyclic")
    elif any("k" in graph.nodes[n] for n in graph):
        raise ModelError("diagram: k-out-of-n nodes need a directed diagram")
    if graph.is_directed() and nx.is_directed_acyclic_graph(graph):
        # in a DAG every in -> node -> out walk is a simple path
        dead = set(graph) - (nx.descendants(graph, SOURCE) & nx.ancestors(graph, SINK)) - {SOURCE, SINK}
    else:
        paths = list(itertools.islice(nx.all_simple_paths(graph, SOURCE, SINK), MAX_PATH_SETS + 1))
        # past the cap the paths seen say nothing about the others: the path-set stage refuses
        # such a diagram as too large
        dead = set(graph).difference(*paths) if len(paths) <= MAX_PATH_SETS else set()
    for node in sorted(dead, key=str):
        if "unit" in graph.nodes[node]:
            raise ModelError(f"diagram: block {node!r} is not on any path from 'in' to 'out': the diagram is not two-terminal")
    for node in graph:
        if "k" not in graph.nodes[node]:
            continue
        k = graph.nodes[node]["k"]
        n_in = graph.in_degree(node) if graph.is_directed() else graph.degree(node)
        if k > n_in:
            raise ModelError(f"diagram: node {node!r} needs k={k} of its {n_in} inputs")


def minimal_path_sets(graph: nx.Graph) -> list[frozenset[str]]:
    """Minimal sets of units whose working makes the system work.

    Examples
    --------
    >>> sorted(sorted(p) for p in minimal_path_sets(block_graph(k_out_of_n(2, "a", "b", "c"))))
    [['a', 'b'], ['a', 'c'], ['b', 'c']]
    """
    check_two_terminal(graph)
    if graph.is_directed() and nx.is_directed_acyclic_graph(graph):
        reach: dict[str, list[frozenset[str]]] = {SOURCE: [frozenset()]}
        for node in nx.topological_sort(graph):
            if node == SOURCE:
                continue
            preds = [p for p in graph.predecessors(node) if p in reach]
            k = graph.nodes[node].get("k", 1)
            sets: list[frozenset[str]] = []
            for chosen in itertools.combinations(preds, k):
                for combo in itertools.product(*(reach[p] for p in chosen)):
                    sets.append(frozenset().union(*combo))
                    if len(sets) > MAX_PATH_SETS:
                        raise ModelError(f"diagram: more than {MAX_PATH_SETS} path sets; too large for exact analysis")
            unit = graph.nodes[node].get("unit")
            reach[node] = _minimize(s | {unit} if unit else s for s in sets)
        return reach.get(SINK, [])
    sets = []
    for path in nx.all_simple_paths(graph, SOURCE, SINK):
        sets.append(frozenset(graph.nodes[n]["unit"] for n in path if "unit" in graph.nodes[n]))
        if len(sets) > MAX_PATH_SETS:
            raise ModelError(f"diagram: more than {MAX_PATH_SETS} paths; too large for exact analysis")
    return _minimize(sets)


def structure_tree(graph: nx.Graph) -> tuple[nx.DiGraph, Any]:
    """The structure function as a fault-tree graph (``youzhi.fta`` schema); returns ``(tree, top)``.

    Basic events are the unit names (true = the unit works); the top is true when the system
    works. Gates are named by tuples, so they never clash with unit names.

    Examples
    --------
    >>> tree, top = structure_tree(block_graph(k_out_of_n(2, "a", "b", "c")))
    >>> sorted(n for n, d in tree.nodes(data=True) if d["kind"] == "basic")
    ['a', 'b', 'c']
    """
    check_two_terminal(graph)
    tree = nx.DiGraph()

    def gate(name: Any, op: str, inputs: list[Any], k: int | None = None) -> Any:
        tree.add_node(name, kind="gate", op=op, **({"k": k} if k is not None else {}))
        for i, child in enumerate(inputs):
            if child not in tree:
                tree.add_node(child, kind="basic")
            tree.add_edge(name, child, index=i)
        return name

    works = ("system works",)
    if graph.is_directed() and nx.is_directed_acyclic_graph(graph):
        tree.add_node((SOURCE,), kind="house", state=True)
        reach: dict[Any, Any] = {SOURCE: (SOURCE,)}
        for node in nx.topological_sort(graph):
            preds = [reach[p] for p in graph.predecessors(node) if p in reach]
            if node == SOURCE or not preds:
                continue
            k = graph.nodes[node].get("k", 1)
            op = "or" if k == 1 else "and" if k == len(preds) else "atleast"
            inputs = [gate(("votes", node), op, preds, k if op == "atleast" else None)] if len(preds) > 1 else preds
            unit = graph.nodes[node].get("unit")
            reach[node] = gate(("reached", node), "and" if unit else "null", inputs + ([unit] if unit else []))
        gate(works, "null", [reach[SINK]])
        return tree, works
    gate(works, "or", [gate(("path", i), "and", sorted(p)) for i, p in enumerate(minimal_path_sets(graph))])
    return tree, works


def structure_bdd(graph: nx.Graph) -> Any:
    """The structure function compiled into a BDD over the units (``probability(p)`` is R).

    Examples
    --------
    >>> round(structure_bdd(block_graph(k_out_of_n(3, *"abcd"))).probability(dict.fromkeys("abcd", 0.9)), 4)
    0.9477
    """
    from youzhi.fta.bdd import Bdd

    tree, top = structure_tree(graph)
    return Bdd.from_tree(tree, top)
