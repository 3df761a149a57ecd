"""Time behaviour, failure frequency, MTTF/MTBF and uncertainty against independent references.

References: closed forms; continuous-time Markov chains solved here with scipy (``expm`` and
the stationary distribution), independent of the fault-tree code; brute-force enumeration.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm, null_space
from scipy.special import gamma as gamma_fn

from tests.fta._exhaustive import top_probability
from youzhi.errors import InputError, ModelError
from youzhi.fta.events import Builtin, Const, Deviate, MissionTime
from youzhi.fta.model import FaultTree

from youzhi.fta import quantify  # noqa: E402

T = MissionTime()


def exp_event(lam):
    return Builtin("exponential", (Const(lam), T))


def glm_event(lam, mu):
    return Builtin("GLM", (Const(0.0), Const(lam), Const(mu), T))


def two_event_tree(op, a, b, mission_time=8760.0):
    tree = FaultTree(mission_time=mission_time)
    tree.add_gate("top", op, ["a", "b"])
    tree.add_basic_event("a", a)
    tree.add_basic_event("b", b)
    return tree.validate()


def test_time_grid_for_exponential_events():
    l1, l2 = 1e-3, 4e-4
    times = np.linspace(0, 5000, 11)
    res = quantify.over_time(two_event_tree("and", exp_event(l1), exp_event(l2)), times)
    q1, q2 = 1 - np.exp(-l1 * times), 1 - np.exp(-l2 * times)
    assert np.allclose(res.unavailability, q1 * q2, rtol=1e-12, atol=1e-15)
    # non-repairable parallel system: w = d/dt (q1 q2) = f1 q2 + q1 f2
    f1, f2 = l1 * np.exp(-l1 * times), l2 * np.exp(-l2 * times)
    assert np.allclose(res.failure_frequency, f1 * q2 + q1 * f2, rtol=1e-12, atol=1e-18)
    res = quantify.over_time(two_event_tree("or", exp_event(l1), Const(0.1)), times)
    assert np.allclose(res.unavailability, 1 - (1 - q1) * 0.9, rtol=1e-12, atol=1e-15)


def _markov_two_components(l1, m1, l2, m2):
    """Generator of two independent repairable components; states (a up?, b up?)."""
    states = [(1, 1), (0, 1), (1, 0), (0, 0)]
    Q = np.zeros((4, 4))
    for i, (a, b) in enumerate(states):
        for j, (c, d) in enumerate(states):
            if (a, b) == (c, d):
                continue
            if b == d and a != c:
                Q[i, j] = l1 if a else m1
            elif a == c and b != d:
                Q[i, j] = l2 if b else m2
        Q[i, i] = -Q[i].sum()
    return states, Q


@pytest.mark.parametrize("op", ["or", "and"])
def test_repairable_system_matches_the_markov_chain(op):
    l1, m1, l2, m2 = 1e-3, 1e-1, 2e-3, 5e-2
    tree = two_event_tree(op, glm_event(l1, m1), glm_event(l2, m2))
    states, Q = _markov_two_components(l1, m1, l2, m2)
    down = [(a == 0 or b == 0) if op == "or" else (a == 0 and b == 0) for a, b in states]

    def frequency(p):  # probability flow from system-up states into system-down states
        return sum(p[i] * Q[i, j] for i in range(4) for j in range(4) if i != j and not down[i] and down[j])

    for t in (5.0, 40.0, 300.0):
        p = np.array([1.0, 0, 0, 0]) @ expm(Q * t)
        res = quantify.over_time(tree, [t])
        assert res.unavailability[0] == pytest.approx(sum(p[i] for i in range(4) if down[i]), rel=1e-10)
        assert res.failure_frequency[0] == pytest.approx(frequency(p), rel=1e-10)
    pi = null_space(Q.T)[:, 0]
    pi = pi / pi.sum()
    measures = quantify.reliability_measures(tree)
    assert measures.repairable
    assert measures.mtbf == pytest.approx(1.0 / frequency(pi), rel=1e-10)
    assert measures.unavailability == pytest.approx(sum(pi[i] for i in range(4) if down[i]), rel=1e-10)


@pytest.mark.parametrize("op, expected", [
    ("or", 1 / (1e-3 + 4e-4)),                            # series: 1 / (l1 + l2)
    ("and", 1 / 1e-3 + 1 / 4e-4 - 1 / (1e-3 + 4e-4)),     # parallel
])
def test_mttf_of_non_repairable_systems(op, expected):
    measures = quantify.reliability_measures(two_event_tree(op, exp_event(1e-3), exp_event(4e-4)))
    assert not measures.repairable and measures.mtbf is None
    assert measures.mttf == pytest.approx(expected, rel=1e-9)


def test_mttf_weibull_and_infinite():
    alpha, beta = 2000.0, 2.5
    tree = FaultTree()
    tree.add_gate("top", "null", ["a"])
    tree.add_basic_event("a", Builtin("Weibull", (Const(alpha), Const(beta), Const(0.0), T)))
    assert quantify.reliability_measures(tree.validate()).mttf == pytest.approx(alpha * gamma_fn(1 + 1 / beta), rel=1e-9)
    # a system whose unreliability never reaches 1 has an infinite MTTF
    assert quantify.reliability_measures(two_event_tree("and", exp_event(1e-3), Const(0.5))).mttf == math.inf


def test_a_rare_event_sum_above_one_is_reported_as_one_with_a_warning():
    # cut sets {a}, {b}: 0.7 + 0.6 = 1.3 is no probability (SCRAM reports 1 too); mcub 1 - 0.3 * 0.4
    tree = two_event_tree("or", Const(0.7), Const(0.6))
    with pytest.warns(UserWarning, match="add up to 1.3, reported as 1"):
        assert quantify.analyze(tree, method="rare-event").probability == 1.0
    assert quantify.analyze(tree, method="mcub").probability == pytest.approx(0.88, rel=1e-12)


@pytest.mark.parametrize("alpha, beta, t0", [(500.0, 0.7, 20000.0), (100.0, 0.5, 30000.0), (2000.0, 2.0, 10000.0)])
def test_mttf_weibull_with_a_location(alpha, beta, t0):
    # R(t) has a kink at t0; MTTF = t0 + alpha Gamma(1 + 1/beta). Before, panels straddling the
    # kink were off by up to 0.4 %.
    tree = FaultTree()
    tree.add_gate("top", "null", ["a"])
    tree.add_basic_event("a", Builtin("Weibull", (Const(alpha), Const(beta), Const(t0), T)))
    expected = t0 + alpha * gamma_fn(1 + 1 / beta)
    assert quantify.reliability_measures(tree.validate()).mttf == pytest.approx(expected, rel=1e-9)


def test_mttf_when_the_system_may_be_down_from_the_start():
    # R(t) = 0.5 exp(-1e-9 t): MTTF = 0.5 / 1e-9 (before: no answer "within 2**200 time scales")
    tree = two_event_tree("or", Const(0.5), exp_event(1e-9))
    assert quantify.reliability_measures(tree).mttf == pytest.approx(0.5e9, rel=1e-9)
    # a top event that is true from the start (a house event): MTTF 0
    tree = FaultTree()
    tree.add_gate("top", "or", ["a", "h"])
    tree.add_basic_event("a", exp_event(1e-3))
    tree.add_house_event("h", True)
    assert quantify.reliability_measures(tree.validate()).mttf == 0.0


def test_mixed_repairable_without_steady_state_is_refused():
    with pytest.raises(ModelError, match="no steady state"):
        quantify.reliability_measures(two_event_tree("or", glm_event(1e-3, 1e-1), exp_event(1e-4)))


def lognormal_or_tree():
    tree = FaultTree()
    tree.add_gate("top", "or", ["a", "b", "c"])
    tree.add_basic_event("a", Deviate("lognormal-deviate", (Const(0.01), Const(3.0), Const(0.95))))
    tree.add_basic_event("b", Deviate("lognormal-deviate", (Const(0.02), Const(2.0), Const(0.9))))
    tree.add_basic_event("c", 0.05)
    return tree.validate()


@pytest.mark.slow
def test_uncertainty_mean_of_an_or_of_lognormals():
    res = quantify.uncertainty(lognormal_or_tree(), n=40_000, seed=11)
    # independent events: E[1 - (1-a)(1-b)(1-c)] = 1 - (1-E a)(1-E b)(1-E c)
    expected = 1 - 0.99 * 0.98 * 0.95
    assert abs(res.mean - expected) < 4 * res.std_error
    assert res.percentiles["p5"] < res.percentiles["p50"] < res.percentiles["p95"]


def test_uncertainty_median_of_a_single_lognormal():
    tree = FaultTree()
    tree.add_gate("top", "null", ["a"])
    tree.add_basic_event("a", Deviate("lognormal-deviate", (Const(0.01), Const(3.0), Const(0.95))))
    n = 8192
    res = quantify.uncertainty(tree.validate(), n=n, seed=2)
    sigma = math.log(3.0) / 1.6448536269514722
    median = 0.01 * math.exp(-sigma**2 / 2)
    # standard error of the sample median: sqrt(0.25 / n) / density at the median
    density = 1 / (median * sigma * math.sqrt(2 * math.pi))
    assert abs(res.percentiles["p50"] - median) < 4 * math.sqrt(0.25 / n) / density


def test_uncertainty_is_seeded_and_worker_invariant():
    tree = lognormal_or_tree()
    a = quantify.uncertainty(tree, n=9000, seed=5, workers=1)
    b = quantify.uncertainty(tree, n=9000, seed=5, workers=3)
    c = quantify.uncertainty(tree, n=9000, seed=6)
    assert a.to_dict() == b.to_dict() and a.mean != c.mean
    assert a.seed == 5 and a.n == 9000


def test_analyze_probability_and_importance_by_conditioning():
    tree = FaultTree()
    tree.add_gate("top", "or", ["g", "d"])
    tree.add_gate("g", "atleast", ["a", "b", "c"], k=2)
    pa, pb, pc, pd = 0.1, 0.2, 0.3, 0.05
    for name, p in zip("abcd", (pa, pb, pc, pd)):
        tree.add_basic_event(name, p)
    tree.validate()
    probs = tree.probabilities()
    res = quantify.analyze(tree, importance=True)
    exact = top_probability(tree.graph, "top", probs)
    assert res.probability == pytest.approx(exact, abs=1e-12)
    # minimal cut sets by hand: {d}, {a,b}, {a,c}, {b,c}
    assert res.cut_sets["count"] == 4 and res.cut_sets["by_order"] == {1: 1, 2: 3}
    assert res.cut_sets["top"][0] == {"events": ["b", "c"], "probability": pytest.approx(0.06, rel=1e-12)}
    # Fussell-Vesely = P(union of the minimal cut sets holding e) / P(top), by hand
    union = {"a": pa * (1 - (1 - pb) * (1 - pc)), "b": pb * (1 - (1 - pa) * (1 - pc)),
             "c": pc * (1 - (1 - pa) * (1 - pb)), "d": pd}
    for name in "abcd":
        p1 = top_probability(tree.graph, "top", {**probs, name: 1.0})
        p0 = top_probability(tree.graph, "top", {**probs, name: 0.0})
        m = res.importance[name]
        assert m["birnbaum"] == pytest.approx(p1 - p0, abs=1e-12)
        assert m["criticality"] == pytest.approx((p1 - p0) * probs[name] / exact, rel=1e-9)
        assert m["fussell_vesely"] == pytest.approx(union[name] / exact, rel=1e-9)
        assert m["raw"] == pytest.approx(p1 / exact, rel=1e-9)
        assert m["rrw"] == pytest.approx(exact / p0, rel=1e-9)
    rare = quantify.analyze(tree, method="rare-event")
    mcub = quantify.analyze(tree, method="mcub")
    cut_probs = [pd, pa * pb, pa * pc, pb * pc]
    assert rare.probability == pytest.approx(sum(cut_probs), rel=1e-12)
    assert mcub.probability == pytest.approx(1 - np.prod([1 - p for p in cut_probs]), rel=1e-12)
    mocus = quantify.analyze(tree, method="mocus", max_order=1)
    assert mocus.probability == pytest.approx(exact, abs=1e-12) and mocus.cut_sets["by_order"] == {1: 1}
    assert quantify.analyze(tree, cutoff=0.04).cut_sets["count"] == 2  # {d} 0.05 and {b,c} 0.06
    data = res.to_dict()
    assert set(data) >= {"top_event", "probability", "method", "cut_sets", "importance"}


def test_house_event_switches_the_answer():
    tree = FaultTree()
    tree.add_gate("top", "and", ["a", "h"])
    tree.add_basic_event("a", 0.3)
    tree.add_house_event("h", True)
    tree.validate()
    assert quantify.analyze(tree).probability == pytest.approx(0.3, abs=1e-15)
    assert quantify.analyze(tree, house_states={"h": False}).probability == pytest.approx(0.0, abs=1e-15)


def test_bad_arguments():
    tree = two_event_tree("or", Const(0.1), Const(0.2))
    with pytest.raises(InputError, match="method"):
        quantify.analyze(tree, method="magic")
    with pytest.raises(InputError, match="cutoff"):
        quantify.analyze(tree, cutoff=2.0)
    with pytest.raises(InputError, match="number of samples"):
        quantify.uncertainty(tree, n=1)
    with pytest.raises(InputError, match="time grid"):
        quantify.time_grid(10, 0, 5)


def test_series_of_four_repairable_components_closed_form():
    # series (OR) of independent repairable components: the system fails when any up
    # component fails while all are up: w = (sum lambda_i) * prod A_i(t), A_i = 1 - Q_i
    rates = [(1e-3, 0.1), (2e-3, 0.05), (5e-4, 0.2), (3e-3, 0.01)]
    tree = FaultTree()
    tree.add_gate("top", "or", [f"c{i}" for i in range(4)])
    for i, (lam, mu) in enumerate(rates):
        tree.add_basic_event(f"c{i}", glm_event(lam, mu))
    tree.validate()
    times = np.array([0.0, 10.0, 100.0, 1000.0])
    A = np.prod([(mu + lam * np.exp(-(lam + mu) * times)) / (lam + mu) for lam, mu in rates], axis=0)
    res = quantify.over_time(tree, times)
    assert np.allclose(res.unavailability, 1 - A, rtol=1e-12, atol=1e-15)
    assert np.allclose(res.failure_frequency, sum(lam for lam, _ in rates) * A, rtol=1e-12)


def test_a_tree_past_the_node_limit_gets_advice_and_its_cut_sets_within_an_order(shared_data):
    # edfpa14p's BDD needs more than 100,000 nodes; its cut sets of order <= 2 do not
    from youzhi.errors import ComputationError
    from youzhi.fta.cutsets import minimal_cut_sets, set_probability
    from youzhi.fta.mef import read_model

    tree = read_model(shared_data / "fta" / "Aralia" / "edfpa14p.xml")
    for method in ("bdd", "mocus"):
        with pytest.raises(ComputationError, match="--method rare-event --max-order"):
            quantify.analyze(tree, method=method, max_nodes=100_000)
    with pytest.raises(ComputationError, match="within a max_order or cutoff"):
        quantify.analyze(tree, method="rare-event", max_nodes=100_000)
    small = quantify.analyze(tree, method="rare-event", max_order=2, max_nodes=100_000)
    # second method: a coherent tree's prime implicants, which come from its whole BDD
    whole = minimal_cut_sets(tree.graph, tree.top, max_order=2, prime_implicants=True)
    assert small.cut_sets["count"] == whole.count > 0 and small.cut_sets["by_order"] == whole.by_order
    p = tree.probabilities()
    assert small.probability == pytest.approx(math.fsum(set_probability(s, p) for s in whole.sets), rel=1e-12)


def test_rare_event_importance_of_analyze_by_closed_form():
    # top = (a and b) or c: under the rare-event approximation P = pa pb + pc, so Birnbaum(a) =
    # pb, FV(a) = pa pb / P, RAW(a) = (pb + pc) / P, RRW(a) = P / pc
    tree = FaultTree()
    tree.add_gate("top", "or", ["g", "c"])
    tree.add_gate("g", "and", ["a", "b"])
    for name, q in (("a", 0.1), ("b", 0.2), ("c", 0.03)):
        tree.add_basic_event(name, q)
    res = quantify.analyze(tree.validate(), method="rare-event", importance=True)
    P = 0.1 * 0.2 + 0.03
    a = res.importance["a"]
    assert res.probability == pytest.approx(P, rel=1e-12)
    assert a["birnbaum"] == pytest.approx(0.2, rel=1e-12)
    assert a["fussell_vesely"] == pytest.approx(0.02 / P, rel=1e-12)
    assert a["raw"] == pytest.approx((0.2 + 0.03) / P, rel=1e-12)
    assert a["rrw"] == pytest.approx(P / 0.03, rel=1e-12)
    assert res.importance["c"]["occurrences"] == 1
