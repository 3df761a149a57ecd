"""ReliabilityProblem and the TOML problem file: maps, counting, NaN and the bad inputs of issue 4."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from youzhi.errors import ComputationError, DataFileError, ExpressionError, FileFormatError, InputError
from youzhi.reliability.distributions import RandomVariable
from youzhi.reliability.problem import ReliabilityProblem, read_problem_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

GOOD = """
seed = 3
[[variables]]
name = "R"
distribution = "lognormal"
mean = 5.0
std = 0.5
[[variables]]
name = "S"
distribution = "normal"
mean = 2.0
std = 0.6
[correlation]
pairs = [["R", "S", 0.3]]
[limit_state]
expression = "R - S"
[analysis]
method = "subset"
target_cov = 0.05
"""


def write(tmp_path: Path, text: str, name: str = "p.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_reads_the_design_md_example(tmp_path):
    loaded = read_problem_file(write(tmp_path, GOOD))
    problem = loaded.problem
    assert problem.names == ("R", "S") and problem.dim == 2
    assert loaded.analysis.method == "subset" and loaded.analysis.target_cov == 0.05 and loaded.analysis.seed == 3
    assert problem.nataf.x_correlation[0, 1] == 0.3
    # the marginals are those asked for: check moments with scipy
    assert problem.variables[0].dist.mean() == pytest.approx(5.0) and problem.variables[0].dist.std() == pytest.approx(0.5)


def test_u_x_maps_round_trip_and_g_counts(tmp_path):
    problem = ReliabilityProblem.from_toml(write(tmp_path, GOOD))
    u = np.random.default_rng(0).standard_normal((50, 2))
    x = problem.u_to_x(u)
    np.testing.assert_allclose(problem.x_to_u(x), u, atol=1e-9)
    assert problem.n_evaluations == 0
    np.testing.assert_allclose(problem.g_u(u), x[:, 0] - x[:, 1])
    problem.g(x[:7])
    assert problem.n_evaluations == 57
    with pytest.raises(InputError, match=r"expected shape \(n, 2\)"):
        problem.g(np.ones((3, 3)))


def test_nan_from_the_limit_state_is_an_error_naming_the_point():
    problem = ReliabilityProblem([RandomVariable("x", "normal", mean=0, std=1)], "sqrt(x)")
    with pytest.raises(ComputationError, match=r"returned NaN at x=-1 \(1 of 2 rows\)"):
        problem.g(np.array([[4.0], [-1.0]]))
    python = ReliabilityProblem([RandomVariable("x", "normal", mean=0, std=1)], lambda x: np.full(len(x), np.nan))
    with pytest.raises(ComputationError, match="NaN"):
        python.g(np.zeros((2, 1)))


def test_python_constructor_accepts_pairs_matrix_and_callables():
    r, s = RandomVariable("R", "normal", mean=200, std=20), RandomVariable("S", "normal", mean=150, std=10)
    a = ReliabilityProblem([r, s], "R - S", [["R", "S", 0.5]])
    b = ReliabilityProblem([r, s], lambda x: x[:, 0] - x[:, 1], np.array([[1, 0.5], [0.5, 1]]))
    np.testing.assert_allclose(a.nataf.cholesky, b.nataf.cholesky)
    with pytest.raises(InputError, match="used twice"):
        ReliabilityProblem([r, r], "R")


BAD_CASES = [
    # (file text, error class, message that must appear)
    ("[[variables]\nname = 'R'", FileFormatError, r"p.toml: malformed TOML: .*line 1"),
    (GOOD.replace('distribution = "lognormal"', 'distribution = "lognormale"'), InputError,
     r"p.toml: variables\[0\].distribution: unknown distribution 'lognormale'; accepted: normal, lognormal"),
    (GOOD.replace("mean = 2.0\nstd = 0.6", "mean = 2.0\nsigma = 0.6"), InputError,
     r"p.toml: variables\[1\]: parameters \['mean', 'sigma'\] do not form a set for distribution 'normal'; accepted: mean, std \| mu, sigma"),
    (GOOD.replace("std = 0.6", "std = -1"), InputError, r"^p.toml: variables\[1\].std: must be > 0, got -1$"),
    (GOOD.replace("std = 0.6", "std = 0"), InputError, r"variables\[1\].std: must be > 0, got 0$"),
    (GOOD.replace('pairs = [["R", "S", 0.3]]', 'matrix = [[1, 1.2], [1.2, 1]]'), InputError,
     r"p.toml: correlation: off-diagonal entries must lie strictly between -1 and 1"),
    (GOOD.replace('pairs = [["R", "S", 0.3]]', 'pairs = [["R", "T", 0.3]]'), InputError,
     r"p.toml: correlation.pairs\[0\]: unknown variable 'T'; variables are R, S"),
    (GOOD.replace('expression = "R - S"', 'expression = "R - Q"'), ExpressionError,
     r"p.toml: limit_state.expression: unknown name .*'Q'"),
    (GOOD.replace('expression = "R - S"', 'expression = "R.real - S"'), ExpressionError,
     r"p.toml: limit_state.expression: attribute access is not allowed: 'R.real'"),
    (GOOD.replace('expression = "R - S"', 'expression = "(lambda: R)()"'), ExpressionError,
     r"p.toml: limit_state.expression: .*lambda"),
    (GOOD.replace('expression = "R - S"', "expression = \"__import__('os').getcwd()\""), ExpressionError,
     r"p.toml: limit_state.expression: attribute access is not allowed"),
    (GOOD.replace('[limit_state]\nexpression = "R - S"\n', ""), InputError, r"p.toml: limit_state: missing"),
    (GOOD.replace('method = "subset"', 'method = "magic"'), InputError, r"p.toml: analysis.method: expected one of crude"),
    (GOOD.replace("std = 0.6", "std = 0.6\nshape = 2"), InputError, r"p.toml: variables\[1\]: unknown parameter 'shape' for distribution 'normal'"),
    (GOOD.replace("seed = 3", "seed = -3"), InputError, r"p.toml: seed: expected a non-negative integer"),
    (GOOD.replace("seed = 3", "sed = 3"), InputError, r"p.toml: sed: unknown field"),
    (GOOD.replace('name = "S"', 'name = "R"'), InputError, r"p.toml: variables\[1\].name: 'R' is used twice"),
    (GOOD.replace('name = "S"', 'name = "2S"'), InputError, r"p.toml: variables\[1\].name: expected a name"),
    (GOOD.replace('expression = "R - S"', 'function = "os.system"'), InputError,
     r"p.toml: limit_state.function: expected 'package.module:function'"),
]


@pytest.mark.parametrize("text, error, message", BAD_CASES)
def test_bad_problem_files_name_the_file_and_field(tmp_path, monkeypatch, text, error, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    with pytest.raises(error, match=message):
        read_problem_file("p.toml")


def test_correlation_not_positive_definite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = GOOD.replace('[[variables]]\nname = "S"', '[[variables]]\nname = "T"\ndistribution = "normal"\nmean = 0.0\nstd = 1.0\n'
                        '[[variables]]\nname = "S"').replace('pairs = [["R", "S", 0.3]]', 'pairs = [["R", "S", 0.9], ["R", "T", 0.9], ["S", "T", -0.9]]')
    write(tmp_path, text)
    with pytest.raises(InputError, match=r"p.toml: correlation: matrix is not positive definite \(smallest eigenvalue"):
        read_problem_file("p.toml")


def test_missing_file():
    with pytest.raises(DataFileError, match="no_such.toml: no such file"):
        read_problem_file("no_such.toml")


def test_system_and_function_limit_states(tmp_path):
    text = GOOD.replace('expression = "R - S"', 'system = "parallel"\nexpressions = ["R - S", "4 - S"]')
    problem = read_problem_file(write(tmp_path, text)).problem
    assert problem.g(np.array([[1.0, 5.0], [1.0, 2.0]])).tolist() == [-1.0, 2.0]
    text = GOOD.replace('expression = "R - S"', 'function = "tests.reliability.test_limit_state:g_importable"')
    problem = read_problem_file(write(tmp_path, text)).problem
    assert problem.g(np.array([[5.0, 2.0]])).tolist() == [1.0]


@pytest.mark.parametrize("name", ["cantilever.toml", "stress_strength.toml", "four_branch.toml", "axial_beam.toml"])
def test_examples_load(name):
    loaded = read_problem_file(EXAMPLES / name)
    assert loaded.problem.dim >= 1 and math.isfinite(loaded.problem.g(loaded.problem.u_to_x(np.zeros((1, loaded.problem.dim))))[0])
