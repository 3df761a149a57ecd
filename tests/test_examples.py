"""The shipped examples that no subpackage test runs, each against an independent answer."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from youzhi import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_json(capsys, *argv):
    assert cli.main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def glm(gamma, lam, mu, t):
    """Unavailability of a repairable unit (Open-PSA MEF GLM)."""
    s = lam + mu
    return (lam - (lam - gamma * s) * math.exp(-s * t)) / s


def test_cooling_fault_tree_against_its_closed_form(capsys):
    # top = CCF(pumps) or valve or (pumpA and pumpB) or (mains and UPS): four independent terms
    t, mu, beta = 8760.0, 0.0416667, 0.1
    q_pump = glm(0, 2e-4, mu, t)
    terms = [beta * q_pump, glm(0, 1e-5, mu, t), ((1 - beta) * q_pump) ** 2,
             glm(0, 5e-4, 0.25, t) * glm(0.002, 1e-4, mu, t)]
    exact = 1 - np.prod([1 - q for q in terms])
    out = run_json(capsys, "fta", "analyze", str(EXAMPLES / "fta" / "cooling.xml"), "--time", str(t), "--mtbf")
    assert out["probability"] == pytest.approx(exact, rel=1e-12)
    assert out["cut_sets"]["count"] == 4
    # steady state: each cut set fails at sum_i w_i prod_{j != i} q_j with w = lambda (1 - q);
    # the mission average differs by the first day's transient only (< 1 %)
    q = {"ccf": beta * (2e-4 / (2e-4 + mu)), "a": (1 - beta) * 2e-4 / (2e-4 + mu), "v": 1e-5 / (1e-5 + mu),
         "m": 5e-4 / (5e-4 + 0.25), "u": glm(0.002, 1e-4, mu, 1e9)}
    w = {"ccf": beta * 2e-4 * (1 - 2e-4 / (2e-4 + mu)), "a": (1 - beta) * 2e-4 * (1 - 2e-4 / (2e-4 + mu)),
         "v": 1e-5 * (1 - q["v"]), "m": 5e-4 * (1 - q["m"]), "u": 1e-4 * (1 - q["u"])}
    frequency = w["ccf"] + w["v"] + 2 * w["a"] * q["a"] + w["m"] * q["u"] + w["u"] * q["m"]
    assert out["reliability"]["mtbf"] == pytest.approx(1 / frequency, rel=0.01)


def test_pump_life_data_weibull_mle_matches_scipy(capsys):
    rows = [line.split(",") for line in (EXAMPLES / "life" / "pump_failures.csv").read_text().split()[1:]]
    times = np.array([float(t) for t, _ in rows])
    failed = np.array([s == "F" for _, s in rows])
    data = stats.CensoredData.right_censored(times, ~failed)
    shape, _, scale = stats.weibull_min.fit(data, floc=0)
    out = run_json(capsys, "life", "fit", str(EXAMPLES / "life" / "pump_failures.csv"))
    assert out["parameters"]["beta"] == pytest.approx(shape, rel=1e-4)
    assert out["parameters"]["eta"] == pytest.approx(scale, rel=1e-4)
    assert out["b10"] == pytest.approx(scale * (-math.log(0.9)) ** (1 / shape), rel=1e-4)


def test_cooling_uncertainty_percentiles_follow_the_valve_rate(capsys):
    # only the valve's rate is uncertain (lognormal, mean 1e-5, error factor 3 at 95 %) and the top
    # probability rises with it, so its percentiles are the top probability at the rate's percentiles
    t, mu, beta = 8760.0, 0.0416667, 0.1
    sigma = math.log(3.0) / stats.norm.ppf(0.95)
    rate = stats.lognorm(sigma, scale=1e-5 * math.exp(-sigma**2 / 2))

    def top(lam_valve):
        q_pump = glm(0, 2e-4, mu, t)
        terms = [beta * q_pump, glm(0, lam_valve, mu, t), ((1 - beta) * q_pump) ** 2,
                 glm(0, 5e-4, 0.25, t) * glm(0.002, 1e-4, mu, t)]
        return 1 - np.prod([1 - q for q in terms])

    out = run_json(capsys, "fta", "analyze", str(EXAMPLES / "fta" / "cooling.xml"), "--uncertainty", "20000", "--seed", "3")
    percentiles = out["uncertainty"]["percentiles"]
    # sample quantiles of 20000 draws: relative error of the 5 % / 95 % points below about 2 %
    for level, key in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
        assert percentiles[key] == pytest.approx(top(rate.ppf(level)), rel=0.03), key


def test_rp28_rare_event_example_by_subset_simulation(capsys):
    # BENCHMARKS.md A, RP28, verified by 1-D quadrature: 1.453295e-7
    out = run_json(capsys, "mc", "run", str(EXAMPLES / "rp28.toml"))
    assert out["method"] == "subset" and out["n_evaluations"] <= 100_000
    assert abs(out["pf"] / 1.453295e-7 - 1) < 3 * out["cov"] and out["cov"] < 0.25
