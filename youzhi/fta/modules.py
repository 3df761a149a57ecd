"""Modular decomposition of a preprocessed fault tree (Dutuit and Rauzy's linear-time algorithm).

A *module* is a gate whose descendants are reached from the rest of the tree only through it:
it shares no basic event with the rest. Its function can be compiled into its own BDD and its
probability computed once; in its parent it is one variable whose probability is the module's
(exact: a module is independent of everything outside it).

Detection (Y. Dutuit, A. Rauzy, "A linear-time algorithm to find modules of fault trees",
IEEE Trans. Reliability 45, 1996). One depth-first traversal from the top numbers every visit
of every node. For a gate ``g`` let ``enter(g)`` and ``exit(g)`` be the dates its first visit
began and ended, and ``[low(g), high(g)]`` the span of the first and last visit dates of all
its descendants. ``g`` is a module iff ``enter(g) < low(g)`` and ``high(g) < exit(g)``: no
descendant is visited before or after the first traversal of ``g``.

Modular arguments (as SCRAM does it). An AND gate that is not itself splittable may still have
groups of inputs that together form a module: inputs whose descendants' visit spans lie inside
the gate's traversal and overlap no other input's span. Each such group of two or more inputs
(not all of them) becomes a new AND gate, which is a module. OR gates are complemented ANDs in
the :class:`~youzhi.fta.preprocess.BooleanGraph`, so they are split the same way.

Examples
--------
>>> import networkx as nx
>>> from youzhi.fta.preprocess import BooleanGraph
>>> g = nx.DiGraph()
>>> spec = {"top": ("and", ["g1", "g2", "g3"]), "g1": ("or", ["a", "b"]),
...         "g2": ("or", ["c", "d"]), "g3": ("or", ["a", "e"])}
>>> for name, (op, kids) in spec.items():
...     g.add_node(name, kind="gate", op=op)
...     for i, c in enumerate(kids):
...         g.add_node(c, **({} if c in spec else {"kind": "basic"}))
...         g.add_edge(name, c, index=i)
>>> bg = BooleanGraph.from_tree(g, "top")
>>> sorted(bg.describe(2 * m) for m in find_modules(bg))   # OR(c, d) is NOT AND(NOT c, NOT d)
['and(or(a, b), or(c, d), or(a, e))', 'and(~c, ~d)']
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from youzhi.errors import ComputationError, InputError
from youzhi.fta.fastbdd import MAX_NODES
from youzhi.fta.preprocess import BooleanGraph


def visit_dates(bg: BooleanGraph) -> tuple[dict, dict, dict, dict, dict]:
    """``(enter, exit, last, low, high)``: the Dutuit-Rauzy visit dates (see the module docstring).

    ``enter``/``last``: first and last visit of every node; ``exit``: end of the first
    traversal of a gate; ``low``/``high``: span of the visits of a gate's descendants.
    """
    enter: dict[int, int] = {}
    last: dict[int, int] = {}
    exit_: dict[int, int] = {}
    root = bg.root >> 1
    if not bg.is_gate(root):
        return enter, exit_, last, {}, {}
    t = 1
    enter[root] = last[root] = t
    finished: list[int] = []
    stack = [(root, iter(bg.args[root]))]
    while stack:
        node, it = stack[-1]
        e = next(it, None)
        t += 1
        if e is None:
            stack.pop()
            exit_[node] = last[node] = t   # revisits come later (no cycles)
            finished.append(node)
            continue
        c = e >> 1
        if c in enter:
            last[c] = t
        else:
            enter[c] = last[c] = t
            if bg.is_gate(c):
                stack.append((c, iter(bg.args[c])))
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    for g in finished:  # children before parents
        lo, hi = None, None
        for e in bg.args[g]:
            c = e >> 1
            a, b = enter[c], last[c]
            if c in low:
                a, b = min(a, low[c]), max(b, high[c])
            lo = a if lo is None or a < lo else lo
            hi = b if hi is None or b > hi else hi
        low[g], high[g] = lo, hi
    return enter, exit_, last, low, high


def find_modules(bg: BooleanGraph) -> set[int]:
    """Gate nodes that are modules (the top gate is one)."""
    enter, exit_, _, low, high = visit_dates(bg)
    return {g for g in low if enter[g] < low[g] and high[g] < exit_[g]}


def split_modular_arguments(bg: BooleanGraph) -> int:
    """Group the inputs of AND gates into new module gates where they can be; returns how many.

    Works in place on ``bg`` (new gates are added, inputs of existing gates replaced).
    """
    enter, exit_, last, low, high = visit_dates(bg)
    created = 0
    for g in list(low):
        if bg.op[g] != "and" or len(bg.args[g]) < 3:
            continue
        spans = []
        for e in bg.args[g]:
            c = e >> 1
            a, b = enter[c], last[c] if c not in low else max(last[c], high[c])
            inside = enter[g] < a and b < exit_[g]
            spans.append((a, b, e, inside))
        spans.sort()
        groups, current, end = [], [], -1
        for a, b, e, inside in spans:
            if current and a > end:
                groups.append(current)
                current = []
            current.append((e, inside))
            end = max(end, b)
        groups.append(current)
        if len(groups) < 2:
            continue
        new_args = []
        for grp in groups:
            if len(grp) >= 2 and all(inside for _, inside in grp):
                new_args.append(bg.make_and([e for e, _ in grp]))
                created += 1
            else:
                new_args.extend(e for e, _ in grp)
        if len(new_args) < len(bg.args[g]):
            bg.args[g] = tuple(sorted(new_args))
    return created


def merge_common_arguments(bg: BooleanGraph) -> int:
    """Group the basic events that have exactly the same parents into one new gate; returns how many.

    Basic-event inputs (same edge, so same polarity) with no other parent than the same set of
    AND gates, two or more of them, become one AND gate that replaces them in every parent:
    the function is the same, the new gate is a module (its inputs are reached only through
    it), and the variable ordering keeps them together. A simple case of SCRAM's "merging of
    common arguments". Works in place on ``bg``.
    """
    refs = bg.parents_count()
    parents: dict[int, list[int]] = {}
    for g in bg.gates():
        if bg.op[g] == "and":
            for e in bg.args[g]:
                parents.setdefault(e, []).append(g)
    groups: dict[tuple[int, ...], list[int]] = {}
    for e, ps in parents.items():
        if refs[e >> 1] == len(ps) and not bg.is_gate(e >> 1):
            groups.setdefault(tuple(ps), []).append(e)
    created = 0
    for ps, edges in groups.items():
        if len(edges) < 2 or any(len(bg.args[g]) == len(edges) for g in ps):
            continue
        merged, drop = bg.make_and(edges), set(edges)
        for g in ps:
            bg.args[g] = tuple(sorted([a for a in bg.args[g] if a not in drop] + [merged]))
        created += 1
    return created


def module_tree(bg: BooleanGraph, modules: set[int]) -> list[tuple[int, list[int]]]:
    """``[(module, internal gates children-first)]`` for every module, sub-modules first.

    The internal gates of a module are the gates reached from it without entering another
    module; the top gate comes last.
    """
    out: list[tuple[int, list[int]]] = []
    placed: set[int] = set()
    for m in bg.gates():  # children before parents: a sub-module is finished before its parent
        if m not in modules or m in placed:
            continue
        internal: list[int] = []
        seen: set[int] = set()
        stack = [(m, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                internal.append(node)
                continue
            if node in seen:  # marked when expanded, not when pushed: children always first
                continue
            seen.add(node)
            stack.append((node, True))
            for e in reversed(bg.args[node]):
                c = e >> 1
                if bg.is_gate(c) and c not in modules and c not in seen:
                    stack.append((c, False))
        placed.add(m)
        out.append((m, internal))
    return out


def _support_sizes(bg: BooleanGraph) -> dict[int, int]:
    """Number of basic events under every gate."""
    under: dict[int, set] = {}
    for g in bg.gates():
        s: set[int] = set()
        for e in bg.args[g]:
            c = e >> 1
            if bg.is_gate(c):
                s |= under[c]
            else:
                s.add(c)
        under[g] = s
    return {g: len(s) for g, s in under.items()}


ORDERINGS = ("size-up", "topological", "size-down", "shared-first")


def module_order(bg: BooleanGraph, module: int, modules: set[int], size: dict[int, int],
                 refs: dict[int, int], ordering: str = "size-up") -> list[int]:
    """Variable order of one module: basic-event nodes and sub-module gates (its proxies).

    Depth-first from the module's gate, as SCRAM's topological order: at each gate its
    sub-gates first, then its own variables and sub-modules, so that the events of one
    subtree sit together. ``ordering`` sorts the inputs of a gate: ``size-up`` smaller
    supports first, ``size-down`` larger first, ``shared-first`` most parents first,
    ``topological`` by node number (construction order).
    """
    order: list[int] = []
    seen: set[int] = set()
    sign = {"size-up": 1, "size-down": -1}.get(ordering, 0)
    if ordering not in ORDERINGS:
        raise InputError(f"ordering: expected one of {', '.join(ORDERINGS)}, got {ordering!r}")

    def weight(e: int) -> tuple[int, int]:
        c = e >> 1
        if ordering == "shared-first":
            return (-refs.get(c, 0), e)
        return (sign * size.get(c, 1), e)

    stack: list[tuple[int, bool]] = [(module, False)]
    while stack:
        g, done = stack.pop()
        if done:
            for e in sorted(bg.args[g], key=weight):
                c = e >> 1
                if (not bg.is_gate(c) or c in modules) and c not in seen:
                    seen.add(c)
                    order.append(c)
            continue
        if g in seen:
            continue
        seen.add(g)
        stack.append((g, True))
        inner = [e >> 1 for e in sorted(bg.args[g], key=weight) if bg.is_gate(e >> 1) and (e >> 1) not in modules]
        for c in reversed(inner):
            if c not in seen:
                stack.append((c, False))
    return order


class ModularBdd:
    """The top event as one BDD per module (preprocessed graph, :class:`ArrayBdd` manager).

    Build it with :meth:`from_tree`. It answers what :class:`youzhi.fta.bdd.Bdd` answers for
    quantification (probability, many probability vectors, Birnbaum importance, conditional
    probabilities) with the same meaning; a module's probability is computed once and used
    as a variable's in its parents (exact: modules are independent of the rest).

    Attributes
    ----------
    variables : tuple of str
        Basic events under the top (every one, also those the function no longer depends on).
    n_modules : int
        Modules, the top included.
    n_nodes : int
        BDD nodes of all modules, the terminal included.
    ordering : str
        The variable-order heuristic used (one of :data:`ORDERINGS`).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> spec = {"top": ("and", ["g1", "g2"]), "g1": ("or", ["a", "b"]), "g2": ("or", ["c", "d"])}
    >>> for name, (op, kids) in spec.items():
    ...     g.add_node(name, kind="gate", op=op)
    ...     for i, c in enumerate(kids):
    ...         g.add_node(c, **({} if c in spec else {"kind": "basic"}))
    ...         g.add_edge(name, c, index=i)
    >>> bdd = ModularBdd.from_tree(g, "top")
    >>> bdd.n_modules                       # top, OR(a, b), OR(c, d)
    3
    >>> p = dict(a=0.1, b=0.2, c=0.3, d=0.4)
    >>> round(bdd.probability(p), 6)        # (1 - 0.9 * 0.8) * (1 - 0.7 * 0.6)
    0.1624
    >>> {k: round(v, 4) for k, v in bdd.birnbaum(p).items()}
    {'a': 0.464, 'b': 0.522, 'c': 0.168, 'd': 0.196}
    """

    def __init__(self, variables, arrays, n_ext: int) -> None:
        self.variables = tuple(variables)
        self._index = {name: i for i, name in enumerate(self.variables)}
        self._arrays = arrays      # var, high, low, start, end, root, col
        self._n_ext = int(n_ext)

    @classmethod
    def from_tree(cls, graph, top: str, house_states=None, max_nodes: int = MAX_NODES,
                  decompose: bool = True, ordering: str | None = None) -> "ModularBdd":
        """Preprocess, decompose into modules (unless ``decompose=False``), compile each module.

        ``ordering`` (one of :data:`ORDERINGS`) fixes the variable-order heuristic; by default
        each is tried with a budget of 250,000 nodes, and if none fits, the one that got
        furthest through the gates (on a tie, the later in :data:`ORDERINGS`) is resumed with
        ``max_nodes``.
        """
        prep = _Prepared(graph, top, house_states, decompose)
        mgr, levels, roots, starts, cols, used = _portfolio(prep, ordering, max_nodes)
        nodes = mgr.reachable(roots)
        var, high, low, root = mgr.compact(nodes, roots)
        if levels:
            var = np.asarray(levels, np.int64)[var]
        var[0] = 0
        bounds = np.searchsorted(nodes, np.asarray(starts + [mgr.n_nodes], np.int64))
        arrays = (var, high, low, bounds[:-1].copy(), bounds[1:].copy(), root, np.asarray(cols, np.int64))
        out = cls(prep.names, arrays, len(prep.names) + max(len(prep.tree), 1))
        out.ordering = used
        return out

    @property
    def n_modules(self) -> int:
        return int(len(self._arrays[3]))

    @property
    def n_nodes(self) -> int:
        return int(len(self._arrays[0]))

    def _vector(self, p) -> tuple[np.ndarray, np.ndarray]:
        """``(p_ext, q_ext)``: the basic events' probabilities and their complements."""
        out = np.zeros(self._n_ext)
        for j, name in enumerate(self.variables):
            try:
                v = float(p[name])
            except KeyError:
                raise InputError(f"probabilities: no value for basic event {name!r}") from None
            if not 0.0 <= v <= 1.0:
                raise InputError(f"probabilities[{name!r}]: must be in [0, 1], got {v!r}")
            out[j] = v
        q = 1.0 - out
        return out, q

    def probability(self, p) -> float:
        """Exact top-event probability for independent basic events with probabilities ``p``."""
        from youzhi.fta import _kernels

        return float(_kernels.modular_probability(*self._arrays, *self._vector(p)))

    def probability_many(self, P: np.ndarray) -> np.ndarray:
        """Top-event probability for each row of ``P`` (columns in :attr:`variables` order)."""
        from youzhi.fta import _kernels

        P = np.ascontiguousarray(P, dtype=float)
        if P.ndim != 2 or P.shape[1] != len(self.variables):
            raise InputError(f"P: expected shape (n, {len(self.variables)}), got {P.shape}")
        if P.size and not (np.all(P >= 0.0) and np.all(P <= 1.0)):
            raise InputError("P: probabilities must be in [0, 1] (and not NaN)")
        return _kernels.modular_probability_many(*self._arrays, P, self._n_ext)

    def probability_and_birnbaum(self, p) -> tuple[float, np.ndarray]:
        """``(P(top), B)`` with ``B[j] = dP(top)/dp_j`` for :attr:`variables` (chain rule)."""
        from youzhi.fta import _kernels

        top, b = _kernels.modular_birnbaum(*self._arrays, *self._vector(p))
        return float(top), b[:len(self.variables)].copy()

    def birnbaum(self, p) -> dict[str, float]:
        """Birnbaum importance ``P(top | e) - P(top | not e)`` of every basic event (exact)."""
        _, b = self.probability_and_birnbaum(p)
        return {name: float(b[j]) for j, name in enumerate(self.variables)}

    def conditional(self, p, event: str, state: bool) -> float:
        """``P(top | event = state)``."""
        if event not in self._index:
            raise InputError(f"event: {event!r} is not a basic event of this tree")
        q = dict(p)
        q[event] = 1.0 if state else 0.0
        return self.probability(q)

    def __repr__(self) -> str:
        return f"ModularBdd(variables={len(self.variables)}, modules={self.n_modules}, nodes={self.n_nodes})"


_TRIAL_NODES = 250_000


class _Prepared:
    """The preprocessed, decomposed graph of a top event, ready to compile with an ordering."""

    def __init__(self, graph, top, house_states, decompose: bool, bg: BooleanGraph | None = None) -> None:
        from youzhi.fta.bdd import dfs_variable_order

        if bg is None:
            bg = BooleanGraph.from_tree(graph, top, house_states)
        self.names = list(dfs_variable_order(graph, top))
        self.col = {name: j for j, name in enumerate(self.names)}
        root = bg.root >> 1
        if bg.is_gate(root):
            if decompose:
                merge_common_arguments(bg)
                split_modular_arguments(bg)
            self.modules = find_modules(bg) if decompose else {root}
            self.tree = module_tree(bg, self.modules)
        else:
            self.modules, self.tree = set(), []
        self.bg = bg
        self.size = _support_sizes(bg)
        self.refs = bg.parents_count()
        self.n_gates = sum(len(internal) for _, internal in self.tree)

    def steps(self, ordering: str, max_nodes: int, limits: tuple | None = None):
        """Generator compiling every module into one manager; it returns ``(manager, levels,
        roots, starts, cols)``, ``levels[l]`` the column (basic event, or module proxy) at level ``l``.

        When the manager is full it yields ``(progress, manager)``; once resumed it tries the
        same step again if the caller raised ``manager.max_nodes``, else raises the manager's
        :class:`~youzhi.errors.ComputationError`. Progress is the fraction of the gates done.

        ``limits`` = ``(max_count, weights, budget)`` (an undecomposed graph only; see
        :meth:`ArrayBdd.at_most`, weights by basic-event name or None) compiles, instead of the
        top event ``f``, ``f AND A`` with ``A = at_most(...)`` (whose nodes ``max_nodes`` does not
        count, so that ordering trials compare the gates' growth). A gate whose BDD took more than
        :data:`_LIMIT_AFTER` new nodes is replaced by its AND with ``A``: a function that equals
        it wherever ``A`` holds, so every gate above does too, whatever its connective.
        """
        from youzhi.fta.fastbdd import ArrayBdd

        bg, modules, tree, names, col = self.bg, self.modules, self.tree, self.names, self.col
        module_col = {m: len(names) + i for i, (m, _) in enumerate(tree)}
        levels: list[int] = []
        level_of: dict[int, int] = {}
        for m, _ in reversed(tree):  # top module first (any interleaving of modules is valid)
            for node in module_order(bg, m, modules, self.size, self.refs, ordering):
                level_of[node] = len(levels)
                levels.append(module_col[node] if node in modules else col[bg.variables[node - 1]])
        mgr = ArrayBdd(max(len(levels), 1), max_nodes=max_nodes)
        allowed = None
        if limits is not None and tree:
            count, weight, budget = limits
            w = None if weight is None else [weight[names[c]] for c in levels]
            room, mgr.max_nodes = mgr.max_nodes, max(mgr.max_nodes, MAX_NODES)
            allowed = mgr.at_most(count, w, budget)
            mgr.max_nodes = room + mgr.n_nodes  # the limits' own nodes do not count against max_nodes

        def gate(g: int, value: dict) -> int:
            before = mgr.n_nodes
            edges = [(value[e >> 1] if e >> 1 in value else mgr.variable(level_of[e >> 1])) ^ (e & 1)
                     for e in bg.args[g]]
            f = mgr.and_all(edges) if bg.op[g] == "and" else mgr.atleast(bg.k[g], edges)
            if allowed is not None and mgr.n_nodes - before > _LIMIT_AFTER:
                f = mgr.apply_and(f, allowed)
            return f

        roots, cols, starts = [], [], []
        done = 0
        for m, internal in tree:
            starts.append(mgr.n_nodes)
            value: dict[int, int] = {}
            for g in internal:
                value[g] = yield from _retrying(mgr, done / max(self.n_gates, 1), lambda: gate(g, value))
                done += 1
            roots.append(value[m])
            cols.append(module_col[m])
        if tree:
            roots[-1] ^= bg.root & 1
            if allowed is not None:
                top = roots[-1]
                roots[-1] = yield from _retrying(mgr, 1.0, lambda: mgr.apply_and(top, allowed))
        else:  # the top is a constant or one (possibly complemented) event
            e = bg.root
            if e >> 1:
                levels = [col[bg.variables[(e >> 1) - 1]]]
                e = mgr.variable(0) ^ (e & 1)
            starts, roots, cols = [1], [e], [len(names)]
        return mgr, levels, roots, starts, cols


# a gate built within cut-set limits is conjoined with them once it took more new nodes than this
_LIMIT_AFTER = 1000


def _retrying(mgr, progress: float, compute):
    """``compute()``; when ``mgr`` is full, yield ``(progress, mgr)`` and try again if the caller
    raised ``mgr.max_nodes`` meanwhile, else re-raise (``yield from`` it in a build generator)."""
    while True:
        try:
            return compute()
        except ComputationError:
            room = mgr.max_nodes
            yield progress, mgr
            if mgr.max_nodes <= room:
                raise


def _portfolio(prep: _Prepared, ordering: str | None, max_nodes: int, limits: tuple | None = None):
    """Build with ``ordering``, or try each of :data:`ORDERINGS` within a small node budget and
    finish, with ``max_nodes``, the one that got furthest (:meth:`_Prepared.steps`, which
    ``limits`` go to)."""
    if ordering is not None:
        return (*_finish(prep.steps(ordering, max_nodes, limits)), ordering)
    best = None  # (progress, name, manager, paused build); ties go to the later ordering
    for name in ORDERINGS:
        steps = prep.steps(name, min(_TRIAL_NODES, max_nodes), limits)
        try:
            progress, mgr = next(steps)
        except StopIteration as stop:
            return (*stop.value, name)
        if best is None or progress >= best[0]:
            best = (progress, name, mgr, steps)
        del mgr, steps  # a trial that is not the best is freed before the next one starts
    if max_nodes <= _TRIAL_NODES:
        raise ComputationError(f"BDD: more than {max_nodes} nodes (max_nodes) with every variable ordering - "
                               "raise max_nodes to allow more memory")
    _, best, mgr, steps = best
    mgr.max_nodes += max_nodes - _TRIAL_NODES  # (keeps what steps added for the limits)
    return (*_finish(steps), best)


def _finish(steps):
    """Run a :meth:`_Prepared.steps` generator to its end; its result."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def whole_bdd(graph, top: str, house_states=None, max_nodes: int = MAX_NODES):
    """The un-decomposed top event as a :class:`youzhi.fta.bdd.Bdd` (for cut sets), built fast.

    The graph is preprocessed and compiled by the array manager with the ordering heuristics
    of :class:`ModularBdd` (:func:`whole_bdd_arrays`), then handed over to the pure-Python
    manager, whose ``variables`` are in BDD order (the events the function does not depend on
    come last).
    """
    from youzhi.fta.bdd import Bdd

    return Bdd.from_arrays(*whole_bdd_arrays(graph, top, house_states, max_nodes), max_nodes=max_nodes)


def whole_bdd_arrays(graph, top: str, house_states=None, max_nodes: int = MAX_NODES, *,
                     max_order: int | None = None, cutoff: float | None = None,
                     probabilities: Mapping[str, float] | None = None, ordering: str | None = None,
                     boolean_graph: BooleanGraph | None = None):
    """``(variables, level, high, low, root)``: the un-decomposed top event compiled by the array
    manager, its nodes compacted (node 0 the terminal, children first, ``level`` indexing
    ``variables``, which are in BDD order with the events the function does not depend on last).

    With ``max_order`` or ``cutoff`` (and ``probabilities``) the BDD is of ``top AND limits``
    (:func:`cut_set_limits`), not of the top event. It has the same minimal cut sets within the
    limits (and some just beyond a cut-off: filter them), and it can be far smaller, as can the
    gates' BDDs on the way. nus9601, whose BDD passes 30 million nodes, has its cut sets of
    order <= 4 in one of a few thousand. Use it for cut sets only. ``ordering`` (one of
    :data:`ORDERINGS`) fixes the variable-order heuristic (default: the best of them).
    ``boolean_graph``: ``BooleanGraph.from_tree(graph, top, house_states)`` when the caller
    already has it (it is read, not changed).
    """
    prep = _Prepared(graph, top, house_states, decompose=False, bg=boolean_graph)
    limits = None
    if max_order is not None or cutoff is not None:
        limits = cut_set_limits(prep.names, max_order, cutoff, probabilities)
    mgr, levels, roots, _, _, _ = _portfolio(prep, ordering, max_nodes, limits)
    nodes = mgr.reachable(roots)
    level, high, low, root = mgr.compact(nodes, roots)
    in_order = [prep.names[c] for c in levels]
    rest = [name for name in prep.names if name not in set(in_order)]
    return tuple(in_order + rest), level, high, low, int(root[0])


_CUTOFF_STEPS = 64


def cut_set_limits(names, max_order: int | None, cutoff: float | None,
                   probabilities: Mapping[str, float] | None) -> tuple | None:
    """``(max_count, weights, budget)`` for :meth:`ArrayBdd.at_most`: at most ``max_order``
    events, and a product of probabilities of at least ``cutoff``, loosened to integers (None
    when neither limits anything).

    An event's weight is ``-ln p`` in steps of ``-ln(cutoff) / 64``, rounded down, so every
    set with probability ``>= cutoff`` is within the budget of 64 (a set a little below the
    cut-off may be too: the caller filters exactly). An event with ``p < cutoff`` weighs more
    than the budget.

    Examples
    --------
    >>> cut_set_limits(["a", "b"], 1, 1e-4, {"a": 0.01, "b": 0.5})
    (1, {'a': 31, 'b': 4}, 64)
    """
    if max_order is not None and max_order >= len(names):
        max_order = None  # no set is longer
    if cutoff is None or cutoff <= 0.0:
        return None if max_order is None else (max_order, None, 0)
    over = _CUTOFF_STEPS + 1
    if cutoff >= 1.0:
        return max_order, {e: 0 if probabilities[e] >= 1.0 else over for e in names}, 0
    step = -math.log(cutoff) / _CUTOFF_STEPS
    weights = {}
    for e in names:
        p = float(probabilities[e])
        if p < cutoff:
            weights[e] = over
        else:
            weights[e] = max(0, math.floor(-math.log(p) / step - 1e-9)) if p < 1.0 else 0
    return max_order, weights, _CUTOFF_STEPS
