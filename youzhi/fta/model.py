"""The fault tree: a ``networkx.DiGraph`` (parent -> child) with basic-event models.

Graph schema (what the analysis code relies on):

- node attribute ``kind`` in {"gate", "basic", "house"};
- gates have ``op`` in :data:`GATE_OPS`; ``atleast`` gates have an int ``k``; INHIBIT is an
  ``and`` gate with ``label="inhibit"``; nested formulas are anonymous gates named
  ``"PARENT/1"``, ``"PARENT/2"``, ...;
- edges carry ``index``, the argument position (sort children by it: ``imply(a, b)``);
- house events have a bool ``state``.

Probabilities are not graph attributes: :meth:`FaultTree.probabilities` evaluates the
basic-event expressions (:mod:`youzhi.fta.events`) at a mission time.

Examples
--------
>>> tree = FaultTree("pumps")
>>> tree.add_gate("top", "and", ["pump1", "pump2"])
'top'
>>> tree.add_basic_event("pump1", 0.1)
'pump1'
>>> tree.add_basic_event("pump2", 0.2)
'pump2'
>>> tree.validate().top
'top'
>>> sorted(tree.graph.successors("top"))
['pump1', 'pump2']
>>> tree.probabilities()
{'pump1': 0.1, 'pump2': 0.2}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np

from youzhi.errors import ModelError
from youzhi.fta.events import Const, Context, Expr, probability

GATE_OPS = ("and", "or", "atleast", "not", "xor", "nand", "nor", "iff", "imply", "null")
_ARITY = {"not": (1, 1), "null": (1, 1), "imply": (2, 2), "xor": (2, 2), "iff": (2, 2),
          "atleast": (2, None), "and": (1, None), "or": (1, None), "nand": (1, None), "nor": (1, None)}
_NO_DUPLICATES = ("atleast", "xor", "iff")


class FaultTree:
    """A fault tree over a ``networkx.DiGraph`` with its basic-event models.

    Parameters
    ----------
    name : str
        The model's name (written back as the fault tree's name).
    mission_time : float
        The default ``system-mission-time`` (SCRAM's default is 8760 hours).

    Attributes
    ----------
    graph : networkx.DiGraph
        Parent -> child edges; see the module docstring for the attributes.
    top : str or None
        The top gate (set by :meth:`set_top`, or found by :meth:`validate` when the tree has a
        single root).
    events : dict
        Basic event name -> :class:`~youzhi.fta.events.Expr` (its probability model).
    parameters : dict
        ``define-parameter`` name -> expression.
    """

    def __init__(self, name: str = "FaultTree", mission_time: float = 8760.0) -> None:
        self.name = name
        self.mission_time = float(mission_time)
        self.graph: nx.DiGraph = nx.DiGraph()
        self.top: str | None = None
        self.events: dict[str, Expr | None] = {}
        self.parameters: dict[str, Expr] = {}
        self.ccf_groups: list[Any] = []

    # ------------------------------------------------------------------ builder
    def _define(self, name: str, kind: str, **attrs: Any) -> None:
        if not isinstance(name, str) or not name:
            raise ModelError(f"names must be non-empty strings, got {name!r}")
        node = self.graph.nodes.get(name)
        if node is not None and "kind" in node:
            raise ModelError(f"{name!r} is defined twice (as a {node['kind']} and as a {kind})")
        self.graph.add_node(name, kind=kind, **attrs)

    def add_gate(self, name: str, op: str, inputs: Iterable[Any], *, k: int | None = None,
                 label: str | None = None) -> str:
        """Add a gate; ``inputs`` are names (defined before or after) or nested formulas.

        A nested formula is a tuple ``(op, inputs)`` or ``("atleast", inputs, k)``; it becomes an
        anonymous gate ``"NAME/1"``, ``"NAME/2"``, ... Returns ``name``.
        """
        if op == "inhibit":
            op, label = "and", "inhibit"
        if op not in GATE_OPS:
            raise ModelError(f"gate {name!r}: unknown operator {op!r}; accepted: {', '.join(GATE_OPS)}, inhibit")
        inputs = list(inputs)
        resolved: list[str] = []
        counter = [0]
        for item in inputs:
            resolved.append(self._nested(name, item, counter) if isinstance(item, tuple) else item)
        if op in ("and", "or", "nand", "nor"):
            resolved = list(dict.fromkeys(resolved))
        elif len(set(resolved)) != len(resolved):
            dup = sorted({x for x in resolved if resolved.count(x) > 1})
            if op in _NO_DUPLICATES or op in ("imply",):
                raise ModelError(f"gate {name!r}: {op} has the same argument twice: {', '.join(dup)}")
        attrs: dict[str, Any] = {"op": op}
        if op == "atleast":
            if k is None or isinstance(k, bool) or int(k) != k or k < 1:
                raise ModelError(f"gate {name!r}: atleast needs an integer min >= 1, got {k!r}")
            attrs["k"] = int(k)
        if label is not None:
            attrs["label"] = label
        self._define(name, "gate", **attrs)
        for index, child in enumerate(resolved):
            if not isinstance(child, str) or not child:
                raise ModelError(f"gate {name!r}: input {index} must be a name, got {child!r}")
            if child == name:
                raise ModelError(f"cycle in the fault tree: gate {name!r} is its own input")
            self.graph.add_edge(name, child, index=index)
        return name

    def _nested(self, parent: str, item: tuple, counter: list[int]) -> str:
        counter[0] += 1
        name = f"{parent}/{counter[0]}"
        while name in self.graph:
            counter[0] += 1
            name = f"{parent}/{counter[0]}"
        op, args = item[0], item[1]
        k = item[2] if len(item) > 2 else None
        return self.add_gate(name, op, args, k=k)

    def add_basic_event(self, name: str, probability: float | Expr | None = None, *,
                        label: str | None = None) -> str:
        """Add a basic event with a constant probability or a MEF expression. Returns ``name``."""
        attrs = {"label": label} if label is not None else {}
        self._define(name, "basic", **attrs)
        if probability is not None and not isinstance(probability, Expr):
            probability = Const(_as_float(probability, f"basic event {name!r}"))
        self.events[name] = probability
        return name

    def set_event_model(self, name: str, model: float | Expr) -> None:
        """Replace the probability model of an existing basic event."""
        if self.graph.nodes.get(name, {}).get("kind") != "basic":
            raise ModelError(f"{name!r} is not a basic event")
        self.events[name] = model if isinstance(model, Expr) else Const(_as_float(model, f"basic event {name!r}"))

    def add_house_event(self, name: str, state: bool = False, *, label: str | None = None) -> str:
        """Add a house event (a switch: true or false). Returns ``name``."""
        if not isinstance(state, (bool, np.bool_)):
            raise ModelError(f"house event {name!r}: state must be true or false, got {state!r}")
        attrs = {"label": label} if label is not None else {}
        self._define(name, "house", state=bool(state), **attrs)
        return name

    def add_parameter(self, name: str, value: float | Expr) -> str:
        """Add a ``define-parameter`` (referenced by :class:`~youzhi.fta.events.Param`)."""
        if name in self.parameters:
            raise ModelError(f"parameter {name!r} is defined twice")
        self.parameters[name] = value if isinstance(value, Expr) else Const(_as_float(value, f"parameter {name!r}"))
        return name

    def set_top(self, name: str) -> None:
        """Choose the top gate (needed when the graph has several roots)."""
        if self.graph.nodes.get(name, {}).get("kind") != "gate":
            raise ModelError(f"top event {name!r} is not a gate of the model; gates: {_few(self.gates)}")
        self.top = name

    # ------------------------------------------------------------------ queries
    @property
    def gates(self) -> list[str]:
        """Names of the gates."""
        return [n for n, d in self.graph.nodes(data=True) if d.get("kind") == "gate"]

    @property
    def basic_events(self) -> list[str]:
        """Names of the basic events."""
        return [n for n, d in self.graph.nodes(data=True) if d.get("kind") == "basic"]

    @property
    def house_events(self) -> dict[str, bool]:
        """House event name -> state."""
        return {n: d["state"] for n, d in self.graph.nodes(data=True) if d.get("kind") == "house"}

    def children(self, gate: str) -> list[str]:
        """The inputs of ``gate`` in argument order."""
        edges = self.graph.out_edges(gate, data="index")
        return [c for _, c, _ in sorted(edges, key=lambda e: e[2])]

    def roots(self) -> list[str]:
        """Gates that are no gate's input."""
        return sorted(n for n in self.gates if self.graph.in_degree(n) == 0)

    def context(self, time: Any = None, rng: np.random.Generator | None = None, n: int = 1) -> Context:
        """An evaluation context at ``time`` (default: the mission time)."""
        return Context(time=self.mission_time if time is None else time, parameters=self.parameters, rng=rng, n=n)

    def probabilities(self, time: Any = None, names: Iterable[str] | None = None,
                      context: Context | None = None) -> dict[str, Any]:
        """Basic event name -> probability at ``time`` (floats; arrays for a time grid or samples)."""
        ctx = context if context is not None else self.context(time)
        out = {}
        for name in (self.basic_events if names is None else names):
            expr = self.events.get(name)
            if expr is None:
                raise ModelError(f"basic event {name!r} has no probability (no expression in define-basic-event)")
            out[name] = probability(expr, ctx, name)
        return out

    # ------------------------------------------------------------------ validation
    def validate(self) -> "FaultTree":
        """Check the model; raise :class:`ModelError` naming what is wrong. Returns ``self``."""
        g = self.graph
        undefined = [n for n, d in g.nodes(data=True) if "kind" not in d]
        if undefined:
            name = sorted(undefined)[0]
            users = sorted(g.predecessors(name))
            raise ModelError(f"undefined name {name!r} used by gate {users[0]!r}" + (f" (and {len(undefined) - 1} more undefined)" if len(undefined) > 1 else ""))
        for gate in self.gates:
            data = g.nodes[gate]
            n = g.out_degree(gate)
            if n == 0:
                raise ModelError(f"gate {gate!r} has no input")
            lo, hi = _ARITY[data["op"]]
            if n < lo or (hi is not None and n > hi):
                want = f"exactly {lo}" if lo == hi else f"at least {lo}"
                raise ModelError(f"gate {gate!r}: {data['op']} needs {want} input(s), got {n}")
            if data["op"] == "atleast" and data["k"] > n:
                raise ModelError(f"gate {gate!r}: atleast min={data['k']} is larger than its {n} inputs")
        for node in g.nodes:
            if g.nodes[node]["kind"] != "gate" and g.out_degree(node):
                raise ModelError(f"{node!r} is a {g.nodes[node]['kind']} event but has inputs")
        try:
            cycle = nx.find_cycle(g)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            raise ModelError("cycle in the fault tree through gates " + " -> ".join([repr(u) for u, _ in cycle] + [repr(cycle[0][0])]))
        if self.top is None:
            roots = self.roots()
            if not roots:
                raise ModelError("the model has no gate")
            if len(roots) > 1:
                raise ModelError(f"the model has {len(roots)} top gates ({_few(roots)}); choose one (top=... or --top)")
            self.top = roots[0]
        for name, expr in self.events.items():
            if expr is not None:
                try:
                    probability(expr, self.context(), name)
                except ModelError as exc:
                    message = str(exc)
                    raise ModelError(message if repr(name) in message else f"basic event {name!r}: {message}") from None
        return self

    def subtree(self, top: str | None = None) -> nx.DiGraph:
        """The part of the graph reachable from ``top`` (default: the top gate)."""
        top = top or self.top
        return self.graph.subgraph(nx.descendants(self.graph, top) | {top})

    def __repr__(self) -> str:
        return (f"FaultTree({self.name!r}, top={self.top!r}, gates={len(self.gates)}, "
                f"basic_events={len(self.basic_events)}, house_events={len(self.house_events)})")


def _as_float(value: Any, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"{where}: expected a number, got {value!r}") from None
    if not 0.0 <= out <= 1.0 and "parameter" not in where:
        raise ModelError(f"{where}: probability must be in [0, 1], got {out!r}")
    return out


def _few(names: list[str], n: int = 5) -> str:
    return ", ".join(names[:n]) + (f", ... ({len(names)} in all)" if len(names) > n else "")


def house_states(tree: FaultTree, overrides: Mapping[str, bool] | None = None) -> dict[str, bool]:
    """House event states with ``overrides`` applied (unknown names are a :class:`ModelError`)."""
    states = tree.house_events
    for name, value in (overrides or {}).items():
        if name not in states:
            raise ModelError(f"house event {name!r} is not in the model; house events: {_few(sorted(states))}")
        states[name] = bool(value)
    return states


def to_json(tree: FaultTree) -> dict:
    """The model as plain JSON data: gates with ordered inputs, basic events with their
    probability at the mission time, house events with their state."""
    g = tree.graph
    gates = {}
    for gate in tree.gates:
        entry = {"op": g.nodes[gate]["op"], "inputs": tree.children(gate)}
        for key in ("k", "label"):
            if key in g.nodes[gate]:
                entry[key] = g.nodes[gate][key]
        gates[gate] = entry
    return {"name": tree.name, "top": tree.top, "mission_time": tree.mission_time, "gates": gates,
            "basic_events": {k: float(v) for k, v in tree.probabilities().items()},
            "house_events": tree.house_events}


def from_json(data: Any, where: str = "JSON") -> FaultTree:
    """Build a tree from :func:`to_json` data (basic events get constant probabilities)."""
    if not isinstance(data, dict) or not isinstance(data.get("gates"), dict):
        raise ModelError(f"{where}: expected an object with 'gates', 'basic_events' and 'house_events'")
    tree = FaultTree(str(data.get("name", "FaultTree")), _number(data.get("mission_time", 8760.0), f"{where}: mission_time"))
    for name, gate in data["gates"].items():
        if not isinstance(gate, dict) or not isinstance(gate.get("inputs"), list):
            raise ModelError(f"{where}: gates.{name}: expected an object with 'op' and a list 'inputs'")
        if not all(isinstance(x, str) for x in gate["inputs"]):
            raise ModelError(f"{where}: gates.{name}.inputs: expected names (strings), got {gate['inputs']!r}")
        tree.add_gate(name, str(gate.get("op")), gate["inputs"], k=gate.get("k"), label=gate.get("label"))
    for name, p in dict(data.get("basic_events") or {}).items():
        tree.add_basic_event(name, _as_float(p, f"{where}: basic_events.{name}"))
    for name, state in dict(data.get("house_events") or {}).items():
        tree.add_house_event(name, state)
    if data.get("top") is not None:
        tree.set_top(str(data["top"]))
    return tree


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
        raise ModelError(f"{where}: expected a number >= 0, got {value!r}")
    return float(value)


__all__ = ["FaultTree", "GATE_OPS", "house_states", "to_json", "from_json"]
