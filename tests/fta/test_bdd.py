"""The BDD against brute-force enumeration of every state of random fault trees."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fta._random_trees import brute_probability, trees
from youzhi.errors import ComputationError, InputError, ModelError
from youzhi.fta import _kernels
from youzhi.fta.bdd import Bdd

SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(trees())
def test_probability_equals_enumeration(case):
    g, top, probs, houses = case
    bdd = Bdd.from_tree(g, top, house_states=houses)
    assert bdd.probability(probs) == pytest.approx(brute_probability(g, top, probs, houses), abs=1e-12)


@SETTINGS
@given(trees(), st.randoms(use_true_random=False))
def test_any_variable_order_gives_the_same_probability(case, rnd):
    g, top, probs, houses = case
    bdd = Bdd.from_tree(g, top, house_states=houses)
    order = list(bdd.variables)
    rnd.shuffle(order)
    other = Bdd.from_tree(g, top, house_states=houses, order=order)
    assert other.variables == tuple(order)
    assert other.probability(probs) == pytest.approx(bdd.probability(probs), abs=1e-12)


@SETTINGS
@given(trees())
def test_birnbaum_and_conditionals_by_conditioning(case):
    g, top, probs, houses = case
    bdd = Bdd.from_tree(g, top, house_states=houses)
    b = bdd.birnbaum(probs)
    for e in bdd.variables:
        p1 = brute_probability(g, top, probs, houses, fixed={e: True})
        p0 = brute_probability(g, top, probs, houses, fixed={e: False})
        assert b[e] == pytest.approx(p1 - p0, abs=1e-12)
        assert bdd.conditional(probs, e, True) == pytest.approx(p1, abs=1e-12)
        assert bdd.conditional(probs, e, False) == pytest.approx(p0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(trees(), st.integers(0, 2**32 - 1))
def test_probability_many_kernel_and_python_twins(case, seed):
    g, top, probs, houses = case
    bdd = Bdd.from_tree(g, top, house_states=houses)
    rng = np.random.default_rng(seed)
    P = rng.random((70, len(bdd.variables)))  # more rows than one block of the kernel
    many = bdd.probability_many(P)
    var, high, low, root = bdd.flatten()
    for row, value in zip(P, many):
        q = dict(zip(bdd.variables, row))
        assert value == pytest.approx(brute_probability(g, top, {**probs, **q}, houses), abs=1e-12)
        assert _kernels.probability_one_py(var, high, low, root, row) == pytest.approx(value, abs=1e-12)
    top_p, b = _kernels.birnbaum_py(var, high, low, root, P[0])
    top_k, b_k = _kernels.birnbaum(var, high, low, root, P[0])
    assert top_p == pytest.approx(top_k, abs=1e-12)
    np.testing.assert_allclose(b, b_k, atol=1e-12)


def _graph(*gates, basics=("a", "b", "c")):
    g = nx.DiGraph()
    for e in basics:
        g.add_node(e, kind="basic")
    for name, op, kids, attrs in gates:
        g.add_node(name, kind="gate", op=op, **attrs)
        for i, c in enumerate(kids):
            g.add_edge(name, c, index=i)
    return g


def test_closed_forms_of_each_connective():
    p = {"a": 0.1, "b": 0.2, "c": 0.3}
    a, b, c = 0.1, 0.2, 0.3
    cases = {
        ("and", ()): a * b * c, ("or", ()): 1 - (1 - a) * (1 - b) * (1 - c),
        ("nand", ()): 1 - a * b * c, ("nor", ()): (1 - a) * (1 - b) * (1 - c),
        ("atleast", (("k", 2),)): a * b + a * c + b * c - 2 * a * b * c,
        ("xor", ()): a * (1 - b) * (1 - c) + b * (1 - a) * (1 - c) + c * (1 - a) * (1 - b) + a * b * c,
    }
    for (op, attrs), expected in cases.items():
        g = _graph(("top", op, ["a", "b", "c"], dict(attrs)))
        assert Bdd.from_tree(g, "top").probability(p) == pytest.approx(expected, abs=1e-15), op
    g = _graph(("top", "imply", ["a", "b"], {}))
    assert Bdd.from_tree(g, "top").probability(p) == pytest.approx(1 - a + a * b)
    g = _graph(("top", "iff", ["a", "b"], {}))
    assert Bdd.from_tree(g, "top").probability(p) == pytest.approx(a * b + (1 - a) * (1 - b))


def test_bdd_of_a_symmetric_function_is_small():
    # atleast 50 of 100: the reduced BDD has k (n - k + 1) = 2550 internal nodes (Bryant 1986)
    names = [f"x{i}" for i in range(100)]
    g = _graph(("top", "atleast", names, {"k": 50}), basics=names)
    bdd = Bdd.from_tree(g, "top")
    assert bdd.n_nodes - 1 == 50 * 51
    p = dict.fromkeys(names, 0.5)
    assert bdd.probability(p) == pytest.approx(sum(math.comb(100, j) for j in range(50, 101)) / 2**100, rel=1e-12)


def test_house_events_and_constants():
    g = _graph(("top", "and", ["a", "h"], {}))
    g.add_node("h", kind="house", state=True)
    p = {"a": 0.25, "b": 0.5, "c": 0.5}
    assert Bdd.from_tree(g, "top").probability(p) == pytest.approx(0.25)
    assert Bdd.from_tree(g, "top", house_states={"h": False}).probability(p) == 0.0


def test_bad_input_is_refused():
    g = _graph(("top", "and", ["a", "g"], {}), ("g", "or", ["top", "b"], {}))
    with pytest.raises(ModelError, match="cycle"):
        Bdd.from_tree(g, "top")
    g = _graph(("top", "and", ["a", "b"], {}))
    with pytest.raises(ModelError, match="not in the graph"):
        Bdd.from_tree(g, "nope")
    bdd = Bdd.from_tree(g, "top")
    with pytest.raises(InputError, match="'b'"):
        bdd.probability({"a": 0.1})
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        bdd.probability({"a": 0.1, "b": 1.5})
    with pytest.raises(InputError, match="shape"):
        bdd.probability_many(np.zeros((3, 5)))
    with pytest.raises(InputError, match="missing"):
        Bdd.from_tree(g, "top", order=["a"])
    names = [f"x{i}" for i in range(20)]
    big = _graph(("top", "atleast", names, {"k": 10}), basics=names)  # 110 nodes needed
    with pytest.raises(ComputationError, match="max_nodes"):
        Bdd.from_tree(big, "top", max_nodes=50)
