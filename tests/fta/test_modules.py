"""Preprocessing, modular decomposition and the modular BDD against brute-force enumeration.

The truth is tests/fta/_random_trees.py: every state of the basic events, each connective by
its textbook definition, nothing from youzhi.fta's analysis code.
"""

from unittest import mock

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fta._random_trees import brute_probability, trees, truth
from youzhi.fta import _kernels, modules
from youzhi.fta.modules import (
    ModularBdd,
    find_modules,
    merge_common_arguments,
    module_tree,
    split_modular_arguments,
)
from youzhi.fta.preprocess import BooleanGraph

SETTINGS = settings(max_examples=200, deadline=None)


def _graph_truth(bg, names):
    """Truth table of a BooleanGraph edge over all states of ``names`` (test-side evaluator)."""
    from tests.fta._random_trees import states

    S = states(names)
    col = {i + 1: S[:, names.index(v)] for i, v in enumerate(bg.variables)}
    memo = {0: np.ones(len(S), bool)}

    def val(e):
        n = e >> 1
        if n not in memo:
            if n in col:
                memo[n] = col[n]
            else:
                xs = [val(a) for a in bg.args[n]]
                cnt = np.sum(xs, axis=0)
                memo[n] = cnt == len(xs) if bg.op[n] == "and" else cnt >= bg.k[n]
        return ~memo[n] if e & 1 else memo[n]

    return val(bg.root)


@SETTINGS
@given(trees(max_events=6, max_gates=8))
def test_preprocessed_graph_keeps_the_function(case):
    g, top, probs, houses = case
    names = sorted(probs)
    expected = truth(g, top, names, houses)
    bg = BooleanGraph.from_tree(g, top, houses)
    assert np.array_equal(_graph_truth(bg, names), expected)
    merge_common_arguments(bg)
    assert np.array_equal(_graph_truth(bg, names), expected)
    split_modular_arguments(bg)
    assert np.array_equal(_graph_truth(bg, names), expected)


@SETTINGS
@given(trees(max_events=7, max_gates=9))
def test_modules_share_no_event_with_the_rest(case):
    g, top, probs, houses = case
    bg = BooleanGraph.from_tree(g, top, houses)
    if not bg.is_gate(bg.root >> 1):
        return
    merge_common_arguments(bg)
    split_modular_arguments(bg)
    modules = find_modules(bg)
    assert bg.root >> 1 in modules

    def below(node, stop_at_modules=False):
        out, stack = set(), [node]
        while stack:
            n = stack.pop()
            for e in bg.args.get(n, ()):
                c = e >> 1
                if c not in out:
                    out.add(c)
                    if bg.is_gate(c) and not (stop_at_modules and c in modules):
                        stack.append(c)
        return out

    everything = below(bg.root >> 1)
    for m in modules - {bg.root >> 1}:
        inside = below(m)
        # every path into the module's interior goes through the module gate
        for gate in everything - inside - {m}:
            if bg.is_gate(gate):
                assert not (set(e >> 1 for e in bg.args[gate]) & inside), (m, gate)
    assert [m for m, _ in module_tree(bg, modules)][-1] == bg.root >> 1


@SETTINGS
@given(trees(max_events=7, max_gates=9))
def test_modular_probability_and_birnbaum_equal_enumeration(case):
    g, top, probs, houses = case
    bdd = ModularBdd.from_tree(g, top, house_states=houses)
    assert bdd.probability(probs) == pytest.approx(brute_probability(g, top, probs, houses), abs=1e-12)
    b = bdd.birnbaum(probs)
    for e in bdd.variables:
        p1 = brute_probability(g, top, probs, houses, fixed={e: True})
        p0 = brute_probability(g, top, probs, houses, fixed={e: False})
        assert b[e] == pytest.approx(p1 - p0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(trees(coherent=True, max_events=7, max_gates=9), st.integers(0, 2**32 - 1))
def test_modular_kernels_and_python_twins(case, seed):
    g, top, probs, houses = case
    bdd = ModularBdd.from_tree(g, top, house_states=houses)
    rng = np.random.default_rng(seed)
    P = rng.random((70, len(bdd.variables)))
    many = bdd.probability_many(P)
    for row, value in zip(P[:5], many[:5]):
        q = dict(zip(bdd.variables, row))
        assert value == pytest.approx(brute_probability(g, top, {**probs, **q}, houses), abs=1e-12)
        p_ext, q_ext = bdd._vector(q)
        assert _kernels.modular_probability_py(*bdd._arrays, p_ext, q_ext) == pytest.approx(value, abs=1e-12)
    p_ext, q_ext = bdd._vector(dict(zip(bdd.variables, P[0])))
    top_p, b_p = _kernels.modular_birnbaum_py(*bdd._arrays, p_ext.copy(), q_ext.copy())
    top_k, b_k = _kernels.modular_birnbaum(*bdd._arrays, p_ext.copy(), q_ext.copy())
    assert top_p == pytest.approx(top_k, abs=1e-12)
    np.testing.assert_allclose(b_p, b_k, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(trees(max_events=6, max_gates=8), st.sampled_from(["size-up", "topological", "size-down", "shared-first"]))
def test_every_ordering_and_the_undecomposed_bdd_agree(case, ordering):
    g, top, probs, houses = case
    expected = brute_probability(g, top, probs, houses)
    for decompose in (True, False):
        bdd = ModularBdd.from_tree(g, top, house_states=houses, ordering=ordering, decompose=decompose)
        assert bdd.probability(probs) == pytest.approx(expected, abs=1e-12)


def test_tiny_probabilities_keep_their_digits():
    # OR of 20 events of 1e-15 each through complement edges: 1 - (1 - 1e-15)^20 = 2e-14 - ...
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="or")
    g.add_node("mid", kind="gate", op="and")
    for i in range(20):
        g.add_node(f"e{i}", kind="basic")
        g.add_edge("top", f"e{i}", index=i)
    g.add_edge("top", "mid", index=20)
    for i, e in enumerate(("e0", "x")):
        g.add_node(e, kind="basic")
        g.add_edge("mid", e, index=i)
    p = {f"e{i}": 1e-15 for i in range(20)} | {"x": 0.5}
    exact = -np.expm1(20 * np.log1p(-1e-15))   # e0 AND x adds nothing (absorbed by e0)
    assert ModularBdd.from_tree(g, "top").probability(p) == pytest.approx(exact, rel=1e-12)


def _spec_graph(spec: dict) -> nx.DiGraph:
    """A fault-tree graph from ``{gate: (op, inputs)}``; inputs that are not gates are basic events."""
    g = nx.DiGraph()
    for name, (op, kids) in spec.items():
        g.add_node(name, kind="gate", op=op)
        for i, c in enumerate(kids):
            g.add_node(c, **({} if c in spec else {"kind": "basic"}))
            g.add_edge(name, c, index=i)
    return g


def test_independent_subtrees_become_modules():
    # top = AND(OR(a, b), OR(c, d), OR(a, e)): OR(c, d) shares nothing -> a module; the
    # AND of the two OR gates that share a is grouped into a new module gate
    spec = {"top": ("and", ["g1", "g2", "g3", "f"]), "g1": ("or", ["a", "b"]), "g2": ("or", ["c", "d"]),
            "g3": ("or", ["a", "e"])}
    g = _spec_graph(spec)
    bdd = ModularBdd.from_tree(g, "top")
    assert bdd.n_modules == 3   # top, OR(c, d), AND(OR(a, b), OR(a, e))
    p = dict(a=0.1, b=0.2, c=0.3, d=0.4, e=0.5, f=0.6)
    assert bdd.probability(p) == pytest.approx(brute_probability(g, "top", p), abs=1e-15)


def test_events_with_the_same_parents_are_merged_into_a_module():
    # c and d are inputs of g1 and g2 only: OR(c, d) becomes one module shared by both; a is
    # also an input of g3, so it stays where it is
    spec = {"top": ("and", ["g1", "g2", "g3"]), "g1": ("or", ["a", "c", "d"]), "g2": ("or", ["b", "c", "d"]),
            "g3": ("or", ["a", "b", "e"])}
    g = _spec_graph(spec)
    bg = BooleanGraph.from_tree(g, "top")
    assert merge_common_arguments(bg) == 1
    assert {bg.describe(2 * m) for m in find_modules(bg)} == {
        "and(or(a, or(c, d)), or(b, or(c, d)), or(a, b, e))", "and(~c, ~d)"}
    p = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4, "e": 0.5}
    bdd = ModularBdd.from_tree(g, "top")
    assert bdd.n_modules == 2
    assert bdd.probability(p) == pytest.approx(brute_probability(g, "top", p), abs=1e-15)


@pytest.mark.parametrize("name", ["das9209.xml", "isp9602.xml", "edf9206.xml"])
def test_birnbaum_through_modules_equals_the_undecomposed_bdd(shared_data, name):
    # das9209: 44 modules; the chain rule through them against the pure-Python un-decomposed
    # BDD (youzhi.fta.bdd, static DFS order), which shares no code with the modular path
    from youzhi.fta import mef
    from youzhi.fta.bdd import Bdd

    path = shared_data / "fta" / "Aralia" / name
    if not path.exists():
        pytest.skip("Aralia set absent")
    tree = mef.read_model(path)
    p = tree.probabilities()
    modular = ModularBdd.from_tree(tree.graph, tree.top, house_states=tree.house_events)
    assert modular.n_modules > 10
    whole = Bdd.from_tree(tree.graph, tree.top, house_states=tree.house_events)
    P, B = modular.probability_and_birnbaum(p)
    P0, B0 = whole.probability_and_birnbaum(p)
    assert P == pytest.approx(P0, rel=1e-9)
    # atol: the pure-Python BDD reads a complement edge as 1 - P, exact to about 1e-16 absolute
    np.testing.assert_allclose(B, B0, rtol=1e-7, atol=2e-16)


def test_array_manager_grows_and_refuses_past_max_nodes():
    # atleast 10 of 20 from a 16-node start: the arrays and the unique table double many times;
    # the reduced BDD of a symmetric function has k (n - k + 1) = 110 internal nodes (Bryant 1986)
    import math

    from youzhi.errors import ComputationError
    from youzhi.fta.fastbdd import ArrayBdd

    m = ArrayBdd(20, capacity=16)
    f = m.atleast(10, [m.variable(i) for i in range(20)])
    assert m.size(f) - 1 == 110
    exact = sum(math.comb(20, j) for j in range(10, 21)) / 2**20
    assert m.probability(f, [0.5] * 20) == pytest.approx(exact, rel=1e-13)
    small = ArrayBdd(20, max_nodes=64, capacity=16)
    with pytest.raises(ComputationError, match="max_nodes"):
        small.atleast(10, [small.variable(i) for i in range(20)])
    small = ArrayBdd(20, max_nodes=64)  # the default capacity is larger than the limit
    with pytest.raises(ComputationError, match="max_nodes"):
        small.atleast(10, [small.variable(i) for i in range(20)])


@pytest.mark.parametrize("op,k,negated", [("atleast", 2, True), ("atleast", 2, False), ("and", None, True)])
def test_common_part_of_every_input_is_factored_out(op, k, negated):
    # vote (or AND) over three gates that all hold the shared subtree s = OR(x, y): the
    # factored graph keeps the function (brute force) and holds s once, outside the vote
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op=op, **({"k": k} if k else {}))
    g.add_node("s", kind="gate", op="or")
    for e in ("x", "y", "a", "b", "c"):
        g.add_node(e, kind="basic")
    g.add_edge("s", "x", index=0)
    g.add_edge("s", "y", index=1)
    for i, e in enumerate(("a", "b", "c")):
        name = f"t{i}"
        g.add_node(name, kind="gate", op="nand" if negated else "and")
        g.add_edge(name, "s", index=0)
        g.add_edge(name, e, index=1)
        g.add_edge("top", name, index=i)
    probs = dict(x=0.1, y=0.2, a=0.3, b=0.4, c=0.5)
    bg = BooleanGraph.from_tree(g, "top")
    names = sorted(probs)
    assert np.array_equal(_graph_truth(bg, names), truth(g, "top", names))
    shared = [n for n in bg.gates() if sorted(bg.args[n]) in ([2, 4], [3, 5])]  # the two x/y edges
    refs = bg.parents_count()
    assert len(shared) == 1 and refs[shared[0]] == 1
    assert ModularBdd.from_tree(g, "top").probability(probs) == pytest.approx(
        brute_probability(g, "top", probs), abs=1e-15)


@SETTINGS
@given(st.integers(1, 7).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 5), min_size=n, max_size=n), st.none() | st.integers(0, n),
    st.integers(0, 12), st.booleans())))
def test_at_most_is_the_count_and_weight_limit(case):
    # P(at_most) against the sum over every state within both limits
    from tests.fta._random_trees import states
    from youzhi.fta.fastbdd import ArrayBdd

    weights, count, budget, weighted = case
    n = len(weights)
    p = np.array([0.1 + 0.1 * j for j in range(n)])
    m = ArrayBdd(n)
    f = m.at_most(count, weights if weighted else None, budget)
    S = states(list(range(n)))
    ok = np.ones(len(S), bool) if count is None else S.sum(axis=1) <= count
    if weighted:
        ok &= S @ np.array(weights) <= budget
    expected = np.prod(np.where(S, p, 1 - p), axis=1)[ok].sum()
    assert m.probability(f, p) == pytest.approx(expected, abs=1e-12)


def test_ordering_trials_do_not_count_the_limits_nodes():
    # the limits (at most 3 of 300 events, a cut-off) take 1,189 nodes and the gates 1,289 more:
    # within a trial budget of 1,500 every trial used to stall, and the last ordering was
    # resumed; now the limits are not counted, and the first ordering's trial finishes
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="or")
    for i in range(100):
        g.add_node(f"g{i}", kind="gate", op="and")
        g.add_edge("top", f"g{i}", index=i)
        for j in range(3):
            g.add_node(f"e{i}_{j}", kind="basic")
            g.add_edge(f"g{i}", f"e{i}_{j}", index=j)
    probs = {n: 0.01 for n, d in g.nodes(data=True) if d["kind"] == "basic"}
    prep = modules._Prepared(g, "top", None, decompose=False)
    limits = modules.cut_set_limits(prep.names, 3, 1e-6, probs)
    with mock.patch.object(modules, "_TRIAL_NODES", 1500):
        *_, ordering = modules._portfolio(prep, None, 10**6, limits)
    assert ordering == modules.ORDERINGS[0]
