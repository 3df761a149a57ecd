"""Exact block-diagram reliability against closed forms (BENCHMARKS.md Part B) and brute force."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from youzhi.errors import ModelError
from youzhi.reliability import rbd
from youzhi.reliability.rbd import block_graph, k_out_of_n, network_graph, parallel, series
from youzhi.reliability.system import SystemModel, system_reliability
from youzhi.reliability.system_model import Component, Lifetime, StandbyGroup

BRIDGE_EDGES = [("in", "a"), ("in", "b"), ("a", "c"), ("b", "c"), ("a", "d"), ("b", "e"),
                ("c", "d"), ("c", "e"), ("d", "out"), ("e", "out")]


def exp_parts(rates: dict[str, float]) -> tuple[Component, ...]:
    return tuple(Component(n, Lifetime("exponential", rate=r)) for n, r in rates.items())


def test_b1_series_exponential() -> None:
    # BENCHMARKS.md B1 (risk-engineering.org): MTBF 5000 h and 7000 h in series.
    model = SystemModel(exp_parts({"a": 1 / 5000, "b": 1 / 7000}), block_graph(series("a", "b")))
    r = system_reliability(model, 6000.0)
    assert r.mttf == pytest.approx(2916.6667, rel=1e-7)
    assert 1 - r.reliability == pytest.approx(0.87218, abs=5e-6)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_b2_active_parallel_identical(n: int) -> None:
    # B2: MTTF = (1/lambda) sum_{k=1..n} 1/k (order statistics); n = 3: 1.8333/lambda.
    lam = 2e-3
    names = [f"u{i}" for i in range(n)]
    model = SystemModel(exp_parts(dict.fromkeys(names, lam)), block_graph(parallel(*names)))
    r = system_reliability(model, 300.0)
    assert r.mttf == pytest.approx(sum(1 / k for k in range(1, n + 1)) / lam, rel=1e-8)
    assert r.reliability == pytest.approx(1 - (1 - math.exp(-lam * 300)) ** n, rel=1e-12)


def test_b3_parallel_two_different() -> None:
    # B3 (pixelbeat MTBFparallel): 1/l1 + 1/l2 - 1/(l1 + l2).
    l1, l2 = 1e-3, 4e-4
    model = SystemModel(exp_parts({"a": l1, "b": l2}), block_graph(parallel("a", "b")))
    assert system_reliability(model, 1.0).mttf == pytest.approx(1 / l1 + 1 / l2 - 1 / (l1 + l2), rel=1e-8)


def test_b4_k_out_of_n_unit_reliability() -> None:
    # B4 (reliabilityanalytics.com): 3-of-4 with R = 0.9 per unit -> 0.9477.
    diagram = rbd.structure_bdd(block_graph(k_out_of_n(3, *"abcd")))
    assert diagram.probability(dict.fromkeys("abcd", 0.9)) == pytest.approx(0.9477, abs=1e-12)


def test_b5_two_out_of_three_exponential() -> None:
    # B5 (Reliability Engineering ICT, sec. 3.4, Example 9): lambda = 3e-5/h, t = 1e4 h.
    model = SystemModel(exp_parts(dict.fromkeys("abc", 3e-5)), block_graph(k_out_of_n(2, "a", "b", "c")))
    r = system_reliability(model, 1e4)
    assert r.reliability == pytest.approx(0.833296, abs=5e-7)
    assert r.mttf == pytest.approx(5 / (6 * 3e-5), rel=1e-8)  # 27 778 h


def standby_model(n: int, lam: float, mode: str = "cold", p: float = 1.0, dormancy: float | None = None) -> SystemModel:
    names = tuple(f"u{i}" for i in range(n))
    group = StandbyGroup("g", names, mode=mode, dormancy=dormancy, switch_reliability=p)
    return SystemModel(exp_parts(dict.fromkeys(names, lam)), block_graph(series("g")), standby=(group,))


@pytest.mark.parametrize("n", [2, 3])
def test_b6_cold_standby_erlang(n: int) -> None:
    # B6: R = e^{-lt} sum_{i<n} (lt)^i / i!  (Erlang), MTTF = n / lambda; n = 2, lt = 1: 0.735759.
    r = system_reliability(standby_model(n, 1.0), 1.0)
    assert r.reliability == pytest.approx(stats.gamma(n).sf(1.0), rel=1e-10)
    assert r.mttf == pytest.approx(n, rel=1e-8)
    if n == 2:
        assert r.reliability == pytest.approx(0.735759, abs=5e-7)


def test_standby_imperfect_switch_and_warm() -> None:
    # Textbook closed forms for two identical exponential units:
    # imperfect switch p: R = e^{-lt}(1 + p l t); warm (standby rate f l): R = e^{-lt}(1 + (1 - e^{-f l t}) / f).
    lam, t = 0.5, 2.0
    r = system_reliability(standby_model(2, lam, p=0.8), t)
    assert r.reliability == pytest.approx(math.exp(-lam * t) * (1 + 0.8 * lam * t), rel=1e-10)
    assert r.mttf == pytest.approx((1 + 0.8) / lam, rel=1e-8)
    f = 0.3
    r = system_reliability(standby_model(2, lam, mode="warm", dormancy=f), t)
    assert r.reliability == pytest.approx(math.exp(-lam * t) * (1 + (1 - math.exp(-f * lam * t)) / f), rel=1e-10)
    assert r.mttf == pytest.approx(1 / lam + 1 / (lam + f * lam), rel=1e-8)


def test_b7_bridge() -> None:
    # B7: R_s = 2R^2 + 2R^3 - 5R^4 + 2R^5; R = 0.9 -> 0.97848; MTTF = (1 + 2/3 - 5/4 + 2/5)/lambda.
    lam = 1e-4
    model = SystemModel(exp_parts(dict.fromkeys("abcde", lam)), network_graph(BRIDGE_EDGES))
    t = -math.log(0.9) / lam
    r = system_reliability(model, t)
    assert r.reliability == pytest.approx(0.97848, abs=1e-12)
    assert r.mttf == pytest.approx((1 + 2 / 3 - 5 / 4 + 2 / 5) / lam, rel=1e-8)


def test_b8_weibull_series_mttf() -> None:
    # B8: MTTF = eta Gamma(1 + 1/beta); n identical in series: eta_s = eta n^{-1/beta}.
    one = SystemModel((Component("w", Lifetime("weibull", shape=2.0, scale=1000.0)),), block_graph(series("w")))
    assert system_reliability(one, 10.0).mttf == pytest.approx(886.2269, rel=1e-6)
    parts = tuple(Component(f"w{i}", Lifetime("weibull", shape=2.0, scale=1000.0)) for i in range(3))
    three = SystemModel(parts, block_graph(series(*(p.name for p in parts))))
    assert system_reliability(three, 10.0).mttf == pytest.approx(1000 * 3 ** -0.5 * special.gamma(1.5), rel=1e-6)


def test_fixed_and_shifted_lives_mttf() -> None:
    # Parallel of a fixed 10 h life and 3 h + Exp(mean 5): MTTF = E[max] = 10 + 5 e^{-7/5}.
    parts = (Component("a", Lifetime("fixed", value=10.0)), Component("b", Lifetime("exponential", mean=5.0, loc=3.0)))
    r = system_reliability(SystemModel(parts, block_graph(parallel("a", "b"))), 4.0)
    assert r.mttf == pytest.approx(10 + 5 * math.exp(-7 / 5), rel=1e-9)
    assert r.reliability == 1.0


# ------------------------------------------------------------------ brute force
def brute_force_network(graph: nx.Graph, p: dict[str, float]) -> float:
    names = rbd.units(graph)
    total = 0.0
    for states in itertools.product([False, True], repeat=len(names)):
        up = dict(zip(names, states, strict=True))
        keep = [n for n in graph if n in ("in", "out") or up[graph.nodes[n]["unit"]]]
        if nx.has_path(graph.subgraph(keep), "in", "out"):
            total += math.prod(p[n] if s else 1 - p[n] for n, s in up.items())
    return total


def block_works(block: rbd.Block | str, up: dict[str, bool]) -> bool:
    if isinstance(block, str):
        return up[block]
    return sum(block_works(b, up) for b in block.items) >= block.k


@st.composite
def networks(draw: st.DrawFn) -> nx.Graph:
    names = ["a", "b", "c", "d", "e", "f"][: draw(st.integers(2, 6))]
    nodes = ["in", "out", *names]
    directed = draw(st.booleans())
    pairs = [(x, y) for x in nodes for y in nodes if x != y and {x, y} != {"in", "out"} and (directed or x < y)]
    edges = draw(st.lists(st.sampled_from(pairs), min_size=2, max_size=12, unique=True))
    return network_graph(edges, directed=directed)


@settings(max_examples=120, deadline=None)
@given(networks(), st.lists(st.floats(0.05, 0.95), min_size=6, max_size=6))
def test_network_factoring_equals_brute_force(graph: nx.Graph, probs: list[float]) -> None:
    p = dict(zip("abcdef", probs, strict=True))
    try:
        paths = rbd.minimal_path_sets(graph)
    except ModelError:
        return  # not two-terminal (tested below)
    exact = rbd.structure_bdd(graph).probability(p)
    assert exact == pytest.approx(brute_force_network(graph, p), abs=1e-12)
    assert_kernel_gates_match(graph, lambda up: nx.has_path(
        graph.subgraph([n for n in graph if n in ("in", "out") or up[graph.nodes[n]["unit"]]]), "in", "out"))


def assert_kernel_gates_match(graph: nx.Graph, works) -> None:  # noqa: ANN001
    """The kernel's threshold gates give the same system state as ``works`` in every unit state."""
    from youzhi.reliability._kernels_system import _system_up
    from youzhi.reliability.repairable import _gates

    names = rbd.units(graph)
    model = SystemModel(tuple(Component(n, Lifetime("exponential", rate=1.0)) for n in names), graph)
    gate_k, gate_ptr, gate_in = _gates(model, {u: i for i, u in enumerate(names)})
    for states in itertools.product([False, True], repeat=len(names)):
        comp_state = np.array([0 if s else 3 for s in states], np.int64)  # OPERATING / FAILED
        up = _system_up(comp_state, np.zeros(1, np.int64), np.zeros(0, np.int64), np.arange(len(names)), gate_k,
                        gate_ptr, gate_in, np.zeros(len(gate_k), np.bool_))
        assert bool(up) == works(dict(zip(names, states, strict=True)))


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> rbd.Block | str:
    if depth >= 2 or draw(st.booleans()):
        return draw(st.sampled_from("abcde"))  # names may repeat: a shared block
    items = draw(st.lists(blocks(depth + 1), min_size=1, max_size=3))
    kind = draw(st.sampled_from(["series", "parallel", "k_of_n"]))
    if kind == "k_of_n":
        return rbd.k_out_of_n(draw(st.integers(1, len(items))), *items)
    return rbd.series(*items) if kind == "series" else rbd.parallel(*items)


@settings(max_examples=60, deadline=None)
@given(blocks(), st.lists(st.floats(0.05, 0.95), min_size=5, max_size=5))
def test_block_factoring_and_kernel_gates_equal_brute_force(block: rbd.Block | str, probs: list[float]) -> None:
    graph = block_graph(block)
    names = rbd.units(graph)
    p = dict(zip("abcde", probs, strict=True))
    brute = 0.0
    for states in itertools.product([False, True], repeat=len(names)):
        up = dict(zip(names, states, strict=True))
        if block_works(block, up):
            brute += math.prod(p[n] if s else 1 - p[n] for n, s in up.items())
    assert rbd.structure_bdd(graph).probability(p) == pytest.approx(brute, abs=1e-12)
    assert_kernel_gates_match(graph, lambda up: block_works(block, up))


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(("edges", "message"), [
    ([("in", "a"), ("b", "out")], "not two-terminal"),
    ([("in", "a"), ("a", "out"), ("a", "b")], "'b' is not on any path"),
    ([("in", "a"), ("a", "b")], "no 'out' terminal"),
])
def test_not_two_terminal_is_an_error(edges: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        rbd.minimal_path_sets(network_graph(edges))


@pytest.mark.parametrize(("edges", "message"), [
    # a reaches 'out' and is reached from 'in' only through 'out' -> a -> 'in'
    ([("a", "in"), ("out", "a"), ("in", "b"), ("b", "out")], "edge leads into 'in' or out of 'out'"),
    # a hangs on a cycle through b: every in ... a ... out walk passes b twice
    ([("in", "b"), ("b", "out"), ("b", "a"), ("a", "b")], "'a' is not on any path"),
])
def test_directed_diagram_with_a_block_on_no_simple_path_is_an_error(edges, message) -> None:
    with pytest.raises(ModelError, match=message):
        rbd.check_two_terminal(network_graph(edges, directed=True))


def test_directed_bridge_with_a_cycle_is_accepted() -> None:
    # the two-way bridge member as two directed edges: every block is on a simple path
    edges = [("in", "a"), ("in", "b"), ("a", "c"), ("c", "b"), ("b", "c"), ("a", "out"), ("b", "d"), ("d", "out")]
    rbd.check_two_terminal(network_graph(edges, directed=True))


def test_model_errors_name_the_block() -> None:
    parts = exp_parts({"a": 1.0, "b": 1.0})
    with pytest.raises(ModelError, match="unknown block 'z'"):
        SystemModel(parts, block_graph(series("a", "b", "z")))
    with pytest.raises(ModelError, match="component 'b' is in neither"):
        SystemModel(parts, block_graph(series("a")))
    with pytest.raises(ModelError, match="k must be an integer from 1 to 2"):
        k_out_of_n(3, "a", "b")
    weib = (Component("u0", Lifetime("weibull", shape=2, scale=1)), Component("u1", Lifetime("weibull", shape=2, scale=1)))
    model = SystemModel(weib, block_graph(series("g")), standby=(StandbyGroup("g", ("u0", "u1")),))
    with pytest.raises(ModelError, match="exponential members"):
        system_reliability(model, 1.0)


@pytest.mark.parametrize(("dist", "params", "mean"), [
    ("exponential", {"mean": 50.0, "loc": 5.0}, 55.0),
    ("weibull", {"shape": 1.5, "scale": 100.0}, 100 * special.gamma(1 + 1 / 1.5)),
    ("lognormal", {"mean": 20.0, "std": 5.0}, 20.0),
    ("normal", {"mean": 10.0, "std": 2.0}, stats.truncnorm(-5, np.inf, 10, 2).mean()),
    ("gamma", {"shape": 3.0, "rate": 0.5}, 6.0),
    ("loglogistic", {"shape": 4.0, "scale": 10.0}, 10 * (math.pi / 4) / math.sin(math.pi / 4)),
    ("fixed", {"value": 7.0}, 7.0),
])
def test_lifetime_means(dist: str, params: dict[str, float], mean: float) -> None:
    # Means from the distributions' closed forms (loglogistic: scale (pi/b)/sin(pi/b)).
    assert Lifetime(dist, **params).mean == pytest.approx(mean, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(blocks(), st.lists(st.floats(0.1, 10.0), min_size=5, max_size=5))
def test_mttf_equals_the_exact_integral_over_states(block: rbd.Block | str, rates: list[float]) -> None:
    # independent closed form: MTTF = sum over working states of the integral of
    # prod_up e^(-l t) prod_down (1 - e^(-l t)) = sum_{S <= down} (-1)^|S| / (sum of l over up + S)
    graph = block_graph(block)
    names = rbd.units(graph)
    lam = dict(zip(names, rates, strict=False))
    model = SystemModel(tuple(Component(n, Lifetime("exponential", rate=lam[n])) for n in names), graph)
    exact = 0.0
    for states in itertools.product([False, True], repeat=len(names)):
        up = dict(zip(names, states, strict=True))
        if not block_works(block, up):
            continue
        down = [n for n in names if not up[n]]
        for r in range(len(down) + 1):
            for extra in itertools.combinations(down, r):
                exact += (-1) ** r / (sum(lam[n] for n in names if up[n]) + sum(lam[n] for n in extra))
    assert system_reliability(model, 1.0).mttf == pytest.approx(exact, rel=1e-8)


def test_large_diagrams_are_exact_without_path_sets() -> None:
    # 10-out-of-20 (184 756 minimal path sets) and a series of 30 parallel pairs (2**30 path sets):
    # both compile through the BDD; closed forms: a binomial tail, and (1 - q^2)^30
    lam, t = 1e-3, 400.0
    p = math.exp(-lam * t)
    names = [f"u{i}" for i in range(20)]
    vote = SystemModel(exp_parts(dict.fromkeys(names, lam)), block_graph(k_out_of_n(10, *names)))
    assert system_reliability(vote, t).reliability == pytest.approx(stats.binom.sf(9, 20, p), rel=1e-12)
    pairs = [f"p{i}{s}" for i in range(30) for s in "ab"]
    chain = SystemModel(exp_parts(dict.fromkeys(pairs, lam)),
                        block_graph(series(*(parallel(f"p{i}a", f"p{i}b") for i in range(30)))))
    assert system_reliability(chain, t).reliability == pytest.approx((1 - (1 - p) ** 2) ** 30, rel=1e-12)


def test_a_diagram_that_bypasses_every_block_is_refused() -> None:
    graph = network_graph([("in", "a"), ("a", "out"), ("in", "out")])
    with pytest.raises(ModelError, match="'in' is joined to 'out' by a path through no block"):
        SystemModel(exp_parts({"a": 1.0}), graph)
