"""Minimal cut sets and prime implicants against brute force; ZBDD against MOCUS."""

import math
from unittest import mock

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fta._random_trees import (
    brute_minimal_solutions,
    brute_prime_implicants,
    brute_probability,
    draw_limits,
    trees,
)
from youzhi.errors import InputError, ModelError
from youzhi.fta import bottom_up, modules
from youzhi.fta.modules import ORDERINGS
from youzhi.fta.cutsets import mcub, minimal_cut_sets, mocus, rare_event, set_probability

SETTINGS = settings(max_examples=120, deadline=None)


def _names(probs):
    return sorted(probs)


@SETTINGS
@given(trees())
def test_zbdd_cut_sets_are_the_minimal_solutions(case):
    g, top, probs, houses = case
    res = minimal_cut_sets(g, top, house_states=houses)
    expected = brute_minimal_solutions(g, top, _names(probs), houses)
    assert set(res.sets) == expected
    assert res.count == len(expected)
    assert sum(res.by_order.values()) == res.count


@SETTINGS
@given(trees(max_events=5))
def test_zbdd_prime_implicants_equal_brute_force(case):
    g, top, probs, houses = case
    res = minimal_cut_sets(g, top, house_states=houses, prime_implicants=True)
    assert set(res.sets) == brute_prime_implicants(g, top, _names(probs), houses)


@SETTINGS
@given(trees(coherent=True, max_events=7, max_gates=7))
def test_mocus_equals_zbdd_on_coherent_trees(case):
    g, top, probs, houses = case
    z = minimal_cut_sets(g, top, house_states=houses)
    m = minimal_cut_sets(g, top, method="mocus", house_states=houses)
    assert set(m.sets) == set(z.sets)
    assert m.by_order == z.by_order
    # a coherent tree's prime implicants are its minimal cut sets
    assert set(minimal_cut_sets(g, top, house_states=houses, prime_implicants=True).sets) == set(z.sets)


@SETTINGS
@given(trees())
def test_mocus_implicants_cover_the_function(case):
    # non-coherent: MOCUS returns implicants whose union is the function (brute-force check)
    g, top, probs, houses = case
    sets = mocus(g, top, house_states=houses)
    names = _names(probs)
    union = nx.DiGraph()
    union.add_node("u", kind="gate", op="or")
    for e in names:
        union.add_node(e, kind="basic")
        union.add_node("~" + e, kind="gate", op="not")
        union.add_edge("~" + e, e, index=0)
    for i, s in enumerate(sets):
        union.add_node(f"c{i}", kind="gate", op="and")
        union.add_edge("u", f"c{i}", index=i)
        for j, x in enumerate(sorted(s)):
            union.add_edge(f"c{i}", x, index=j)
    union.add_node("false", kind="house", state=False)
    union.add_edge("u", "false", index=len(sets))
    for i, s in enumerate(sets):
        if not s:
            union.add_node("true", kind="house", state=True)
            union.add_edge(f"c{i}", "true", index=0)
    assert brute_probability(union, "u", probs) == pytest.approx(brute_probability(g, top, probs, houses), abs=1e-12)


@SETTINGS
@given(trees(max_events=6))
def test_order_and_probability_cutoffs_truncate_the_full_family(case):
    g, top, probs, houses = case
    full = set(minimal_cut_sets(g, top, house_states=houses).sets)
    for k in (1, 2, 3):
        lim = minimal_cut_sets(g, top, house_states=houses, max_order=k)
        assert set(lim.sets) == {s for s in full if len(s) <= k}
    cut = 0.05
    res = minimal_cut_sets(g, top, house_states=houses, cutoff=cut, probabilities=probs)
    assert set(res.sets) == {s for s in full if set_probability(s, probs) >= cut}
    # MOCUS prunes partial products the same way; on a non-coherent tree too, where the limits
    # count positive literals only (before, ~c counted towards the order: cea9601 at order 3
    # gave 858 sets instead of 1144)
    m = minimal_cut_sets(g, top, method="mocus", house_states=houses, cutoff=cut, probabilities=probs)
    assert set(m.sets) == set(res.sets)
    for k in (1, 2, 3):
        m = minimal_cut_sets(g, top, method="mocus", house_states=houses, max_order=k)
        assert set(m.sets) == {s for s in full if len(s) <= k}


@SETTINGS
@given(trees(max_events=8, max_gates=8), st.data())
def test_cut_sets_within_limits_equal_brute_force(case, data):
    # the BDD is built within the limits (count and quantized -ln p), here every gate conjoined
    # with them: the family must still be every minimal solution within them, also for a cut-off
    # just below a set's probability, and with negations in the tree
    g, top, probs, houses = case
    full = brute_minimal_solutions(g, top, _names(probs), houses)
    k, cut = draw_limits(data, full, probs)
    ordering = data.draw(st.none() | st.sampled_from(ORDERINGS), label="ordering")
    # the BDD route also for coherent trees (which go gate by gate otherwise: test_bottom_up.py)
    with mock.patch.object(modules, "_LIMIT_AFTER", -1), \
            mock.patch.object(bottom_up, "bottom_up_cut_sets", lambda *a, **k: None):
        res = minimal_cut_sets(g, top, house_states=houses, max_order=k, cutoff=cut, probabilities=probs,
                               ordering=ordering)
    assert set(res.sets) == {s for s in full if (k is None or len(s) <= k)
                             and (cut is None or set_probability(s, probs) >= cut)}


@SETTINGS
@given(trees(max_events=8, max_gates=10), st.none() | st.integers(1, 4))
def test_compiled_minimal_solutions_equal_the_python_twin(case, k):
    from youzhi.fta.cutsets import _zbdd_from_bdd
    from youzhi.fta.modules import whole_bdd

    g, top, probs, houses = case
    bdd = whole_bdd(g, top, house_states=houses)
    z1, r1 = _zbdd_from_bdd(bdd, False, k)
    z2, r2 = _zbdd_from_bdd(bdd, False, k, compiled=False)
    assert set(z1.iter_sets(r1)) == set(z2.iter_sets(r2))
    assert z1.by_order(r1) == z2.by_order(r2)


@SETTINGS
@given(trees())
def test_top_k_and_approximations_by_enumeration(case):
    g, top, probs, houses = case
    res = minimal_cut_sets(g, top, house_states=houses, probabilities=probs)
    ranked = sorted((set_probability(s, probs) for s in res.sets), reverse=True)
    top3 = res.top(3)
    assert [q for _, q in top3] == pytest.approx(ranked[:3], abs=1e-15)
    assert all(set_probability(s, probs) == pytest.approx(q) for s, q in top3)
    assert rare_event(res, probs) == pytest.approx(math.fsum(ranked), abs=1e-12)
    assert rare_event(list(res.sets), probs) == pytest.approx(math.fsum(ranked), abs=1e-12)
    assert mcub(res, probs) == pytest.approx(1 - math.prod(1 - q for q in ranked), abs=1e-12)


def test_a_set_at_the_cut_off_is_kept_by_both_methods():
    # 0.1 * 0.2 is 0.020000000000000004 in floats; divided by 0.1 it is more than 0.2
    g = nx.DiGraph()
    g.add_node("top", kind="gate", op="and")
    g.add_node("any", kind="gate", op="or")
    for e in "abc":
        g.add_node(e, kind="basic")
    g.add_edge("top", "a", index=0)
    g.add_edge("top", "b", index=1)
    g.add_edge("any", "top", index=0)
    g.add_edge("any", "c", index=1)
    p = {"a": 0.1, "b": 0.2, "c": 0.0}
    for method in ("zbdd", "mocus"):
        assert minimal_cut_sets(g, "top", cutoff=0.1 * 0.2, probabilities=p, method=method).count == 1
        # a set of probability 0 is at a cut-off of 0
        res = minimal_cut_sets(g, "any", cutoff=0.0, probabilities=p, method=method)
        assert set(res.sets) == {frozenset("ab"), frozenset("c")}


def test_textbook_two_out_of_three_with_common_event():
    # top = (a and b) or (a and c) or d : MCS {a,b}, {a,c}, {d}
    g = nx.DiGraph()
    for e in "abcd":
        g.add_node(e, kind="basic")
    g.add_node("top", kind="gate", op="or")
    g.add_node("g", kind="gate", op="and")
    g.add_node("h", kind="gate", op="or")
    for i, c in enumerate(["g", "d"]):
        g.add_edge("top", c, index=i)
    g.add_edge("g", "a", index=0)
    g.add_edge("g", "h", index=1)
    g.add_edge("h", "b", index=0)
    g.add_edge("h", "c", index=1)
    res = minimal_cut_sets(g, "top")
    assert set(res.sets) == {frozenset("ab"), frozenset("ac"), frozenset("d")}
    assert res.by_order == {1: 1, 2: 2}
    assert res.to_dict()["by_order"] == {1: 1, 2: 2}


def test_bad_arguments():
    g = nx.DiGraph()
    g.add_node("a", kind="basic")
    g.add_node("top", kind="gate", op="null")
    g.add_edge("top", "a", index=0)
    with pytest.raises(InputError, match="method"):
        minimal_cut_sets(g, "top", method="fast")
    with pytest.raises(InputError, match="max_order"):
        minimal_cut_sets(g, "top", max_order=0)
    with pytest.raises(InputError, match="probabilities"):
        minimal_cut_sets(g, "top", cutoff=0.1)
    with pytest.raises(InputError, match="cutoff"):
        minimal_cut_sets(g, "top", cutoff=2.0, probabilities={"a": 0.1})
    with pytest.raises(ModelError):
        mocus(g, "missing")
