"""The system file: the examples load, bad input gives one error naming the field, fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from youzhi.errors import FileFormatError, InputError, ModelError, YouzhiError
from youzhi.reliability.system import system_reliability
from youzhi.reliability.system_file import load_system, system_from_mapping

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "system"


def base() -> dict:
    return {
        "components": [
            {"name": "a", "failure": {"distribution": "exponential", "mean": 100.0},
             "repair": {"distribution": "lognormal", "mean": 5.0, "std": 2.0}},
            {"name": "b", "failure": {"distribution": "weibull", "shape": 2.0, "scale": 300.0}},
            {"name": "c", "failure": {"distribution": "exponential", "mean": 200.0}},
        ],
        "standby": [{"name": "g", "members": ["b", "c"], "mode": "cold", "switch_reliability": 0.95}],
        "structure": {"type": "series", "items": ["a", "g"]},
        "simulation": {"mission_time": 1000.0, "histories": 500, "seed": 3},
    }


def test_examples_load() -> None:
    model, settings_ = load_system(EXAMPLES / "cnc_machine.toml")
    assert len(model.components) == 20 and settings_.mission_time == 5000.0
    bridge, _ = load_system(EXAMPLES / "bridge.toml")
    # B7: R = 0.9 per unit at t = 1053.605 h (MTBF 10 000 h) -> 0.97848
    assert system_reliability(bridge, 1053.605).reliability == pytest.approx(0.97848, abs=1e-6)


def test_valid_mapping() -> None:
    model, s = system_from_mapping(base())
    assert model.units == ["a", "g"] and s.histories == 500 and model.standby[0].switch_reliability == 0.95


def edit(path: list, value: object) -> dict:
    data = base()
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "error", "message"), [
    (["components", 0, "failure", "distribution"], "weibul", InputError, "components[0].failure.distribution: unknown 'weibul'"),
    (["components", 1, "failure", "shape"], -2.0, InputError, "components[1].failure.shape: must be > 0, got -2.0"),
    (["components", 1, "failure", "shape"], "two", InputError, "components[1].failure.shape: expected a number"),
    (["components", 0, "failure"], KeyError, FileFormatError, "components[0].failure: missing"),
    (["components", 0, "colour"], "red", FileFormatError, "components[0].colour: unknown field"),
    (["components", 0, "repair"], {"distribution": "normal", "mean": 5.0}, InputError, "components[0].repair: parameters ['mean'] do not fit 'normal'"),
    (["standby", 0, "mode"], "lukewarm", InputError, "standby[0]: standby group 'g': mode"),
    (["standby", 0, "members"], ["b", "zz"], ModelError, "unknown component 'zz'"),
    (["structure", "type"], "serial", FileFormatError, "structure.type: expected one of"),
    (["structure", "items"], [], FileFormatError, "structure.items: expected a non-empty list"),
    (["structure", "items"], ["a", "g", "b"], ModelError, "'b' is a member of standby group 'g'"),
    (["structure"], {"type": "k_of_n", "k": 3, "items": ["a", "g"]}, FileFormatError, "structure.k: expected an integer from 1 to 2"),
    (["simulation", "histories"], 1.5, FileFormatError, "simulation.histories: expected a integer"),
    (["repair_crews"], 0, FileFormatError, "repair_crews: expected a positive integer"),
    (["network"], {"edges": [["in", "a"], ["a", "out"]]}, FileFormatError, "give exactly one of"),
])
def test_errors_name_the_field(path: list, value: object, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        system_from_mapping(edit(path, value), "s.toml")
    assert str(info.value).startswith("s.toml: ")
    assert message in str(info.value)


def test_network_that_is_not_two_terminal(tmp_path: Path) -> None:
    path = tmp_path / "n.toml"
    path.write_text('[[components]]\nname = "a"\nfailure = { distribution = "exponential", mean = 1.0 }\n'
                    '[[components]]\nname = "b"\nfailure = { distribution = "exponential", mean = 1.0 }\n'
                    '[network]\nedges = [["in", "a"], ["b", "out"]]\n')
    with pytest.raises(ModelError, match=r"n\.toml: diagram: 'out' cannot be reached from 'in'"):
        load_system(path)


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[components]]\nname = \n")
    with pytest.raises(FileFormatError, match="bad.toml: malformed TOML"):
        load_system(path)


values = st.recursive(st.none() | st.booleans() | st.integers(-3, 5) | st.floats(-1, 1e4) | st.text(max_size=6),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                      max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([["components", 0, "failure"], ["components", 1, "failure", "scale"],
                                           ["standby", 0], ["standby", 0, "members"], ["structure"],
                                           ["structure", "items", 1], ["simulation"], ["components", 2]]), values),
                min_size=1, max_size=3))
def test_fuzzed_files_fail_cleanly(edits: list) -> None:
    data = base()
    for path, value in edits:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        system_from_mapping(data, "fuzz.toml")
    except YouzhiError as exc:
        assert str(exc).startswith("fuzz.toml: ")
