"""``youzhi mc run`` and ``youzhi mc batch``: JSON contract, overrides, and one clear line on bad input."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from youzhi import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "stress_strength.toml")
PF_A3 = float(special.ndtr(-50 / math.sqrt(300)))  # BENCHMARKS.md A.3, exact: 1.946e-3
JIT = os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")
N = 400_000 if JIT else 5_000


def run_json(capsys, *argv):
    status = cli.main(["mc", "run", *argv, "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


def test_run_json_contract_and_accuracy(capsys):
    out = run_json(capsys, EXAMPLE, "--samples", str(N), "--target-cov", "0", "--seed", "5")
    assert {"pf", "beta", "cov", "n_evaluations", "confidence_interval", "method", "seed"} <= set(out)
    assert out["method"] == "crude" and out["seed"] == 5 and out["n_evaluations"] == N  # --target-cov 0: exactly N
    assert abs(out["pf"] - PF_A3) <= 4 * math.sqrt(PF_A3 / N)
    assert out["confidence_interval"][0] <= out["pf"] <= out["confidence_interval"][1]


def test_file_settings_are_used_and_overridden(capsys):
    # the file asks for target_cov 0.02 with a 1e7 budget: stops early
    if not JIT:
        pytest.skip("1e5-sample early stop is slow without the JIT")
    out = run_json(capsys, EXAMPLE)
    assert out["cov"] <= 0.02 and out["n_evaluations"] < 10**7 and out["seed"] == 1
    lhs = run_json(capsys, EXAMPLE, "--method", "lhs", "--samples", "200000", "--seed", "2")
    assert lhs["method"] == "lhs" and abs(lhs["pf"] - PF_A3) <= 5 * lhs["cov"] * lhs["pf"]


def test_text_output(capsys):
    assert cli.main(["mc", "run", EXAMPLE, "--samples", "2000", "--target-cov", "0"]) == 0
    text = capsys.readouterr().out
    assert "pf" in text and "95% interval" in text and "evaluations     2000" in text


def test_form_is_exact_on_the_linear_normal_problem(capsys):
    out = run_json(capsys, EXAMPLE, "--method", "form")
    assert out["method"] == "form" and out["beta"] == pytest.approx(50 / math.sqrt(300), rel=1e-6)


@pytest.mark.parametrize("method", ["sorm", "importance", "subset"])
def test_other_methods_dispatch(capsys, method):
    out = run_json(capsys, EXAMPLE, "--method", method, "--samples", "4000", "--target-cov", "0", "--seed", "1")
    assert out["method"] == method
    tolerance = 1e-6 if method == "sorm" else 0.5  # SORM is exact on a linear problem; sampling: loose
    assert out["pf"] == pytest.approx(PF_A3, rel=tolerance)


def write(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text)
    return str(path)


BASE = Path(EXAMPLE).read_text()


@pytest.mark.parametrize("text, message", [
    ("[[variables]\n", "malformed TOML"),
    (BASE.replace('distribution = "normal"', 'distribution = "nromal"', 1), "variables[0].distribution: unknown distribution 'nromal'"),
    (BASE.replace("std = 10.0", "std = -10.0"), "variables[1].std: must be > 0, got -10.0"),
    (BASE.replace('pairs = [["R", "S", 0.5]]', 'pairs = [["R", "T", 0.5]]'), "correlation.pairs[0]: unknown variable 'T'"),
    (BASE.replace('expression = "R - S"', 'expression = "R.__class__"'), "attribute access is not allowed"),
    (BASE.replace('expression = "R - S"', 'expression = "R - Q"'), "unknown name"),
    (BASE.replace('expression = "R - S"', 'expression = "log(R - 1000)"'), "returned NaN at R="),
    (BASE.replace('[limit_state]\nexpression = "R - S"\n', ""), "limit_state: missing"),
])
def test_bad_input_one_line_and_exit_2(tmp_path, capsys, text, message):
    path = write(tmp_path, text)
    assert cli.main(["mc", "run", path, "--samples", "1000"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("youzhi: error: ") and "\n" not in err and message in err
    if "NaN" not in message:  # file errors name the file; a NaN names the point instead
        assert "p.toml" in err


def test_bad_flags_are_rejected_by_argparse(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["mc", "run", EXAMPLE, "--samples", "-5"])
    assert exc.value.code == 2 and "positive integer" in capsys.readouterr().err


def test_batch_command_matches_run(tmp_path, capsys):
    ckpt = str(tmp_path / "c.ckpt")
    n = 2**18 * 3
    assert cli.main(["mc", "batch", EXAMPLE, "--samples", str(n), "--checkpoint", ckpt, "--chunk-size", str(2**18),
                     "--workers", "1", "--seed", "3", "--json"]) == 0
    batch = json.loads(capsys.readouterr().out)
    run = run_json(capsys, EXAMPLE, "--samples", str(n), "--target-cov", "0", "--seed", "3")
    assert batch["n_failures"] == run["n_failures"] and batch["n_evaluations"] == n


def test_help_has_examples_and_registration_is_light():
    out = subprocess.run([sys.executable, "-m", "youzhi.cli", "mc", "run", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert "examples:" in out.stdout and "--target-cov" in out.stdout
    code = "import sys, youzhi.reliability._cli_mc; print(any(m in sys.modules for m in ('numba', 'scipy')))"  # numpy comes with youzhi._cli_util
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


@pytest.mark.slow
@pytest.mark.skipif(not JIT, reason="millions of samples")
def test_flagship_cantilever_against_an_independent_numpy_estimate(capsys):
    # the shipped example, as the README runs it, against a separate NumPy/scipy.stats simulation
    # of the same physics (Wu et al. 2001 cantilever, w = 2.5, t = 3.8) drawn with scipy's own rvs
    out = run_json(capsys, str(ROOT / "examples" / "cantilever.toml"))
    assert out["cov"] <= 0.01
    from scipy import stats

    rng = np.random.default_rng(123)
    n, w, t = 4_000_000, 2.5, 3.8
    zeta = math.sqrt(math.log1p(0.05**2))
    X = stats.norm(500, 100).rvs(n, random_state=rng)
    Y = stats.norm(1000, 100).rvs(n, random_state=rng)
    E = stats.lognorm(zeta, scale=2.9e7 * math.exp(-zeta**2 / 2)).rvs(n, random_state=rng)
    R = stats.lognorm(zeta, scale=4e4 * math.exp(-zeta**2 / 2)).rvs(n, random_state=rng)
    stress = R - (600 * Y / (w * t**2) + 600 * X / (w**2 * t))
    deflection = 2.2535 - 4 * 100**3 / (E * w * t) * np.sqrt((Y / t**2) ** 2 + (X / w**2) ** 2)
    reference = float(np.mean(np.minimum(stress, deflection) <= 0))
    se = math.hypot(out["cov"] * out["pf"], math.sqrt(reference * (1 - reference) / n))
    assert abs(out["pf"] - reference) <= 4 * se


def test_cli_sorm_choices_match_the_library():
    from youzhi.reliability import _cli_mc, form

    assert _cli_mc.SORM_METHODS == form.SORM_METHODS


def test_subset_samples_is_the_evaluation_budget(tmp_path, capsys):
    # --samples caps the limit-state calls of subset simulation, as for every sampling method
    from youzhi import cli

    problem = tmp_path / "p.toml"
    problem.write_text('[[variables]]\nname = "R"\ndistribution = "normal"\nmean = 7.0\nstd = 1.0\n'
                       '[[variables]]\nname = "S"\ndistribution = "normal"\nmean = 2.0\nstd = 1.0\n'
                       '[limit_state]\nexpression = "R - S"\n')
    from youzhi.errors import YouzhiWarning

    with pytest.warns(YouzhiWarning, match="max_evaluations=20000"):
        assert cli.main(["mc", "run", str(problem), "--method", "subset", "--samples", "20000",
                         "--target-cov", "0.01", "--seed", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 5000 < out["n_evaluations"] <= 20000
    # reference: Phi(-5 / sqrt(2)) = 2.034760e-4
    assert abs(out["pf"] / 2.034760e-4 - 1) < 4 * out["cov"]
