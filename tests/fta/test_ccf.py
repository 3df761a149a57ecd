"""CCF expansion against hand-computed probabilities and the MEF (NUREG/CR-5485) formulas."""

from __future__ import annotations

from math import comb

import pytest

from tests.fta._exhaustive import top_probability
from youzhi.errors import ModelError
from youzhi.fta.ccf import CcfGroup, combination_probabilities, expand
from youzhi.fta.events import Const, Context
from youzhi.fta.mef import read_model
from youzhi.fta.model import FaultTree


def two_trains(model="beta-factor", factors=((2, Const(0.2)),)) -> FaultTree:
    tree = FaultTree("TwoTrains")
    tree.add_gate("top", "and", ["train1", "train2"])
    tree.add_gate("train1", "or", ["valve1", "pump1"])
    tree.add_gate("train2", "or", ["valve2", "pump2"])
    for name in ("valve1", "valve2", "pump1", "pump2"):
        tree.add_basic_event(name)
    expand(tree, CcfGroup("pumps", model, ("pump1", "pump2"), Const(0.1), factors))
    expand(tree, CcfGroup("valves", model, ("valve1", "valve2"), Const(0.1), factors))
    return tree.validate()


def test_beta_factor_two_trains_by_hand():
    tree = two_trains()
    probs = tree.probabilities()
    assert probs["[pump1]"] == pytest.approx(0.08) and probs["[pump1 pump2]"] == pytest.approx(0.02)
    assert sorted(tree.children("pump1")) == ["[pump1 pump2]", "[pump1]"]
    # by hand: top = (Vc or Pc) or (not Vc and not Pc and (V1 or P1) and (V2 or P2))
    p_ccf = 1 - 0.98**2
    p_train = 1 - 0.92**2
    expected = p_ccf + (1 - p_ccf) * p_train**2
    assert expected == pytest.approx(0.0622587, abs=1e-7)
    assert top_probability(tree.graph, "top", probs) == pytest.approx(expected, abs=1e-14)


def test_the_shared_common_cause_model_matches(shared_data):
    tree = read_model(shared_data / "fta/TwoTrain/common_cause.xml")
    probs = tree.probabilities()
    assert sorted(probs) == ["[PumpOne PumpTwo]", "[PumpOne]", "[PumpTwo]", "[ValveOne ValveTwo]", "[ValveOne]", "[ValveTwo]"]
    expected = 1 - 0.98**2 + 0.98**2 * (1 - 0.92**2) ** 2
    assert top_probability(tree.graph, tree.top, probs) == pytest.approx(expected, abs=1e-14)


def _member_total(group) -> float:
    """Total failure probability of one member: sum over k of C(n-1, k-1) Q_k."""
    n = len(group.members)
    probs = {k: e.evaluate(Context()) for k, e in combination_probabilities(group).items()}
    return sum(comb(n - 1, k - 1) * q for k, q in probs.items())


def test_mgl_three_members_formulas():
    beta, gamma, q = 0.1, 0.3, 0.01
    group = CcfGroup("g", "MGL", ("a", "b", "c"), Const(q), ((2, Const(beta)), (3, Const(gamma))))
    probs = {k: e.evaluate(Context()) for k, e in combination_probabilities(group).items()}
    # NUREG/CR-5485 table 4-2: Q1 = (1-b)Q, Q2 = b(1-g)Q/2, Q3 = b g Q
    assert probs[1] == pytest.approx((1 - beta) * q, rel=1e-14)
    assert probs[2] == pytest.approx(beta * (1 - gamma) * q / 2, rel=1e-14)
    assert probs[3] == pytest.approx(beta * gamma * q, rel=1e-14)
    assert _member_total(group) == pytest.approx(q, rel=1e-14)


def test_alpha_and_phi_factor_formulas():
    a = (0.95, 0.04, 0.01)
    q = 0.02
    group = CcfGroup("g", "alpha-factor", ("a", "b", "c"), Const(q), tuple((k + 1, Const(v)) for k, v in enumerate(a)))
    probs = {k: e.evaluate(Context()) for k, e in combination_probabilities(group).items()}
    at = 1 * a[0] + 2 * a[1] + 3 * a[2]
    # non-staggered testing: Q_k = k / C(n-1, k-1) * alpha_k / alpha_t * Q
    assert probs[1] == pytest.approx(a[0] / at * q, rel=1e-14)
    assert probs[2] == pytest.approx(2 / 2 * a[1] / at * q, rel=1e-14)
    assert probs[3] == pytest.approx(3 * a[2] / at * q, rel=1e-14)
    phi = CcfGroup("g", "phi-factor", ("a", "b", "c"), Const(q), ((1, Const(0.9)), (2, Const(0.06)), (3, Const(0.04))))
    assert _member_total(phi) == pytest.approx(q, rel=1e-14)


def test_mgl_four_member_tree_by_enumeration():
    tree = FaultTree()
    tree.add_gate("top", "atleast", ["a", "b", "c", "d"], k=3)
    for m in "abcd":
        tree.add_basic_event(m)
    group = CcfGroup("g", "MGL", tuple("abcd"), Const(0.05), ((2, Const(0.2)), (3, Const(0.3)), (4, Const(0.4))))
    expand(tree, group)
    tree.validate()
    assert len(tree.basic_events) == 4 + 6 + 4 + 1
    p = top_probability(tree.graph, "top", tree.probabilities())
    # independent of the graph: enumerate the 15 CCF events directly from their member sets
    import itertools

    probs = {k: e.evaluate(Context()) for k, e in combination_probabilities(group).items()}
    combos = [set(c) for k in range(1, 5) for c in itertools.combinations("abcd", k)]
    expected = 0.0
    for bits in itertools.product((0, 1), repeat=len(combos)):
        failed = set().union(*(c for c, b in zip(combos, bits) if b))
        if len(failed) >= 3:
            w = 1.0
            for c, b in zip(combos, bits):
                w *= probs[len(c)] if b else 1 - probs[len(c)]
            expected += w
    assert p == pytest.approx(expected, abs=1e-15)


def test_ccf_errors():
    tree = FaultTree()
    tree.add_gate("top", "or", ["a", "b"])
    tree.add_basic_event("a", 0.1)
    tree.add_basic_event("b", 0.1)
    with pytest.raises(ModelError, match="unknown model 'omega'"):
        expand(tree, CcfGroup("g", "omega", ("a", "b"), Const(0.1), ((2, Const(0.1)),)))
    with pytest.raises(ModelError, match="needs factors at levels"):
        expand(tree, CcfGroup("g", "MGL", ("a", "b"), Const(0.1), ((3, Const(0.1)),)))
    with pytest.raises(ModelError, match="must be a basic event"):
        expand(tree, CcfGroup("g", "beta-factor", ("a", "top"), Const(0.1), ((2, Const(0.1)),)))
