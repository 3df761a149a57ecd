"""Drawings: the house and the Kano plot are written as SVG/PNG and hold what they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.qfd.test_house import a5_house
from tests.qfd.test_kano import b2_classification
from youzhi.errors import InputError
from youzhi.qfd.house_io import read_house
from youzhi.qfd.plot import draw_house, draw_kano

pytest.importorskip("matplotlib")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "qfd"


def test_house_svg_has_every_name_and_roof_symbol(tmp_path):
    house = read_house(EXAMPLES / "coffee_maker.toml")
    path = tmp_path / "house.svg"
    draw_house(house, path=path)
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    for name in house.requirement_names:
        assert name in svg
    for c in house.characteristics:
        assert c.name in svg
    # one text per roof entry: count the roof symbols drawn
    drawn = sum(svg.count(f">{s.replace('-', '−')}<") for s in ("++", "+", "-", "--"))
    assert drawn == len(house.roof_pairs())


def test_house_png_and_planning_columns(tmp_path):
    path = tmp_path / "house.png"
    fig = draw_house(a5_house(), path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    texts = {t.get_text() for t in fig.artists if hasattr(t, "get_text")}
    assert {"cur", "goal", "IR", "SP", "NW %", "49.8"} <= texts  # NW of CR1 = 125/251 = 49.8 %


def test_kano_plot_svg(tmp_path):
    path = tmp_path / "kano.svg"
    fig = draw_kano(b2_classification(), path)
    svg = path.read_text(encoding="utf-8")
    assert "Hotline (A)" in svg and "Loan machine (O)" in svg
    ax = fig.axes[0]
    offsets = [tuple(c.get_offsets()[0]) for c in ax.collections]
    # Service app: |Worse| = (O + M)/296 = 218/296, Better = (A + O)/296 = 168/296 (CASES.md B2)
    assert any(abs(x - 218 / 296) < 1e-12 and abs(y - 168 / 296) < 1e-12 for x, y in offsets)


def test_bad_format(tmp_path):
    with pytest.raises(InputError, match="unknown drawing format"):
        draw_house(a5_house(), path=tmp_path / "h.gif")
