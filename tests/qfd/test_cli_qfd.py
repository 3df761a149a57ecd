"""``youzhi kano classify`` and ``youzhi qfd analyze``: JSON keys, numbers, drawings, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.qfd.test_house import A1_TOML, A4_CSV
from tests.qfd.test_kano import b2_csv
from youzhi.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "qfd"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_kano_classify_json_b2(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_text(b2_csv(), encoding="utf-8")
    plot = tmp_path / "kano.svg"
    code, out, _ = run(capsys, "kano", "classify", path, "--json", "--plot", plot)
    assert code == 0
    attrs = json.loads(out)["attributes"]
    hot = attrs["Hotline"]
    assert hot["counts"] == {"A": 121, "O": 24, "M": 15, "I": 124, "R": 6, "Q": 6}
    assert hot["category"] == "A" and round(hot["better"], 3) == 0.511 and round(hot["worse"], 3) == -0.137
    assert attrs["Loan machine"]["category"] == "O"  # CASES.md B2 tie rule
    assert plot.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_kano_classify_text_example(capsys):
    code, out, _ = run(capsys, "kano", "classify", EXAMPLES / "kano_answers.csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["attribute", "A"] and len(lines) == 7


def test_kano_unknown_word_is_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_text("respondent,attribute,functional,dysfunctional\n1,X,like,hate\n", encoding="utf-8")
    code, out, err = run(capsys, "kano", "classify", path)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0
    assert err.startswith(f"youzhi: error: {path}: line 2: dysfunctional: unknown answer 'hate'")


def test_qfd_analyze_json_a1_with_drawing(tmp_path, capsys):
    path = tmp_path / "a1.toml"
    path.write_text(A1_TOML, encoding="utf-8")
    svg = tmp_path / "house.svg"
    code, out, _ = run(capsys, "qfd", "analyze", path, "--json", "--draw", svg)
    assert code == 0
    data = json.loads(out)
    ti = data["technical_importance"]
    assert ti["absolute"] == {"Fan RPM": 45.0, "Heater watts": 39.0, "Insulation": 51.0}  # CASES.md A1
    assert sum(ti["relative"].values()) == pytest.approx(1.0, abs=1e-12)
    assert data["rank"] == ["Insulation", "Fan RPM", "Heater watts"]
    conflicts = data["diagnostics"]["roof_conflicts"]
    assert conflicts[0]["first"] == "Fan RPM" and conflicts[0]["correlation"] == "--"
    assert "Insulation" in svg.read_text(encoding="utf-8")


def test_qfd_analyze_csv_scale_and_normalization(tmp_path, capsys):
    path = tmp_path / "a4.csv"
    path.write_text(A4_CSV, encoding="utf-8")
    code, out, _ = run(capsys, "qfd", "analyze", path, "--json", "--scale", "5-3-1")
    assert code == 0
    assert list(json.loads(out)["technical_importance"]["absolute"].values()) == [28, 38, 32, 52, 28]  # A4
    code, out, _ = run(capsys, "qfd", "analyze", path, "--json", "--scale", "5-3-1", "--normalization", "lyman")
    rel = json.loads(out)["technical_importance"]["relative"]
    # Lyman by hand: row sums 11, 13, 15, 13, 13 -> P1 = 5/11 + 2*3/13 + 3*3/15 + 5/13 + 3/13, etc.
    p1 = 5 * 1 / 11 + 2 * 3 / 13 + 3 * 3 / 15 + 1 * 5 / 13 + 3 * 1 / 13
    assert rel["P1"] == pytest.approx(p1 / 14, rel=1e-12)  # total of normalized weights = sum(w) = 14


def test_qfd_analyze_example_text(capsys):
    code, out, _ = run(capsys, "qfd", "analyze", EXAMPLES / "coffee_maker.toml", "--conflict-top", "4")
    assert code == 0
    assert "planning matrix used" in out.splitlines()[0]
    assert "Carafe heat loss" in out.splitlines()[2]
    # the example's roof: brew water temperature (rank 3) vs brew time (rank 4) is "-"
    assert "roof conflict - between Brew water temperature (rank 3) and Brew time (10 cups) (rank 4)" in out


@pytest.mark.parametrize("text,message", [
    (A1_TOML.replace("[roof]", '"Slow" = { "Fan RPM" = 3 }\n[roof]'),
     "relationships.Slow: no requirement named 'Slow'"),
    ("", "empty house: no requirements"),
])
def test_qfd_errors_one_line(tmp_path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "qfd", "analyze", path)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err == f"youzhi: error: {path}: {message}\n"


KANO_HOUSE = """
[[requirements]]
name = "Hot"
importance = 4
current = 2
goal = 4
[[requirements]]
name = "Fast"
importance = 3
current = 3
goal = 3
sales_point = 1.2
[[characteristics]]
name = "Heater W"
direction = "maximize"
[[characteristics]]
name = "Pump l/min"
direction = "maximize"
[relationships]
Hot = { "Heater W" = 9 }
Fast = { "Heater W" = 3, "Pump l/min" = 9 }
"""
KANO_SURVEY = "respondent,attribute,functional,dysfunctional\n" + "".join(
    f"{r},Hot,neutral,dislike\n{r},Fast,like,neutral\n" for r in (1, 2, 3))  # Hot: M, Fast: A


@pytest.mark.parametrize("method, raw", [
    # Tan & Shen: w (goal/current)^(1/k) sales point, k(M) = 0.5, k(A) = 2
    ("tan-shen", {"Hot": 4 * 2.0**2, "Fast": 3 * 1.0**0.5 * 1.2}),
    # w (1 + max(Better, |Worse|)): Hot Better 0, Worse -1; Fast Better 1, Worse 0
    ("better-worse", {"Hot": 4 * 2, "Fast": 3 * 2}),
])
def test_qfd_analyze_with_kano_adjusted_weights(tmp_path, capsys, method, raw):
    house, survey = tmp_path / "h.toml", tmp_path / "k.csv"
    house.write_text(KANO_HOUSE, encoding="utf-8")
    survey.write_text(KANO_SURVEY, encoding="utf-8")
    code, out, err = run(capsys, "qfd", "analyze", house, "--kano", survey, "--kano-method", method, "--json")
    assert code == 0, err
    weights = json.loads(out)["requirement_weights"]
    total = sum(raw.values())
    assert weights == pytest.approx({k: v / total for k, v in raw.items()}, rel=1e-12)


def test_qfd_analyze_kano_survey_missing_a_requirement(tmp_path, capsys):
    house, survey = tmp_path / "h.toml", tmp_path / "k.csv"
    house.write_text(KANO_HOUSE, encoding="utf-8")
    survey.write_text(KANO_SURVEY.replace("Fast", "Quick"), encoding="utf-8")
    code, out, err = run(capsys, "qfd", "analyze", house, "--kano", survey)
    assert code == 2 and err == f"youzhi: error: {survey}: requirements not in the Kano survey: 'Fast'\n"


def test_registration_is_light():
    import subprocess
    import sys

    code = ("import sys, youzhi.qfd._cli; "
            "print(sorted(m for m in ('scipy', 'matplotlib', 'pandas', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
