"""Repairable-system simulation against closed forms, Markov chains (scipy) and a Python twin.

References: BENCHMARKS.md Part B (B1-B7 closed forms, B12 single repairable unit, B13 two-unit
Markov model from Birolini ch. 6, B17 ReliaWiki "Repairable Systems Analysis Through
Simulation"). Tolerances: the simulation's own 99.9 % confidence interval (z = 3.29).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from scipy import integrate, linalg

from youzhi.errors import InputError, YouzhiWarning
from youzhi.reliability.rbd import block_graph, k_out_of_n, network_graph, parallel, series
from youzhi.reliability.repairable import BLOCK_SIZE, Estimate, simulate_system
from youzhi.reliability.system import SystemModel, system_reliability
from youzhi.reliability.system_model import Component, Lifetime, StandbyGroup

# systems without repair warn that their 'mtbf' is not an MTTF (tested once, below)
pytestmark = pytest.mark.filterwarnings("ignore:.*no component is repaired:UserWarning")
JIT = os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")
N = 40_000 if JIT else 400  # histories; small without compilation
CONF = 0.999
BRIDGE = [("in", "a"), ("in", "b"), ("a", "c"), ("b", "c"), ("a", "d"), ("b", "e"), ("c", "d"), ("c", "e"),
          ("d", "out"), ("e", "out")]


def assert_inside(est: Estimate, reference: float) -> None:
    low, high = est.confidence_interval
    assert low <= reference <= high, f"{reference} outside {est.confidence_interval} (value {est.value})"


def exp_parts(rates: dict[str, float], repair_rate: float | None = None) -> tuple[Component, ...]:
    repair = Lifetime("exponential", rate=repair_rate) if repair_rate else None
    return tuple(Component(n, Lifetime("exponential", rate=r), repair) for n, r in rates.items())


NON_REPAIRABLE = {
    "B1 series": (SystemModel(exp_parts({"a": 1 / 5000, "b": 1 / 7000}), block_graph(series("a", "b"))), 2000.0),
    "B2 parallel": (SystemModel(exp_parts(dict.fromkeys("abc", 1e-3)), block_graph(parallel(*"abc"))), 1500.0),
    "B5 2oo3": (SystemModel(exp_parts(dict.fromkeys("abc", 3e-5)), block_graph(k_out_of_n(2, *"abc"))), 1e4),
    "B6 cold standby": (SystemModel(exp_parts({"u0": 1.0, "u1": 1.0}), block_graph(series("g")),
                                    standby=(StandbyGroup("g", ("u0", "u1")),)), 1.0),
    "warm standby, imperfect switch": (SystemModel(exp_parts({"u0": 1.0, "u1": 1.0, "u2": 0.5}), block_graph(series("g")),
                                       standby=(StandbyGroup("g", ("u0", "u1", "u2"), mode="warm", dormancy=0.4,
                                                             switch_reliability=0.7),)), 1.5),
    "B7 bridge": (SystemModel(exp_parts(dict.fromkeys("abcde", 1e-4)), network_graph(BRIDGE)), 1053.605),
}


@pytest.mark.parametrize("case", list(NON_REPAIRABLE))
def test_non_repairable_reliability_and_mttf_inside_interval(case: str) -> None:
    # Exact R(t) and MTTF come from system_reliability, itself checked against the closed forms
    # of BENCHMARKS.md B1-B7 in test_system_rbd.py.
    model, t = NON_REPAIRABLE[case]
    exact = system_reliability(model, t)
    at_t = simulate_system(model, t, N, seed=11, confidence=CONF)
    assert_inside(at_t.reliability, exact.reliability)
    assert_inside(at_t.point_availability, exact.reliability)  # no repair: up at t iff no failure
    long = simulate_system(model, 60 * exact.mttf, N, seed=12, confidence=CONF)
    assert_inside(long.time_to_first_failure, exact.mttf)  # R(60 MTTF) is negligible here


def test_no_repair_warns_that_mtbf_is_not_the_mttf() -> None:
    model, t = NON_REPAIRABLE["B1 series"]
    with pytest.warns(YouzhiWarning, match="no component is repaired, so 'mtbf' is the up time per system failure"):
        simulate_system(model, t, 100, seed=1)


def test_b12_single_repairable_unit() -> None:
    # B12: A(t) = mu/(l+mu) + l/(l+mu) e^{-(l+mu)t}; MTBF 100, MTTR 5 -> A_ss = 0.952381.
    lam, mu, horizon = 0.01, 0.2, 30.0
    model = SystemModel(exp_parts({"unit": lam}, mu), block_graph(series("unit")))
    r = simulate_system(model, horizon, N, seed=3, confidence=CONF)
    s = lam + mu
    assert_inside(r.point_availability, mu / s + lam / s * math.exp(-s * horizon))
    mean_a = mu / s + lam / (s * s * horizon) * (1 - math.exp(-s * horizon))  # (1/T) integral of A(t)
    assert_inside(r.availability, mean_a)
    long = simulate_system(model, 2000.0, max(N // 10, 200), seed=4, confidence=CONF)
    assert mu / s == pytest.approx(0.952381, abs=5e-7)
    assert_inside(long.availability, mu / s + lam / (s * s * 2000.0) * (1 - math.exp(-s * 2000.0)))
    assert_inside(long.mtbf, 1 / lam)  # failures occur at rate lambda while up: E[F] = lambda E[U]
    assert_inside(long.mttr, 1 / mu)
    # on the short mission too: a repair still running at the end is followed to its end (cutting
    # it there gave MTTR 3.5 instead of 5 on a 20 h mission)
    assert_inside(simulate_system(model, 20.0, 5 * N, seed=5, confidence=CONF).mttr, 1 / mu)


def two_unit_chain(lam: float, mu: float, crews: int) -> np.ndarray:
    """Generator of the 2-unit active-parallel repairable system; states = units failed (0, 1, 2)."""
    return np.array([[-2 * lam, 2 * lam, 0.0],
                     [mu, -(mu + lam), lam],
                     [0.0, crews * mu, -crews * mu]])


@pytest.mark.parametrize(("crews", "unavailability"), [(1, 4.5249e-3), (2, 2.2676e-3)])
def test_b13_two_unit_markov_model(crews: int, unavailability: float) -> None:
    # B13 (Birolini ch. 6): l = 0.01, mu = 0.2; MTTF = (3l + mu)/(2 l^2) = 1150.
    lam, mu = 0.01, 0.2
    q = two_unit_chain(lam, mu, crews)
    # Independent reference 1: the CTMC solved with scipy.
    pi = linalg.null_space(q.T)[:, 0]
    pi = pi / pi.sum()
    assert pi[2] == pytest.approx(unavailability, rel=1e-4)
    mttf_ctmc = linalg.solve(-q[:2, :2], np.ones(2))[0]
    assert mttf_ctmc == pytest.approx(1150.0, rel=1e-12)
    assert (3 * lam + mu) / (2 * lam**2) == pytest.approx(1150.0)
    # Simulation over a finite mission against the chain's transient solution.
    horizon = 3000.0
    p_t = lambda t: linalg.expm(q * t)[0]  # noqa: E731
    up_integral = integrate.quad(lambda t: 1 - p_t(t)[2], 0, horizon, limit=200)[0]
    failures = integrate.quad(lambda t: lam * p_t(t)[1], 0, horizon, limit=200)[0]
    absorbing = q.copy()
    absorbing[2] = 0.0
    first_failure = integrate.quad(lambda t: 1 - linalg.expm(absorbing * t)[0, 2], 0, horizon, limit=200)[0]
    units = exp_parts({"a": lam, "b": lam}, mu)
    model = SystemModel(units, block_graph(parallel("a", "b")), repair_crews=None if crews == 2 else 1)
    r = simulate_system(model, horizon, N // 4, seed=5 + crews, confidence=CONF)
    assert_inside(r.availability, up_integral / horizon)
    assert_inside(r.failures, failures)
    assert_inside(r.time_to_first_failure, first_failure)
    assert_inside(r.mttr, 1 / (crews * mu))  # a system down period ends at the first repair: Exp(crews mu)
    assert_inside(r.point_availability, 1 - p_t(horizon)[2])


def test_b17_deterministic_series_without_ageing_while_down() -> None:
    # B17 (ReliaWiki): A fails every 100 op-h, B every 120 op-h, 10 h repairs, no ageing while down:
    # over 0-300 h, 4 downing events, 40 h down, A = 0.8667.
    fixed = lambda v: Lifetime("fixed", value=v)  # noqa: E731
    parts = (Component("A", fixed(100.0), fixed(10.0)), Component("B", fixed(120.0), fixed(10.0)))
    model = SystemModel(parts, block_graph(series("A", "B")), age_while_down=False)
    r = simulate_system(model, 300.0, 2, seed=0)
    assert r.failures.value == 4.0
    assert r.mttr.value == pytest.approx(10.0)
    assert r.availability.value == pytest.approx(260 / 300)
    assert round(r.availability.value, 4) == 0.8667


@pytest.mark.parametrize(("dist", "params"), [
    ("exponential", {"mean": 50.0, "loc": 5.0}), ("weibull", {"shape": 1.5, "scale": 100.0, "loc": 2.0}),
    ("lognormal", {"mean": 20.0, "std": 5.0}), ("normal", {"mean": 3.0, "std": 2.0}),
    ("gamma", {"shape": 0.7, "rate": 0.5}), ("loglogistic", {"shape": 4.0, "scale": 10.0}),
])
def test_kernel_sampling_matches_distribution(dist: str, params: dict[str, float]) -> None:
    # Mean life (scipy's moments) and R(t) at the median-ish time, for each kernel sampler.
    life = Lifetime(dist, **params)
    model = SystemModel((Component("x", life),), block_graph(series("x")))
    t = float(life._scipy().ppf(0.4))
    assert_inside(simulate_system(model, t, N, seed=21, confidence=CONF).reliability, float(life.sf(t)))
    assert_inside(simulate_system(model, 1e3 * life.mean, N, seed=22, confidence=CONF).time_to_first_failure, life.mean)


def mixed_model() -> SystemModel:
    """A small system using every feature: warm standby with imperfect delayed switching, one crew,
    a 2-of-3 vote, non-exponential lives and repairs, and no ageing while down."""
    parts = (
        Component("motor", Lifetime("weibull", shape=1.5, scale=400.0), Lifetime("lognormal", mean=8.0, std=4.0)),
        Component("p1", Lifetime("gamma", shape=2.0, scale=150.0), Lifetime("normal", mean=10.0, std=3.0)),
        Component("p2", Lifetime("gamma", shape=2.0, scale=150.0), Lifetime("normal", mean=10.0, std=3.0)),
        Component("s1", Lifetime("loglogistic", shape=3.0, scale=200.0), Lifetime("exponential", mean=6.0)),
        Component("s2", Lifetime("exponential", mean=250.0), Lifetime("fixed", value=5.0)),
        Component("s3", Lifetime("exponential", mean=250.0), Lifetime("fixed", value=5.0)),
    )
    pumps = StandbyGroup("pumps", ("p1", "p2"), mode="warm", dormancy=0.3, switch_reliability=0.9, switch_delay=0.5)
    return SystemModel(parts, block_graph(series("motor", "pumps", k_out_of_n(2, "s1", "s2", "s3"))), (pumps,),
                       repair_crews=1, age_while_down=False)


@pytest.mark.slow
def test_kernel_agrees_with_python_twin() -> None:
    from youzhi.reliability._repairable_twin import python_result

    model = mixed_model()
    # uncompiled, enough histories that the normal approximation of the binary point availability
    # (about 0.97) holds: with 200 and 100 it failed at 3.3 standard errors
    fast = simulate_system(model, 1000.0, N // 2 if JIT else 1000, seed=31)
    twin = python_result(model, 1000.0, 600, seed=32)
    for key in ("availability", "failures", "mtbf", "mttr", "point_availability", "time_to_first_failure"):
        a, b = getattr(fast, key), getattr(twin, key)
        assert abs(a.value - b.value) <= 3.29 * math.hypot(a.std_error, b.std_error), key


def test_same_seed_same_answer_whatever_the_threads() -> None:
    model = mixed_model()
    n = 2 * BLOCK_SIZE + 17 if JIT else 40
    one = simulate_system(model, 500.0, n, seed=9, workers=1).to_dict()
    two = simulate_system(model, 500.0, n, seed=9, workers=2).to_dict()
    assert one == two
    assert simulate_system(model, 500.0, n, seed=10, workers=2).to_dict() != one


@pytest.mark.slow
@pytest.mark.skipif(not JIT, reason="compares compiled and uncompiled runs")
def test_uncompiled_kernel_gives_the_same_numbers() -> None:
    code = ("import json; from tests.reliability.test_system_simulation import mixed_model;"
            "from youzhi.reliability.repairable import simulate_system;"
            "print(json.dumps(simulate_system(mixed_model(), 500.0, 60, seed=4).to_dict()))")
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=300)
    plain = json.loads(out.stdout)
    compiled = simulate_system(mixed_model(), 500.0, 60, seed=4).to_dict()
    for key in ("availability", "failures", "mtbf", "mttr"):
        assert plain[key]["value"] == pytest.approx(compiled[key]["value"], rel=1e-9), key


def test_bad_arguments() -> None:
    model = mixed_model()
    with pytest.raises(InputError, match="mission_time"):
        simulate_system(model, -1.0, 10)
    with pytest.raises(InputError, match="histories"):
        simulate_system(model, 10.0, 1)
    with pytest.raises(InputError, match="confidence"):
        simulate_system(model, 10.0, 10, confidence=1.5)


def test_standby_with_two_running_members() -> None:
    # 2 of 3 cold-standby units run, no repair: the group sees failures at rate 2 lambda and survives
    # one of them, so its life is Erlang(2, 2 lambda): R(t) = e^{-2 l t}(1 + 2 l t), MTTF = 1/lambda.
    lam = 0.5
    group = StandbyGroup("g", ("u0", "u1", "u2"), operating=2)
    model = SystemModel(exp_parts(dict.fromkeys(("u0", "u1", "u2"), lam)), block_graph(series("g")), (group,))
    t = 1.2
    assert_inside(simulate_system(model, t, N, seed=41, confidence=CONF).reliability,
                  math.exp(-2 * lam * t) * (1 + 2 * lam * t))
    assert_inside(simulate_system(model, 80.0, N, seed=42, confidence=CONF).time_to_first_failure, 1 / lam)


def test_switch_delay_is_a_short_system_failure() -> None:
    # Cold pair, perfect switch taking d hours, no repair, long mission: the system goes down once
    # for exactly d at the switch and once for good, so failures = 2, MTTR = d, mean uptime = 2/lambda.
    lam, d = 0.01, 1.5
    group = StandbyGroup("g", ("u0", "u1"), switch_delay=d)
    model = SystemModel(exp_parts({"u0": lam, "u1": lam}), block_graph(series("g")), (group,))
    horizon = 8000.0
    r = simulate_system(model, horizon, N, seed=43, confidence=CONF)
    assert r.mttr.value == pytest.approx(d, rel=1e-9)
    assert_inside(r.failures, 2 - math.exp(-lam * horizon) * (1 + lam * horizon) - math.exp(-lam * horizon))
    assert_inside(r.time_to_first_failure, 1 / lam)
    assert_inside(r.availability, 2 / lam / horizon)


@pytest.mark.parametrize("module", ["rbd", "system", "system_model", "system_file", "repairable"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    failures, _ = doctest.testmod(importlib.import_module(f"youzhi.reliability.{module}"))
    assert failures == 0


def test_no_failure_seen_gives_distribution_free_bounds_not_zero_width():
    # two parallel units that essentially never both fail in a 1 h mission: the spread is zero,
    # so the intervals come from exact 0-event bounds (Poisson via chi-square, Clopper-Pearson)
    from scipy import stats

    from youzhi.errors import YouzhiWarning

    pair = tuple(Component(n, Lifetime("exponential", rate=1e-6), Lifetime("exponential", rate=1.0)) for n in "ab")
    model = SystemModel(pair, block_graph(parallel("a", "b")))
    n = 500
    with pytest.warns(YouzhiWarning, match="no system failure in 500 histories"):
        r = simulate_system(model, 1.0, histories=n, seed=1)
    assert r.failures.value == 0 and r.failures.confidence_interval[1] == pytest.approx(stats.chi2.ppf(0.975, 2) / 2 / n)
    assert r.availability.confidence_interval[0] == pytest.approx(1 - stats.beta.ppf(0.975, 1, n))
    assert r.availability.confidence_interval[1] == 1.0
