"""The package foundation: import cost, CLI contract, errors, seeds."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import youzhi
from youzhi import cli
from youzhi._random import block_seeds, seed_sequence
from youzhi.errors import InputError, YouzhiError


def test_import_does_not_load_numba_or_heavy_modules():
    # import cost stays low because numba, scipy and matplotlib load lazily
    code = "import sys, youzhi; print(json.dumps(sorted(m for m in ('numba','matplotlib','scipy','pandas') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", "import json;" + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert youzhi.__version__ in capsys.readouterr().out
    assert cli.main([]) == 0
    assert "COMMAND" in capsys.readouterr().out
    out = subprocess.run([sys.executable, "-m", "youzhi", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and youzhi.__version__ in out.stdout


def test_every_command_module_registers():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("mc", "life", "system", "fta", "kano", "qfd"):
        assert name in sub.choices, f"command {name!r} not registered"


def test_errors_are_builtin_compatible():
    assert issubclass(InputError, ValueError) and issubclass(InputError, YouzhiError)


def test_seed_validation_and_block_streams_are_disjoint():
    with pytest.raises(InputError, match="seed"):
        seed_sequence(-1)
    a, b = block_seeds(5, 2)
    x = np.random.default_rng(a).random(1000)
    y = np.random.default_rng(b).random(1000)
    assert not np.allclose(x, y)
    # the same seed gives the same blocks
    assert np.array_equal(np.random.default_rng(block_seeds(5, 2)[1]).random(1000), y)


def test_cli_warnings_are_one_line(tmp_path):
    # a warning reaches the user as one 'youzhi: warning:' line, not Python's file:line format
    path = tmp_path / "p.toml"
    path.write_text('[[variables]]\nname = "R"\ndistribution = "normal"\nmean = 7.0\nstd = 1.0\n'
                    '[limit_state]\nexpression = "R"\n')
    out = subprocess.run([sys.executable, "-m", "youzhi.cli", "mc", "run", str(path), "--method", "subset",
                          "--samples", "3000", "--target-cov", "0.01", "--seed", "1"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith("youzhi: warning: subset simulation: target_cov=0.01 not reached")
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("kind, good, bad", [
    ("positive", {"2.5": 2.5, "1e-3": 1e-3}, ["0", "-1", "inf", "nan", "x"]),
    ("non_negative", {"0": 0.0, "3": 3.0}, ["-0.1", "nan", ""]),
    ("fraction", {"0.9": 0.9}, ["0", "1", "1.5"]),
    ("positive_int", {"7": 7, "1e6": 1_000_000}, ["0", "2.5", "1e400", "seven"]),
    ("non_negative_int", {"0": 0, "42": 42, "2337345537621132982": 2337345537621132982}, ["-1", "0.5"]),
])
def test_cli_number_types(kind, good, bad):
    import argparse

    from youzhi import _cli_util

    parse = getattr(_cli_util, kind)
    for text, value in good.items():
        assert parse(text) == value and type(parse(text)) is type(value)
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError, match="expected"):
            parse(text)


def test_cli_leaves_pythons_warning_format_as_it_was():
    import warnings

    before = warnings.formatwarning
    assert cli.main(["mc", "run", "/nonexistent.toml"]) == 2
    assert warnings.formatwarning is before


def test_json_output_is_strict_json(capsys):
    # a one-sided MTBF bound has an infinite upper end: strict JSON has no Infinity, so it is null
    assert cli.main(["life", "mtbf", "--time", "10000", "--failures", "6", "--sided", "one", "--json"]) == 0
    text = capsys.readouterr().out
    out = json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))
    from scipy import stats

    assert out["upper"] is None
    assert out["lower"] == pytest.approx(2 * 10000 / stats.chi2.ppf(0.9, 2 * 6 + 2), rel=1e-12)


def test_usage_mistakes_are_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["life", "mtbf", "--time", "-5", "--failures", "2"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err == ("youzhi life mtbf: error: argument --time: expected a number > 0, got '-5' "
                   "(see 'youzhi life mtbf --help')\n")


@pytest.mark.parametrize("package", ["youzhi.reliability", "youzhi.fta", "youzhi.qfd"])
def test_every_lazy_export_resolves(package):
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
