"""Importance measures against their conditioning definitions, computed by brute force."""

import math

import networkx as nx
import pytest
from hypothesis import given, settings

from tests.fta._random_trees import brute_minimal_solutions, brute_probability, trees
from youzhi.fta.cutsets import minimal_cut_sets, set_probability
from youzhi.fta.importance import importance, rare_event_importance

SETTINGS = settings(max_examples=100, deadline=None)


def _close(a, b):
    if math.isnan(b):
        return math.isnan(a)
    if math.isinf(b):
        return a == b
    return a == pytest.approx(b, rel=1e-9, abs=1e-12)


def _union_of_sets_with(g_sets, e, names):
    """A graph for OR of the cut sets holding e (all positive literals)."""
    g = nx.DiGraph()
    g.add_node("u", kind="gate", op="or")
    for n in names:
        g.add_node(n, kind="basic")
    g.add_node("false", kind="house", state=False)
    g.add_edge("u", "false", index=0)
    for i, s in enumerate(x for x in g_sets if e in x):
        g.add_node(f"c{i}", kind="gate", op="and")
        g.add_edge("u", f"c{i}", index=i + 1)
        for j, x in enumerate(sorted(s)):
            g.add_edge(f"c{i}", x, index=j)
    return g


@SETTINGS
@given(trees(max_events=5))
def test_exact_measures_by_conditioning(case):
    g, top, probs, houses = case
    res = importance(g, top, probs, house_states=houses)
    P = brute_probability(g, top, probs, houses)
    assert res.probability == pytest.approx(P, abs=1e-12)
    mcs = brute_minimal_solutions(g, top, sorted(probs), houses)
    for e, m in res.measures.items():
        p = probs[e]
        P1 = brute_probability(g, top, probs, houses, fixed={e: True})
        P0 = brute_probability(g, top, probs, houses, fixed={e: False})
        union = brute_probability(_union_of_sets_with(mcs, e, sorted(probs)), "u", probs)
        inf_or_nan = (lambda a: math.inf if a > 0 else math.nan)
        assert m["birnbaum"] == pytest.approx(P1 - P0, abs=1e-12)
        if P > 1e-9 and P0 > 1e-9:
            assert _close(m["criticality"], p * (P1 - P0) / P)
            assert _close(m["diagnostic"], p * P1 / P)  # P(e | top) by Bayes
            assert _close(m["raw"], P1 / P)
            assert _close(m["rrw"], P / P0)
            assert _close(m["fussell_vesely"], union / P)
        elif P == 0.0:
            assert _close(m["raw"], inf_or_nan(P1))


def test_an_event_in_every_cut_set_has_an_infinite_risk_reduction_worth():
    # top = a AND b AND c: P(top | not e) = 0 for each; from P - p B it was about 1e-16 P
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="and")
    probs = {"a": 0.3, "b": 0.7, "c": 0.123456789}
    for i, e in enumerate(probs):
        g.add_node(e, kind="basic")
        g.add_edge("top", e, index=i)
    res = importance(g, "top", probs)
    assert all(m["rrw"] == math.inf for m in res.measures.values())
    assert res.measures["c"]["raw"] == pytest.approx(1 / 0.123456789, rel=1e-15)


@SETTINGS
@given(trees(max_events=5))
def test_rare_event_measures_by_enumerated_sums(case):
    g, top, probs, houses = case
    cs = minimal_cut_sets(g, top, house_states=houses, probabilities=probs)
    res = rare_event_importance(cs, probs)
    total = math.fsum(set_probability(s, probs) for s in cs.sets)
    assert res.probability == pytest.approx(total, abs=1e-12)
    for e, m in res.measures.items():
        P1 = math.fsum(set_probability(s, {**probs, e: 1.0}) for s in cs.sets)
        P0 = math.fsum(set_probability(s, {**probs, e: 0.0}) for s in cs.sets)
        assert m["occurrences"] == sum(1 for s in cs.sets if e in s)
        assert m["birnbaum"] == pytest.approx(P1 - P0, abs=1e-12)
        if total > 1e-9 and P0 > 1e-9:
            assert _close(m["raw"], P1 / total)
            assert _close(m["rrw"], total / P0)
            assert _close(m["diagnostic"], probs[e] * P1 / total)
            share = math.fsum(set_probability(s, probs) for s in cs.sets if e in s)
            assert _close(m["fussell_vesely"], share / total)


def test_result_to_dict_and_frame():
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="and")
    for i, e in enumerate("ab"):
        g.add_node(e, kind="basic")
        g.add_edge("top", e, index=i)
    res = importance(g, "top", {"a": 0.1, "b": 0.2})
    d = res.to_dict()
    # closed forms for a AND b: B_a = p_b, RAW_a = 1/p_a, RRW infinite, FV = 1
    assert d["measures"]["a"]["birnbaum"] == pytest.approx(0.2)
    assert d["measures"]["a"]["raw"] == pytest.approx(10.0)
    assert d["measures"]["a"]["rrw"] == math.inf
    assert d["measures"]["b"]["fussell_vesely"] == pytest.approx(1.0)
    assert list(res.to_frame().columns)[:2] == ["birnbaum", "criticality"]


def _and_of_a_and_or_bc():
    from youzhi.fta.model import FaultTree

    tree = FaultTree()
    tree.add_gate("top", "and", ["a", ("or", ["b", "c"])])
    for e in "abc":
        tree.add_basic_event(e)
    return tree.graph


@pytest.mark.parametrize("q", [1e-10, 1e-13, 1e-17])
def test_measures_keep_their_digits_when_the_top_event_is_rare(q):
    # top = a AND (b OR c): B(a) = P(b or c) = 2q - q^2, and a is in every cut set, so
    # criticality 1, RAW 1 / p_a, RRW inf. Before, P(high) - P(low) cancelled near 1 in the
    # Birnbaum pass: at q = 1e-17, B(a) was 0 and a looked irrelevant.
    res = importance(_and_of_a_and_or_bc(), "top", {"a": 0.5, "b": q, "c": q})
    m = res.measures["a"]
    assert m["birnbaum"] == pytest.approx(2 * q - q * q, rel=1e-12)
    assert m["criticality"] == pytest.approx(1.0, rel=1e-12)
    assert m["raw"] == pytest.approx(2.0, rel=1e-12)
    assert m["rrw"] == math.inf


def test_rare_event_risk_reduction_worth_of_an_event_in_every_cut_set_is_infinite():
    # cut sets {a, b}, {a, c}: without a the sum is 0; from P - p B it was about -6e15
    probs = {"a": 0.1, "b": 0.1, "c": 0.3}
    cs = minimal_cut_sets(_and_of_a_and_or_bc(), "top", probabilities=probs)
    m = rare_event_importance(cs, probs).measures
    assert m["a"]["rrw"] == math.inf
    assert m["b"]["rrw"] == pytest.approx(0.04 / 0.03, rel=1e-12)
    assert m["a"]["raw"] == pytest.approx(0.4 / 0.04, rel=1e-12)
