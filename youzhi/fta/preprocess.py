"""Preprocessing of a fault tree's Boolean graph before BDD construction (as SCRAM and XFTA do).

A fault tree (networkx graph, shared schema of :mod:`youzhi.fta.model`) is rewritten into a
:class:`BooleanGraph` with two kinds of gate only, AND and AT-LEAST (k-out-of-n), over
*edges* that may be complemented, the same convention as :mod:`youzhi.fta.bdd`: an edge is
``2 * node + complemented``; node 0 is the constant TRUE (edge 0 TRUE, edge 1 FALSE); nodes
``1 .. n_vars`` are the basic events; gates follow. OR is a complemented AND of complemented
inputs (De Morgan), so "AND under AND" and "OR under OR" are one rule.

The rewriting keeps the Boolean function of the top event (tests check it against brute-force
enumeration):

- normalisation: ``not``, ``nand``, ``nor`` become complement edges; ``null`` gates and
  single-input gates disappear; ``xor``, ``iff``, ``imply`` become AND/OR; ``atleast`` with
  ``k = 1`` is OR, with ``k = n`` AND;
- constant propagation: house events (their state or an override) are constants; a FALSE
  input of an AND makes it FALSE, a TRUE one is dropped; ``x AND NOT x`` is FALSE; a TRUE
  input of ``atleast k`` leaves ``atleast k - 1`` of the rest; ``x`` and ``NOT x`` together
  count exactly one;
- structural hashing: gates with the same operator and the same (sorted) inputs are one gate;
- coalescing: an AND input (uncomplemented edge) of an AND whose only parent it is has its
  inputs spliced into the parent (this includes OR under OR, and NOR under AND);
- factoring: a part shared by all the inputs of an AND or AT-LEAST gate is taken out
  (:meth:`BooleanGraph.factored`).

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("top", kind="gate", op="or"); g.add_node("g1", kind="gate", op="or")
>>> g.add_node("h", kind="house", state=False)
>>> for e in ("a", "b", "c"):
...     g.add_node(e, kind="basic")
>>> for i, c in enumerate(("g1", "c")):
...     g.add_edge("top", c, index=i)
>>> for i, c in enumerate(("a", "b", "h")):
...     g.add_edge("g1", c, index=i)
>>> bg = BooleanGraph.from_tree(g, "top")
>>> bg.n_gates, bg.describe(bg.root)    # OR(OR(a, b, FALSE), c) -> one OR of three events
(1, 'or(a, b, c)')
"""

from __future__ import annotations

from collections.abc import Mapping

from youzhi.errors import ModelError

TRUE = 0
FALSE = 1


class BooleanGraph:
    """A normalised Boolean graph: AND and AT-LEAST gates over (complementable) edges.

    Attributes
    ----------
    variables : list of str
        Basic-event names; event ``variables[i]`` is node ``i + 1``.
    op, k, args : dict
        Per gate node: ``"and"`` or ``"atleast"``, the ``k`` of an AT-LEAST gate, and the
        input edges (a sorted tuple).
    root : int
        The edge of the top event (``TRUE``/``FALSE`` when it is constant).
    """

    def __init__(self, variables: list[str] | None = None) -> None:
        self.variables: list[str] = list(variables or [])
        self._var_node = {name: i + 1 for i, name in enumerate(self.variables)}
        self.op: dict[int, str] = {}
        self.k: dict[int, int] = {}
        self.args: dict[int, tuple[int, ...]] = {}
        self._hash: dict = {}
        self._next = len(self.variables) + 1
        self.root = TRUE

    # ------------------------------------------------------------------ construction
    @property
    def n_vars(self) -> int:
        return len(self.variables)

    @property
    def n_gates(self) -> int:
        """Gates reachable from the root."""
        return len(self.gates())

    def is_gate(self, node: int) -> bool:
        return node in self.op

    def variable(self, name: str) -> int:
        """The edge of basic event ``name`` (created on first use; before any gate)."""
        node = self._var_node.get(name)
        if node is None:
            if self.op:
                raise ModelError("BooleanGraph: variables must be created before gates")
            self.variables.append(name)
            node = len(self.variables)
            self._var_node[name] = node
            self._next = node + 1
        return 2 * node

    def _gate(self, op: str, k: int, args: tuple[int, ...]) -> int:
        key = (op, k, args)
        node = self._hash.get(key)
        if node is None:
            node = self._next
            self._next += 1
            self.op[node], self.k[node], self.args[node] = op, k, args
            self._hash[key] = node
        return 2 * node

    def make_and(self, edges) -> int:
        """Edge of the AND of ``edges`` (constants folded, duplicates dropped, hashed)."""
        seen: set[int] = set()
        for e in edges:
            if e == TRUE:
                continue
            if e == FALSE or (e ^ 1) in seen:
                return FALSE
            seen.add(e)
        if not seen:
            return TRUE
        if len(seen) == 1:
            return seen.pop()
        return self._gate("and", 0, tuple(sorted(seen)))

    def make_or(self, edges) -> int:
        """Edge of the OR of ``edges`` (De Morgan: NOT AND of the complements)."""
        return self.make_and([e ^ 1 for e in edges]) ^ 1

    def make_xor(self, a: int, b: int) -> int:
        return self.make_or([self.make_and([a, b ^ 1]), self.make_and([a ^ 1, b])])

    def make_atleast(self, k: int, edges) -> int:
        """Edge of "at least ``k`` of ``edges`` are true" (an input may repeat: it counts twice)."""
        rest: list[int] = []
        for e in edges:
            if e == TRUE:
                k -= 1
            elif e != FALSE:
                rest.append(e)
        # x and NOT x: exactly one of the two is true
        count: dict[int, int] = {}
        for e in rest:
            count[e] = count.get(e, 0) + 1
        paired: list[int] = []
        for e in list(count):
            if e & 1 == 0 and (e ^ 1) in count:
                m = min(count[e], count[e ^ 1])
                count[e] -= m
                count[e ^ 1] -= m
                k -= m
        for e, c in count.items():
            paired.extend([e] * c)
        n = len(paired)
        if k <= 0:
            return TRUE
        if k > n:
            return FALSE
        if k == n:
            return self.make_and(paired)
        if k == 1:
            return self.make_or(paired)
        return self._gate("atleast", k, tuple(sorted(paired)))

    @classmethod
    def from_tree(cls, graph, top: str, house_states: Mapping[str, bool] | None = None,
                  coalesce: bool = True) -> "BooleanGraph":
        """Normalise the function of node ``top`` of ``graph`` (see the module docstring)."""
        from youzhi.fta.bdd import _children, _postorder

        if top not in graph:
            raise ModelError(f"fault tree: top event {top!r} is not in the graph")
        nodes = _postorder(graph, top)
        bg = cls([n for n in nodes if graph.nodes[n].get("kind") == "basic"])
        houses = dict(house_states or {})
        value: dict = {}
        for node in nodes:
            data = graph.nodes[node]
            kind = data.get("kind")
            if kind == "basic":
                value[node] = bg.variable(node)
            elif kind == "house":
                value[node] = TRUE if houses.get(node, data.get("state", False)) else FALSE
            elif kind == "gate":
                value[node] = bg._from_gate(node, data, [value[c] for c in _children(graph, node)])
            else:
                raise ModelError(f"fault tree: node {node!r} has kind {kind!r}; expected gate, basic or house")
        bg.root = value[top]
        if coalesce:
            for _ in range(8):
                before = bg.n_gates
                bg = bg.coalesced().factored()
                if bg.n_gates == before:
                    break
        return bg

    def _from_gate(self, name, data, kids: list[int]) -> int:
        op = data.get("op")
        if not kids:
            raise ModelError(f"fault tree: gate {name!r} has no input")
        if op == "and":
            return self.make_and(kids)
        if op == "or":
            return self.make_or(kids)
        if op == "nand":
            return self.make_and(kids) ^ 1
        if op == "nor":
            return self.make_or(kids) ^ 1
        if op == "not":
            return kids[0] ^ 1
        if op == "null":
            return kids[0]
        if op == "xor":
            acc = kids[0]
            for e in kids[1:]:
                acc = self.make_xor(acc, e)
            return acc
        if op == "iff":
            if len(kids) == 2:
                return self.make_xor(kids[0], kids[1]) ^ 1
            return self.make_or([self.make_and(kids), self.make_and([e ^ 1 for e in kids])])
        if op == "imply":
            if len(kids) != 2:
                raise ModelError(f"fault tree: imply gate {name!r} needs 2 inputs, got {len(kids)}")
            return self.make_or([kids[0] ^ 1, kids[1]])
        if op == "atleast":
            k = data.get("k")
            if isinstance(k, bool) or not isinstance(k, int) and not hasattr(k, "__index__") or k < 1:
                raise ModelError(f"fault tree: atleast gate {name!r} needs an integer k >= 1, got {k!r}")
            return self.make_atleast(int(k), kids)
        raise ModelError(f"fault tree: gate {name!r} has op {op!r}; expected one of and, or, atleast, not, "
                         "xor, nand, nor, iff, imply, null")

    # ------------------------------------------------------------------ traversal
    def gates(self) -> list[int]:
        """Gate nodes reachable from the root, children before parents."""
        out: list[int] = []
        if not self.is_gate(self.root >> 1):
            return out
        done: set[int] = set()
        stack = [(self.root >> 1, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                out.append(node)
                continue
            if node in done:
                continue
            done.add(node)
            stack.append((node, True))
            for e in reversed(self.args[node]):
                c = e >> 1
                if c in self.op and c not in done:
                    stack.append((c, False))
        return out

    def parents_count(self) -> dict[int, int]:
        """Number of reachable gates that take each node as an input."""
        count: dict[int, int] = {}
        for g in self.gates():
            for e in self.args[g]:
                count[e >> 1] = count.get(e >> 1, 0) + 1
        return count

    def coalesced(self) -> "BooleanGraph":
        """A copy where every AND input (regular edge) with a single parent AND is spliced in."""
        refs = self.parents_count()
        new = BooleanGraph(self.variables)
        mapped: dict[int, int] = {}
        splice: set[int] = set()   # new gate nodes that stand for a single-parent old gate

        def edge(e: int) -> int:
            n = e >> 1
            return mapped[n] ^ (e & 1) if n in self.op else e

        for g in self.gates():
            args = [edge(e) for e in self.args[g]]
            if self.op[g] == "and":
                flat: list[int] = []
                for e in args:
                    n = e >> 1
                    if not e & 1 and n in splice and new.op.get(n) == "and":
                        flat.extend(new.args[n])
                    else:
                        flat.append(e)
                out = new.make_and(flat)
            else:
                out = new.make_atleast(self.k[g], args)
            mapped[g] = out
            if refs.get(g, 0) <= 1 and new.is_gate(out >> 1):
                splice.add(out >> 1)
        new.root = edge(self.root)
        return new

    def factored(self) -> "BooleanGraph":
        """A copy where a common part of all the inputs of an AND or AT-LEAST gate is taken out.

        When every input is ``S AND L_i`` (the same gates or events ``S`` in each), the gate
        is ``S AND f(L_1, ..., L_n)``, since ``f`` is false when all its inputs are; when every
        input is ``NOT (S AND L_i)``, it is ``NOT S OR f(NOT L_1, ...)``, since ``f`` is true when
        all its inputs are (distributivity, and the decomposition of common nodes of SCRAM).
        A k-out-of-n vote over functions that share a big subtree then compiles that subtree
        once instead of in every term of the vote.
        """
        new = BooleanGraph(self.variables)
        mapped: dict[int, int] = {}

        def edge(e: int) -> int:
            n = e >> 1
            return mapped[n] ^ (e & 1) if n in self.op else e

        for g in self.gates():
            args = [edge(e) for e in self.args[g]]
            op, k = self.op[g], self.k[g]
            out = None
            pol = {e & 1 for e in args}
            if len(args) >= 2 and len(pol) == 1 and all(new.op.get(e >> 1) == "and" for e in args):
                common = set(new.args[args[0] >> 1])
                for e in args[1:]:
                    common &= set(new.args[e >> 1])
                if common:
                    rests = [new.make_and([a for a in new.args[e >> 1] if a not in common]) for e in args]
                    shared = new.make_and(sorted(common))
                    if pol == {0}:
                        inner = new.make_and(rests) if op == "and" else new.make_atleast(k, rests)
                        out = new.make_and([shared, inner])
                    else:
                        negs = [r ^ 1 for r in rests]
                        inner = new.make_and(negs) if op == "and" else new.make_atleast(k, negs)
                        out = new.make_or([shared ^ 1, inner])
            if out is None:
                out = new.make_and(args) if op == "and" else new.make_atleast(k, args)
            mapped[g] = out
        new.root = edge(self.root)
        return new

    def describe(self, e: int, depth: int = 3) -> str:
        """A readable formula for edge ``e`` (gates deeper than ``depth`` are named ``G<node>``)."""
        if e in (TRUE, FALSE):
            return "TRUE" if e == TRUE else "FALSE"
        n = e >> 1
        if n not in self.op:
            s = self.variables[n - 1]
            return "~" + s if e & 1 else s
        if depth <= 0:
            return ("~" if e & 1 else "") + f"G{n}"
        if self.op[n] == "and":
            if e & 1:
                return "or(" + ", ".join(self.describe(a ^ 1, depth - 1) for a in self.args[n]) + ")"
            return "and(" + ", ".join(self.describe(a, depth - 1) for a in self.args[n]) + ")"
        body = f"atleast{self.k[n]}(" + ", ".join(self.describe(a, depth - 1) for a in self.args[n]) + ")"
        return "~" + body if e & 1 else body
