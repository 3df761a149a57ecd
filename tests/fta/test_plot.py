"""Drawing: DOT text and matplotlib figures."""

from __future__ import annotations

import pytest

from youzhi.errors import InputError
from youzhi.fta.mef import read_model
from youzhi.fta.model import FaultTree
from youzhi.fta.plot import draw, layered_layout, to_dot


def shared_tree() -> FaultTree:
    tree = FaultTree('odd "name"')
    tree.add_gate("top", "or", ["g1", "g2"])
    tree.add_gate("g1", "atleast", ["a", "b", "c"], k=2)
    tree.add_gate("g2", "and", ["c", "h"])     # c is shared by g1 and g2
    for name in "abc":
        tree.add_basic_event(name, 0.1)
    tree.add_house_event("h", True)
    return tree.validate()


def test_dot_lists_every_reachable_node_and_edge():
    tree = shared_tree()
    dot = to_dot(tree, {"a": 0.1, "top": 0.0123})
    assert dot.startswith('digraph "odd \\"name\\"" {')
    assert '"g1" [shape=box, label="g1\\n2/3"];' in dot
    assert '"h" [shape=house, label="h\\nTRUE"];' in dot
    assert '"top" [shape=box, label="top\\nOR\\np = 0.0123"];' in dot
    assert '"a" [shape=ellipse, label="a\\np = 0.1"];' in dot
    assert dot.count(" -> ") == tree.graph.number_of_edges() == 7
    assert dot.count('"c" [') == 1  # a shared event is drawn once


def test_layout_puts_children_below_parents():
    tree = shared_tree()
    pos = layered_layout(tree)
    assert set(pos) == set(tree.graph.nodes)
    for parent, child in tree.graph.edges:
        assert pos[child][1] < pos[parent][1]
    rows = {}
    for node, (x, y) in pos.items():
        rows.setdefault(y, []).append(x)
    assert all(len(xs) == len(set(xs)) for xs in rows.values())
    assert pos["c"][1] == -2  # below its deepest parent


def test_draw_svg_and_png(tmp_path):
    tree = shared_tree()
    draw(tree, tmp_path / "t.svg", {"a": 0.1})
    text = (tmp_path / "t.svg").read_text()
    assert "<svg" in text and "g1" in text
    draw(tree, tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InputError, match="drawing format"):
        draw(tree, tmp_path / "t.txt")


def test_draw_a_shared_model(shared_data, tmp_path):
    tree = read_model(shared_data / "fta/ThreeMotor/three_motor.xml")
    fig = draw(tree)
    assert len(fig.axes[0].texts) == len(tree.subtree())
    assert to_dot(tree).count(" -> ") == tree.subtree().number_of_edges()
