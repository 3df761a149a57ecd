"""Draw a fault tree: Graphviz DOT text, or a matplotlib figure (SVG, PNG, PDF).

Gates are boxes labelled with their connective, basic events ellipses, house events
pentagon-like "house" shapes; a probability, when given, is printed under the name. The
matplotlib layout is layered: a node sits one level below its deepest parent, and nodes of a
level are ordered by the mean position of their parents (barycentre heuristic) to limit
crossings.

Examples
--------
>>> from youzhi.fta.model import FaultTree
>>> tree = FaultTree()
>>> _ = tree.add_gate("top", "or", ["a", "b"])
>>> _ = tree.add_basic_event("a", 0.1)
>>> _ = tree.add_basic_event("b", 0.2)
>>> print(to_dot(tree.validate(), {"a": 0.1, "b": 0.2}))  # doctest: +ELLIPSIS
digraph "FaultTree" {
  rankdir=TB;
  "top" [shape=box, label="top\\nOR"];
  "a" [shape=ellipse, label="a\\np = 0.1"];
  "b" [shape=ellipse, label="b\\np = 0.2"];
  "top" -> "a";
  "top" -> "b";
}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

from youzhi.errors import DataFileError, InputError
from youzhi.fta.model import FaultTree

_SHAPES = {"gate": "box", "basic": "ellipse", "house": "house"}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(tree: FaultTree, node: str, probabilities: Mapping[str, float] | None) -> str:
    data = tree.graph.nodes[node]
    lines = [node]
    if data["kind"] == "gate":
        op = "INHIBIT" if data.get("label") == "inhibit" else data["op"].upper()
        lines.append(f"{data['k']}/{tree.graph.out_degree(node)}" if data["op"] == "atleast" else op)
    elif data["kind"] == "house":
        lines.append("TRUE" if data["state"] else "FALSE")
    if probabilities is not None and node in probabilities:
        lines.append(f"p = {float(probabilities[node]):.4g}")
    return "\n".join(lines)


def _reachable(tree: FaultTree) -> list[str]:
    top = tree.top or tree.validate().top
    seen, order, queue = {top}, [top], [top]
    while queue:
        node = queue.pop(0)
        for child in tree.children(node):
            if child not in seen:
                seen.add(child)
                order.append(child)
                queue.append(child)
    return order


def to_dot(tree: FaultTree, probabilities: Mapping[str, float] | None = None) -> str:
    """The tree (from its top gate) as Graphviz DOT text; ``probabilities`` label the nodes."""
    nodes = _reachable(tree)
    lines = [f"digraph {_quote(tree.name)} {{", "  rankdir=TB;"]
    for node in nodes:
        shape = _SHAPES[tree.graph.nodes[node]["kind"]]
        lines.append(f"  {_quote(node)} [shape={shape}, label={_quote(_label(tree, node, probabilities))}];")
    for node in nodes:
        for child in tree.children(node):
            lines.append(f"  {_quote(node)} -> {_quote(child)};")
    lines.append("}")
    return "\n".join(lines)


def layered_layout(tree: FaultTree) -> dict[str, tuple[float, float]]:
    """Node -> (x, y): level ``y = -depth`` (longest path from the top), barycentre ordering.

    Examples
    --------
    >>> from youzhi.fta.model import FaultTree
    >>> tree = FaultTree()
    >>> _ = tree.add_gate("top", "or", ["g", "a"])
    >>> _ = tree.add_gate("g", "and", ["a", "b"])
    >>> _ = tree.add_basic_event("a", 0.1); _ = tree.add_basic_event("b", 0.2)
    >>> layered_layout(tree.validate())["a"]      # below its deepest parent, g
    (-0.5, -2.0)
    """
    nodes = _reachable(tree)
    sub = tree.graph.subgraph(nodes)
    depth = {tree.top: 0}
    for node in nx.topological_sort(sub):
        for child in sub.successors(node):
            depth[child] = max(depth.get(child, 0), depth[node] + 1)
    levels: dict[int, list[str]] = {}
    for node in nodes:
        levels.setdefault(depth[node], []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    for level in sorted(levels):
        row = levels[level]
        if level:
            def key(n: str) -> float:
                xs = [pos[p][0] for p in sub.predecessors(n) if p in pos]
                return sum(xs) / len(xs) if xs else 0.0
            row.sort(key=key)
        width = len(row)
        for i, node in enumerate(row):
            pos[node] = (i - (width - 1) / 2, -float(level))
    return pos


def draw(tree: FaultTree, path: str | os.PathLike | None = None,
         probabilities: Mapping[str, float] | None = None, *, ax=None):
    """Draw the tree with matplotlib; save to ``path`` (format from its suffix) if given.

    Returns the matplotlib ``Figure``.
    """
    from matplotlib.figure import Figure  # no pyplot: no global figure state, any backend

    if path is not None and Path(path).suffix.lower().lstrip(".") not in ("svg", "png", "pdf", "jpg", "jpeg"):
        raise InputError(f"{path}: drawing format must be .svg, .png, .pdf or .jpg")
    pos = layered_layout(tree)
    levels = {}
    for x, y in pos.values():
        levels[y] = levels.get(y, 0) + 1
    width = max(levels.values())
    if ax is None:
        fig = Figure(figsize=(min(2.0 + 1.6 * width, 60), min(1.5 + 1.3 * len(levels), 60)))
        ax = fig.subplots()
    else:
        fig = ax.figure
    for node, (x, y) in pos.items():
        for child in tree.children(node):
            cx, cy = pos[child]
            ax.plot([x, cx], [y, cy], color="0.4", lw=0.8, zorder=1)
    style = {"gate": dict(boxstyle="square,pad=0.4", fc="#dbe8f7"),
             "basic": dict(boxstyle="circle,pad=0.3", fc="#fbe3c8"),
             "house": dict(boxstyle="rarrow,pad=0.3", fc="#e2f0d9")}
    for node, (x, y) in pos.items():
        kind = tree.graph.nodes[node]["kind"]
        ax.text(x, y, _label(tree, node, probabilities), ha="center", va="center", fontsize=7,
                bbox=dict(ec="0.2", lw=0.8, **style[kind]), zorder=2)
    ax.set_xlim(-width / 2 - 0.5, width / 2 + 0.5)
    ax.set_ylim(min(y for _, y in pos.values()) - 0.7, 0.7)
    ax.set_axis_off()
    ax.set_title(f"{tree.name}: top event {tree.top}")
    if path is not None:
        path = Path(path)
        try:
            fig.savefig(path, bbox_inches="tight")
        except OSError as exc:
            raise DataFileError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return fig


__all__ = ["to_dot", "draw", "layered_layout"]
