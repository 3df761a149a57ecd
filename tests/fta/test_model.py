"""FaultTree builder, graph schema and validation."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.fta._exhaustive import top_probability
from youzhi.errors import ModelError
from youzhi.fta.events import Builtin, Const, MissionTime
from youzhi.fta.model import FaultTree, house_states, to_json


def small_tree() -> FaultTree:
    tree = FaultTree("demo")
    tree.add_gate("top", "or", ["g1", ("and", ["c", "d"])])
    tree.add_gate("g1", "atleast", ["a", "b", "c"], k=2)
    for name, p in zip("abcd", (0.1, 0.2, 0.3, 0.4)):
        tree.add_basic_event(name, p)
    return tree.validate()


def test_graph_schema_is_what_the_engine_reads():
    tree = small_tree()
    g = tree.graph
    assert isinstance(g, nx.DiGraph) and tree.top == "top"
    assert g.nodes["top"] == {"kind": "gate", "op": "or"}
    assert g.nodes["g1"]["k"] == 2 and g.nodes["a"]["kind"] == "basic"
    # the nested formula is the anonymous gate "top/1", second argument of top
    assert g.nodes["top/1"]["op"] == "and"
    assert tree.children("top") == ["g1", "top/1"]
    assert [g.edges["g1", c]["index"] for c in "abc"] == [0, 1, 2]
    assert sorted(tree.basic_events) == ["a", "b", "c", "d"]


def test_probability_of_the_built_tree_by_enumeration():
    tree = small_tree()
    # hand: P(2oo3 of .1,.2,.3) = .1*.2 + .1*.3 + .2*.3 - 2*.1*.2*.3 = 0.098; P(c d) = 0.12
    # P(top) = P(A) + P(cd) - P(A and cd); A and cd = cd and (a or b) = .12 * (1 - .9*.8) = 0.0336
    assert top_probability(tree.graph, "top", tree.probabilities()) == pytest.approx(0.098 + 0.12 - 0.0336, abs=1e-12)


def test_inhibit_imply_and_house_events():
    tree = FaultTree()
    tree.add_gate("top", "inhibit", ["fault", "condition"])
    tree.add_gate("g", "imply", ["a", "b"])
    tree.add_gate("r", "or", ["top", "g", "switch"])
    for name in ("fault", "condition", "a", "b"):
        tree.add_basic_event(name, 0.5)
    tree.add_house_event("switch", False)
    tree.validate()
    assert tree.top == "r"
    assert tree.graph.nodes["top"] == {"kind": "gate", "op": "and", "label": "inhibit"}
    assert tree.children("g") == ["a", "b"]
    assert house_states(tree, {"switch": True}) == {"switch": True}
    with pytest.raises(ModelError, match="house event 'nope'"):
        house_states(tree, {"nope": True})


def test_duplicate_arguments():
    tree = FaultTree()
    tree.add_gate("g", "or", ["a", "a", "b"])
    assert tree.children("g") == ["a", "b"]
    for op, extra in (("atleast", {"k": 2}), ("xor", {}), ("iff", {})):
        with pytest.raises(ModelError, match="same argument twice: a"):
            FaultTree().add_gate("g", op, ["a", "a"], **extra)


def test_cycle_names_the_gates():
    tree = FaultTree()
    tree.add_gate("top", "or", ["g1", "e"])
    tree.add_gate("g1", "and", ["g2", "e"])
    tree.add_gate("g2", "or", ["g1", "e"])
    tree.add_basic_event("e", 0.1)
    tree.set_top("top")
    with pytest.raises(ModelError, match=r"cycle .*'g1' -> 'g2' -> 'g1'|cycle .*'g2' -> 'g1' -> 'g2'"):
        tree.validate()


@pytest.mark.parametrize("build, message", [
    (lambda t: (t.add_gate("top", "or", ["a", "ghost"]), t.add_basic_event("a", 0.1)),
     "undefined name 'ghost' used by gate 'top'"),
    (lambda t: (t.add_gate("top", "atleast", ["a", "b"], k=3), t.add_basic_event("a", .1), t.add_basic_event("b", .1)),
     "atleast min=3 is larger than its 2 inputs"),
    (lambda t: (t.add_gate("top", "or", []),), "gate 'top' has no input"),
    (lambda t: (t.add_gate("top", "not", ["a", "b"]), t.add_basic_event("a", .1), t.add_basic_event("b", .1)),
     "not needs exactly 1 input"),
    (lambda t: (t.add_gate("top", "or", ["a"]), t.add_gate("other", "or", ["a"]), t.add_basic_event("a", .1)),
     "2 top gates"),
    (lambda t: (t.add_gate("top", "or", ["a"]),
                t.add_basic_event("a", Builtin("exponential", (Const(-1.0), MissionTime())))),
     "lambda must be >= 0"),
])
def test_validation_errors(build, message):
    tree = FaultTree()
    build(tree)
    with pytest.raises(ModelError, match=message):
        tree.validate()


def test_builder_errors():
    tree = FaultTree()
    with pytest.raises(ModelError, match=r"probability must be in \[0, 1\], got 1.5"):
        tree.add_basic_event("a", 1.5)
    with pytest.raises(ModelError, match="unknown operator 'maybe'"):
        tree.add_gate("g", "maybe", ["a"])
    with pytest.raises(ModelError, match="integer min"):
        tree.add_gate("g", "atleast", ["a", "b"], k=None)
    tree.add_basic_event("b", 0.5)
    with pytest.raises(ModelError, match="defined twice"):
        tree.add_house_event("b", True)
    with pytest.raises(ModelError, match="its own input"):
        tree.add_gate("loop", "or", ["loop"])
    with pytest.raises(ModelError, match="not a gate"):
        tree.set_top("b")


def test_probability_of_an_expression_outside_0_1_is_refused():
    tree = FaultTree()
    tree.add_gate("top", "or", ["a"])
    tree.add_basic_event("a", Builtin("exponential", (Const(1e-3), MissionTime())))
    tree.add_parameter("lam", 2.0)  # parameters are not probabilities: no [0, 1] check
    tree.validate()
    tree.set_event_model("a", Const(0.25))
    assert tree.probabilities() == {"a": 0.25}
    from youzhi.fta.events import Op, Param

    tree.set_event_model("a", Op("mul", (Param("lam"), Const(0.75))))
    with pytest.raises(ModelError, match=r"basic event 'a': probability must be in \[0, 1\], got 1.5"):
        tree.probabilities()


def test_time_grid_probabilities_and_json():
    tree = FaultTree(mission_time=100.0)
    tree.add_gate("top", "or", ["a", "b"])
    tree.add_basic_event("a", Builtin("exponential", (Const(0.01), MissionTime())))
    tree.add_basic_event("b", 0.5)
    tree.validate()
    import numpy as np

    grid = tree.probabilities(np.array([0.0, 100.0]))
    assert np.allclose(grid["a"], [0.0, 1 - np.exp(-1.0)], atol=1e-15)
    data = to_json(tree)
    assert data["gates"]["top"] == {"op": "or", "inputs": ["a", "b"]}
    assert data["basic_events"]["a"] == pytest.approx(1 - np.exp(-1.0), abs=1e-15)


def test_json_gate_inputs_must_be_names():
    # before: TypeError (unhashable type: 'list') from networkx
    from youzhi.fta.model import from_json

    data = {"gates": {"top": {"op": "or", "inputs": [["and", ["a", "b"]], "a"]}}, "basic_events": {"a": 0.1}}
    with pytest.raises(ModelError, match=r"m.json: gates.top.inputs: expected names"):
        from_json(data, where="m.json")
