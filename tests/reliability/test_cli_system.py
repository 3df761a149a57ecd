"""``youzhi system simulate`` and ``youzhi system reliability``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from youzhi.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "system"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_simulate_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "system", "simulate", str(EXAMPLES / "bridge.toml"), "--histories", "3000",
                         "--seed", "5", "--json")
    assert status == 0
    data = json.loads(out)
    for key in ("availability", "mtbf", "mttr", "failures", "point_availability", "reliability"):
        assert set(data[key]) == {"value", "std_error", "confidence_interval"}
    assert data["histories"] == 3000 and data["seed"] == 5 and data["mission_time"] == pytest.approx(1053.605)
    # B7: the bridge of 5 units with R = 0.9 works with probability 0.97848
    low, high = data["reliability"]["confidence_interval"]
    assert low <= 0.97848 <= high


def test_simulate_text_and_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "system", "simulate", str(EXAMPLES / "cnc_machine.toml"), "--histories", "2000",
                         "--mission-time", "1000")
    assert status == 0
    assert "MTBF" in out and "mission time          1000" in out and "histories 2000" in out


def test_reliability_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "system", "reliability", str(EXAMPLES / "bridge.toml"), "--time", "1053.605", "--json")
    data = json.loads(out)
    assert status == 0
    assert data["reliability"] == pytest.approx(0.97848, abs=1e-6)  # B7
    assert data["mttf"] == pytest.approx(8166.667, rel=1e-6)  # (1 + 2/3 - 5/4 + 2/5) * 10000


def test_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[components]]\nname = "a"\nfailure = { distribution = "weibull", shape = 0, scale = 1 }\n'
                   '[structure]\ntype = "series"\nitems = ["a"]\n')
    status, out, err = run(capsys, "system", "simulate", str(bad), "--mission-time", "10")
    assert status == 2 and out == ""
    assert err.strip() == f"youzhi: error: {bad}: components[0].failure.shape: must be > 0, got 0.0"
    status, _, err = run(capsys, "system", "simulate", str(EXAMPLES / "bridge.toml").replace("bridge", "nope"))
    assert status == 2 and "no such file" in err
    bad.write_text('[[components]]\nname = "a"\nfailure = { distribution = "exponential", mean = 1 }\n'
                   '[structure]\ntype = "series"\nitems = ["a"]\n')
    status, _, err = run(capsys, "system", "simulate", str(bad))
    assert status == 2 and "simulation.mission_time: missing" in err


def test_an_unseeded_run_reports_the_seed_that_reproduces_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = "\n".join(line for line in (EXAMPLES / "bridge.toml").read_text().splitlines() if not line.startswith("seed"))
    path = tmp_path / "bridge.toml"
    path.write_text(text)
    _, out, _ = run(capsys, "system", "simulate", str(path), "--histories", "500", "--json")
    first = json.loads(out)
    assert isinstance(first["seed"], int)
    _, out, _ = run(capsys, "system", "simulate", str(path), "--histories", "500", "--seed", str(first["seed"]), "--json")
    assert json.loads(out) == first
