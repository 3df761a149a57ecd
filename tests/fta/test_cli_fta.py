"""``youzhi fta``: analyze, draw, convert — JSON keys, numbers, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fta._exhaustive import top_probability
from youzhi.cli import main
from youzhi.fta.mef import read_model


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_analyze_json_two_trains(shared_data, capsys):
    path = shared_data / "fta/TwoTrain/two_train.xml"
    code, out, _ = run(capsys, "fta", "analyze", str(path), "--importance", "--json")
    assert code == 0
    data = json.loads(out)
    # (valve or pump) in each train: P(train) = 1 - 0.5 * 0.3 = 0.85; top = 0.85**2
    assert data["top_event"] == "TopEvent" and data["method"] == "bdd"
    assert data["probability"] == pytest.approx(0.85**2, abs=1e-12)
    assert data["cut_sets"]["count"] == 4 and data["cut_sets"]["by_order"] == {"2": 4}
    assert data["cut_sets"]["top"][0]["probability"] == pytest.approx(0.49)
    imp = data["importance"]["PumpOne"]
    assert set(imp) >= {"birnbaum", "criticality", "fussell_vesely", "raw", "rrw"}
    assert imp["birnbaum"] == pytest.approx(0.85 * 0.5, abs=1e-12)  # P(train2) * P(not valve1)


def test_analyze_split_model_with_time_grid_mtbf_and_uncertainty(shared_data, capsys):
    small = shared_data / "fta/SmallTree/SmallTree.xml"
    code, out, _ = run(capsys, "fta", "analyze", str(small), "--time-grid", "0:8760:3", "--mtbf",
                       "--uncertainty", "2000", "--seed", "4", "--json")
    assert code == 0
    data = json.loads(out)
    tree = read_model(small)
    assert data["time_grid"]["times"] == [0.0, 4380.0, 8760.0]
    mid = tree.probabilities(4380.0)
    assert data["time_grid"]["unavailability"][1] == pytest.approx(top_probability(tree.graph, tree.top, mid), rel=1e-10)
    assert data["reliability"]["repairable"] is False and data["reliability"]["mttf"] > 0
    assert data["uncertainty"]["n"] == 2000 and data["uncertainty"]["seed"] == 4
    code, text, _ = run(capsys, "fta", "analyze", str(small), "--mtbf")
    assert code == 0 and "top event top: probability" in text and "MTTF" in text


def test_analyze_errors_are_one_line(tmp_path, capsys):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<opsa-mef/>')
    code, out, err = run(capsys, "fta", "analyze", str(bomb))
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "bomb.xml:2: a DTD" in err
    code, _, err = run(capsys, "fta", "analyze", str(tmp_path / "missing.xml"))
    assert code == 2 and "no such file" in err


def test_analyze_past_the_node_limit(shared_data, capsys):
    path = str(shared_data / "fta/Aralia/edfpa14p.xml")
    code, out, err = run(capsys, "fta", "analyze", path, "--max-nodes", "100000")
    assert code != 0 and out == "" and "--method rare-event --max-order" in err
    code, out, _ = run(capsys, "fta", "analyze", path, "--max-nodes", "100000", "--method", "rare-event",
                       "--max-order", "2", "--json")
    cut_sets = json.loads(out)["cut_sets"]
    assert code == 0 and cut_sets["count"] > 0 and cut_sets["max_order"] == 2 and cut_sets["cutoff"] is None
    code, text, _ = run(capsys, "fta", "analyze", path, "--method", "mcub", "--max-order", "2", "--cutoff", "1e-6")
    assert code == 0 and "minimal cut sets (order <= 2, p >= 1e-06): " in text


def test_convert_mef_dot_json_round_trip(shared_data, tmp_path, capsys):
    src = shared_data / "fta/TwoTrain/common_cause.xml"
    for name in ("out.xml", "out.xml.gz", "out.dot"):
        code, _, err = run(capsys, "fta", "convert", str(src), str(tmp_path / name))
        assert code == 0, err
    with pytest.warns(UserWarning, match="CCF groups are not kept"):  # JSON: point probabilities only
        assert run(capsys, "fta", "convert", str(src), str(tmp_path / "out.json"))[0] == 0
    original, again = read_model(src), read_model(tmp_path / "out.xml.gz")
    assert original.probabilities() == again.probabilities()
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["top"] == "TopEvent" and data["gates"]["PumpOne"]["inputs"] == ["[PumpOne]", "[PumpOne PumpTwo]"]
    assert data["basic_events"]["[PumpOne PumpTwo]"] == pytest.approx(0.02)
    assert (tmp_path / "out.dot").read_text().count(" -> ") == original.graph.number_of_edges()
    code, _, err = run(capsys, "fta", "convert", str(tmp_path / "out.json"), str(tmp_path / "back.xml"))
    assert code == 0, err
    back = read_model(tmp_path / "back.xml")  # CCF events come back as plain basic events
    assert back.probabilities() == pytest.approx(original.probabilities(), rel=1e-15)
    assert set(back.graph.edges) == set(original.graph.edges)
    (tmp_path / "bad.json").write_text('{"gates": {"g": {"op": "or", "inputs": "a"}}}')
    code, _, err = run(capsys, "fta", "convert", str(tmp_path / "bad.json"), str(tmp_path / "x.xml"))
    assert code == 2 and "gates.g: expected an object with 'op' and a list 'inputs'" in err
    code, _, err = run(capsys, "fta", "convert", str(src), str(tmp_path / "out.txt"))
    assert code == 2 and ".xml, .xml.gz, .dot or .json" in err


def test_draw(shared_data, tmp_path, capsys):
    src = shared_data / "fta/HIPPS/HIPPS.xml"
    code, out, _ = run(capsys, "fta", "draw", str(src), "-o", str(tmp_path / "t.svg"))
    assert code == 0 and "wrote" in out and "<svg" in (tmp_path / "t.svg").read_text()
    code, _, _ = run(capsys, "fta", "draw", str(src), "-o", str(tmp_path / "t.dot"))
    assert 'label="LogicSolverFailure\\np = 1e-05"' in (tmp_path / "t.dot").read_text()


def test_registration_is_light():
    code = ("import sys, youzhi.fta._cli; "
            "print(sorted(m for m in ('networkx', 'numba', 'scipy', 'youzhi.fta.mef') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
