"""Cut sets of coherent trees gate by gate (youzhi.fta.bottom_up) against brute force and the BDD."""

from __future__ import annotations

from unittest import mock

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fta._random_trees import brute_minimal_solutions, draw_limits, trees
from youzhi.fta.bottom_up import bottom_up_cut_sets
from youzhi.fta.cutsets import _cutoff_bound, minimal_cut_sets, set_probability


def _sets(found):
    z, root = found
    return {frozenset(z.name(x) for x in s) for s in z.iter_sets(root)}


@settings(max_examples=300, deadline=None)
@given(trees(coherent=True, max_events=8, max_gates=9), st.data())
def test_coherent_cut_sets_within_limits_equal_brute_force(case, data):
    # shared inputs (so products and unions overlap), repeated AT-LEAST inputs, house events;
    # cut-offs at a cut set's probability and just below it
    g, top, probs, houses = case
    full = brute_minimal_solutions(g, top, sorted(probs), houses)
    k, cut = draw_limits(data, full, probs)
    found = bottom_up_cut_sets(g, top, houses, max_order=k, cutoff=_cutoff_bound(cut), probabilities=probs)
    expected = {s for s in full if (k is None or len(s) <= k) and (cut is None or set_probability(s, probs) >= cut)}
    got = _sets(found)
    # every set within the limits, and beyond them only sets a little below the cut-off
    assert expected <= got
    assert all(cut is not None and set_probability(s, probs) < cut for s in got - expected)


def test_a_repeated_at_least_input_counts_twice():
    # 2 of (a, b, AND(a)): {a} alone makes two inputs true (found by the test above)
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="atleast", k=2)
    g.add_node("g", kind="gate", op="and")
    for e in "ab":
        g.add_node(e, kind="basic")
    g.add_edges_from([("top", "a", {"index": 0}), ("top", "b", {"index": 1}), ("top", "g", {"index": 2}),
                      ("g", "a", {"index": 0})])
    assert _sets(bottom_up_cut_sets(g, "top", max_order=1)) == {frozenset("a")}


def test_a_non_coherent_tree_is_left_to_the_bdd():
    # (a AND NOT b) OR c: minimal solutions {a} and {c} (SCRAM's cut sets, NOT b dropped)
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="or")
    g.add_node("g", kind="gate", op="and")
    g.add_node("n", kind="gate", op="not")
    for e in "abc":
        g.add_node(e, kind="basic")
    g.add_edges_from([("top", "g", {"index": 0}), ("top", "c", {"index": 1}), ("g", "a", {"index": 0}),
                      ("g", "n", {"index": 1}), ("n", "b", {"index": 0})])
    assert bottom_up_cut_sets(g, "top", max_order=2) is None
    assert set(minimal_cut_sets(g, "top", max_order=2).sets) == {frozenset("a"), frozenset("c")}


def test_an_aralia_model_equals_the_bdd_route_and_falls_back_past_its_node_limit(shared_data):
    # edf9202 at order <= 4: 13,870 sets, some 31,000 ZBDD nodes on the way (from 1,024: the
    # store grows four times, its caches and tables with it)
    from youzhi.fta.mef import read_model

    tree = read_model(shared_data / "fta" / "Aralia" / "edf9202.xml")
    with mock.patch("youzhi.fta.bottom_up._FIRST_CAPACITY", 1024):
        found = bottom_up_cut_sets(tree.graph, tree.top, max_order=4)
    bdd = minimal_cut_sets(tree.graph, tree.top, max_order=4, ordering="size-up")  # the BDD route
    assert _sets(found) == set(bdd.sets) and len(bdd.sets) == 13870
    assert bottom_up_cut_sets(tree.graph, tree.top, max_order=4, max_nodes=5000) is None
    with mock.patch("youzhi.fta.bottom_up.BOTTOM_UP_NODES", 5000):  # minimal_cut_sets falls back
        assert minimal_cut_sets(tree.graph, tree.top, max_order=4).by_order == bdd.by_order
