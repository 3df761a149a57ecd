"""``youzhi life fit|mtbf|demo|growth``: JSON contract, reference values, one clear line on bad input."""

from __future__ import annotations

import json

import pytest

from youzhi import cli

SYSTEM_GROWTH = [2.7, 10.3, 12.5, 30.6, 57, 61.3, 80, 109.5, 125, 128.6, 143.8, 167.9, 229.2, 296.7,
                 320.6, 328.2, 366.2, 396.7, 421.1, 438.2, 501.2, 620]  # `reliability` Datasets.py


def run_json(capsys, *argv):
    status = cli.main(["life", *argv, "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


@pytest.fixture
def reliawiki_csv(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("time,status\n16,F\n34,F\n53,F\n75,F\n93,F\n120,F\n")
    return str(p)


def test_fit_json_contract(capsys, reliawiki_csv, tmp_path):
    plot = tmp_path / "p.svg"
    out = run_json(capsys, "fit", reliawiki_csv, "--plot", str(plot))
    assert {"parameters", "confidence_intervals", "mean_life", "b10", "aic", "bic", "aicc", "anderson_darling"} <= set(out)
    # ReliaWiki Weibull example (MLE): beta 1.933, eta 73.526
    assert out["parameters"]["beta"] == pytest.approx(1.933, abs=5e-4)
    assert out["parameters"]["eta"] == pytest.approx(73.526, abs=5e-4)
    assert plot.read_text().lstrip().startswith("<?xml")


def test_fit_rr_and_best(capsys, reliawiki_csv):
    out = run_json(capsys, "fit", reliawiki_csv, "--method", "rr")
    assert out["parameters"]["beta"] == pytest.approx(1.4302, abs=5e-5)  # ReliaWiki RRY
    best = run_json(capsys, "fit", reliawiki_csv, "--dist", "best")
    assert best["distribution"] == best["ranking"][0]["distribution"]


def test_mtbf_and_demo(capsys):
    out = run_json(capsys, "mtbf", "--time", "19520", "--failures", "7", "--confidence", "0.8")
    assert out["lower"] == pytest.approx(1658.32, abs=0.005)  # BENCHMARKS.md B14
    out = run_json(capsys, "demo", "--reliability", "0.999", "--confidence", "0.95")
    assert out["n_units"] == 2995  # BENCHMARKS.md B15


def test_growth(capsys, tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("time\n" + "\n".join(map(str, SYSTEM_GROWTH)))
    out = run_json(capsys, "growth", str(p), "--target", "50")
    assert out["beta"] == pytest.approx(0.61421, abs=5e-6)  # BENCHMARKS.md B16
    assert out["mtbf_instantaneous"] == pytest.approx(45.883, abs=5e-4)
    assert out["time_to_target"] > 620


@pytest.mark.parametrize("content, message", [
    ("time,status\n10,F\n-3,F\n", "line 3, column 'time': must be >= 0"),
    ("time,status\n10,F\n20,Z\n", "unknown code 'Z'"),
    ("time,status\n10,F\n20,S\n", "needs at least 2 failure"),
])
def test_bad_input_one_line(capsys, tmp_path, content, message):
    p = tmp_path / "bad.csv"
    p.write_text(content)
    assert cli.main(["life", "fit", str(p)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("name, text, message", [
    ("one.csv", "time\n10\n", "one.csv: data: the weibull model needs at least 2 failure(s), got 1"),
    ("half.csv", "time,count\n10,1.5\n12,1\n", "half.csv: line 2, column 'count': must be > 0 and a whole number of units"),
])
def test_life_fit_errors_name_the_file(tmp_path, capsys, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    assert cli.main(["life", "fit", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("youzhi: error: ") and str(path) in err and message.split(": ", 1)[1] in err


def test_growth_times_out_of_order_are_refused(tmp_path, capsys):
    path = tmp_path / "g.csv"
    path.write_text("time\n10\n5\n20\n30\n")
    assert cli.main(["life", "growth", str(path)]) == 2
    assert "line 3, column 'time': 5 is before the previous failure at 10" in capsys.readouterr().err


def test_fit_text_says_aicc_is_undefined_for_two_failures(capsys, tmp_path):
    p = tmp_path / "two.csv"
    p.write_text("time\n10\n20\n")
    assert cli.main(["life", "fit", str(p)]) == 0
    out = capsys.readouterr().out
    assert "AICc n/a" in out  # n = 2, k = 2: n - k - 1 < 1
    assert run_json(capsys, "fit", str(p))["aicc"] is None
