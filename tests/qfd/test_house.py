"""House of Quality: CASES.md A1-A7 (published and constructed) through the file readers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from youzhi.errors import FileFormatError, InputError, ModelError
from youzhi.qfd.analysis import lyman, planning_matrix, wasserman
from youzhi.qfd.cascade import next_phase
from youzhi.qfd.hoq import analyze_house
from youzhi.qfd.house import Characteristic, House, Requirement, Scale
from youzhi.qfd.house_io import parse_house_csv, read_house

A1_TOML = """
name = "Coffee maker"
[[requirements]]
name = "Quiet operation"
importance = 5
[[requirements]]
name = "Brews fast"
importance = 3
[[requirements]]
name = "Energy efficient"
importance = 4
[[characteristics]]
name = "Fan RPM"
[[characteristics]]
name = "Heater watts"
[[characteristics]]
name = "Insulation"
[relationships]
"Quiet operation" = { "Fan RPM" = 9, "Insulation" = 3 }
"Brews fast" = { "Heater watts" = 9 }
"Energy efficient" = { "Heater watts" = 3, "Insulation" = 9 }
[roof]
"Fan RPM" = { "Heater watts" = "--" }
"Heater watts" = { "Insulation" = "+" }
"""


def a1_house(tmp_path):
    path = tmp_path / "a1.toml"
    path.write_text(A1_TOML, encoding="utf-8")
    return read_house(path)


def test_a1_coffee_maker_schematex(tmp_path):
    # CASES.md A1 (PUBLISHED, Schematex "Coffee maker House of Quality"): 45 / 39 / 51, 33 / 29 / 38 %
    res = analyze_house(a1_house(tmp_path))
    assert res.technical_importance.absolute == {"Fan RPM": 45, "Heater watts": 39, "Insulation": 51}
    rel = res.technical_importance.relative
    assert [round(100 * rel[k]) for k in ("Fan RPM", "Heater watts", "Insulation")] == [33, 29, 38]
    assert [round(100 * rel[k], 2) for k in ("Fan RPM", "Heater watts", "Insulation")] == [33.33, 28.89, 37.78]
    assert res.rank == ("Insulation", "Fan RPM", "Heater watts")
    conflicts = res.diagnostics.roof_conflicts
    assert [(c.first, c.second, c.correlation) for c in conflicts] == [("Fan RPM", "Heater watts", "--")]
    assert res.planning is None


def test_a2_yang_el_haik_column_one_and_relative_row():
    # CASES.md A2 (PUBLISHED, Yang & El-Haik 2005 ch. 6): column 1 = 102 from the 8 CR weights
    w = [2.0, 3.0, 4.0, 4.0, 4.0, 5.0, 5.0, 5.0]
    col = [3, 0, 3, 3, 3, 9, 3, 0]
    reqs = [Requirement(f"CR{i}", v) for i, v in enumerate(w)]
    rel = {f"CR{i}": {"Meet time expectations": s} for i, s in enumerate(col) if s}
    h = House.build(reqs, [Characteristic("Meet time expectations")], rel)
    assert analyze_house(h).technical_importance.absolute["Meet time expectations"] == 102
    # published absolute row -> published relative row (round(100 * abs / 865, 1)); weights chosen so
    # that one strong (9) relationship per column carries the published absolute value
    names = ["Meet time expectations", "Know my business and offers", "Save money and enhance productivity",
             "Do it right the first time", "Consultative", "Know our products and processes",
             "Talk to one person", "Answer questions", "Courteous", "Adequate follow-up"]
    absolute = [102, 129, 120, 126, 92, 133, 66, 57, 27, 13]
    published = [11.8, 14.9, 13.9, 14.6, 10.6, 15.4, 7.6, 6.6, 3.1, 1.5]
    h = House.build([Requirement(f"r{j}", 1) for j in range(10)], [Characteristic(n) for n in names],
                    {f"r{j}": {n: "strong"} for j, n in enumerate(names)})
    res = analyze_house(h, weights=[a / 9 for a in absolute])
    assert sum(res.technical_importance.absolute.values()) == pytest.approx(865)
    assert [round(100 * res.technical_importance.relative[n], 1) for n in names] == published
    assert res.rank[0] == "Know our products and processes" and res.rank[-1] == "Adequate follow-up"


def test_a3_keller_restaurant_column():
    # CASES.md A3 (PUBLISHED, Keller, Six Sigma Demystified p. 340): 71
    w, col = [3, 4, 4, 4, 3, 3, 2], [9, 3, 3, 0, 3, 3, 1]
    h = House.build([Requirement(f"r{i}", v) for i, v in enumerate(w)], [Characteristic("op")],
                    {f"r{i}": {"op": s} for i, s in enumerate(col) if s})
    assert analyze_house(h).technical_importance.absolute["op"] == 71


A4_CSV = """requirement,importance,P1,P2,P3,P4,P5
What #1,5,1,1,1,5,3
What #2,2,3,5,1,1,3
What #3,3,3,3,5,3,1
What #4,1,5,5,1,1,1
What #5,3,1,3,3,5,1
"""


def test_a4_one_three_five_scale_and_tie():
    # CASES.md A4 (PUBLISHED, maanrijp/bluebelt_notebooks QFD doc): 28 / 38 / 32 / 52 / 28
    h = parse_house_csv(A4_CSV, scale=Scale.parse("1-3-5"))
    res = analyze_house(h)
    assert list(res.technical_importance.absolute.values()) == [28, 38, 32, 52, 28]
    rel = [round(100 * v, 2) for v in res.technical_importance.relative.values()]
    assert rel == [15.73, 21.35, 17.98, 29.21, 15.73]
    ranks = {c.name: c.rank for c in res.characteristics}
    assert ranks == {"P4": 1, "P2": 2, "P3": 3, "P1": 4, "P5": 4}  # tie shares rank 4
    with pytest.raises(InputError, match="line 2: P4: strength '5' is not on the 9-3-1 scale"):
        parse_house_csv(A4_CSV)


def test_a4_from_excel(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("openpyxl")
    rows = [line.split(",") for line in A4_CSV.strip().splitlines()]
    frame = pd.DataFrame([[int(c) if c.isdigit() else c for c in r] for r in rows[1:]], columns=rows[0])
    path = tmp_path / "a4.xlsx"
    frame.to_excel(path, index=False, sheet_name="Phase1")
    h = read_house(path, sheet="Phase1", scale=Scale.parse("5-3-1"))
    assert list(analyze_house(h).technical_importance.absolute.values()) == [28, 38, 32, 52, 28]
    with pytest.raises(FileFormatError, match="cannot read sheet"):
        read_house(path, sheet="Nope")


A5 = dict(w=[5, 3, 4], current=[3, 4, 2], goal=[5, 4, 4], sp=[1.5, 1.0, 1.2], R=[[9, 3, 0], [0, 9, 1], [3, 0, 9]])


def a5_house():
    reqs = [Requirement(f"CR{i + 1}", A5["w"][i], A5["current"][i], A5["goal"][i], A5["sp"][i]) for i in range(3)]
    chars = [Characteristic(f"EC{j + 1}") for j in range(3)]
    rel = {f"CR{i + 1}": {f"EC{j + 1}": v for j, v in enumerate(row) if v} for i, row in enumerate(A5["R"])}
    return House.build(reqs, chars, rel)


def test_a5_planning_matrix():
    # CASES.md A5 (CONSTRUCTED; Cohen/Besterfield: IR = goal/current, RW = w IR SP, NW = RW/sum, TI = NW R)
    h = a5_house()
    plan = planning_matrix(h)
    assert plan.improvement_ratio == pytest.approx((5 / 3, 1, 2))
    assert plan.raw_weight == pytest.approx((12.5, 3, 9.6))
    assert [round(v, 6) for v in plan.normalized_weight] == [0.498008, 0.119522, 0.382470]
    res = analyze_house(h)
    assert res.planning is not None
    assert list(res.technical_importance.absolute.values()) == pytest.approx([1413 / 251, 645 / 251, 894 / 251])
    assert [round(v, 6) for v in res.technical_importance.absolute.values()] == [5.629482, 2.569721, 3.561753]
    assert [round(v, 6) for v in res.technical_importance.relative.values()] == [0.478659, 0.218496, 0.302846]
    off = analyze_house(h, planning=False)
    assert list(off.technical_importance.absolute.values()) == [57, 42, 39]  # 5*9+4*3, 5*3+3*9, 3*1+4*9


def test_a6_wasserman_and_lyman():
    # CASES.md A6 (CONSTRUCTED; Wasserman 1993 and Lyman 1990 normalizations)
    R = np.array(A5["R"], dtype=float)
    gamma = np.array([[1, 0.3, 0], [0.3, 1, 0.9], [0, 0.9, 1]])
    expected = [[0.540984, 0.311475, 0.147541], [0.124424, 0.456221, 0.419355], [0.142857, 0.428571, 0.428571]]
    assert np.round(wasserman(R, gamma), 6).tolist() == expected
    # through the house: roof EC1-EC2 "+" (0.3), EC2-EC3 "++" (0.9), d = [0.5, 0.3, 0.2]
    reqs = [Requirement(f"CR{i + 1}", d) for i, d in enumerate([0.5, 0.3, 0.2])]
    rel = {f"CR{i + 1}": {f"EC{j + 1}": v for j, v in enumerate(row) if v} for i, row in enumerate(A5["R"])}
    h = House.build(reqs, [Characteristic(f"EC{j + 1}") for j in range(3)], rel,
                    roof={("EC1", "EC2"): "+", ("EC2", "EC3"): "++"})
    wres = analyze_house(h, normalization="wasserman", roof_strong=0.9, roof_weak=0.3)
    assert [round(v, 6) for v in wres.technical_importance.absolute.values()] == [0.336390, 0.378318, 0.285291]
    assert wres.rank[0] == "EC2"  # the roof moves priority from EC1 to EC2
    lres = analyze_house(h, normalization="lyman")
    assert [round(v, 6) for v in lres.technical_importance.absolute.values()] == [0.425, 0.395, 0.180]
    assert lres.rank[0] == "EC1"
    assert np.allclose(wasserman(R, np.eye(3)), lyman(R))


def test_a7_two_phase_cascade(tmp_path):
    # CASES.md A7 (CONSTRUCTED; QFD Online rule: next row weight = previous relative %, unclamped)
    phase1 = analyze_house(a1_house(tmp_path))
    R2 = [[9, 1, 0, 3], [0, 9, 3, 0], [3, 0, 9, 1]]
    prev = ["Fan RPM", "Heater watts", "Insulation"]
    parts = ["Blade pitch", "Element area", "Foam density", "Housing gap"]
    h2 = next_phase(phase1, parts, {p: {c: v for c, v in zip(parts, row) if v} for p, row in zip(prev, R2)})
    assert [round(r.importance, 4) for r in h2.requirements] == [33.3333, 28.8889, 37.7778]
    res = analyze_house(h2)
    assert [round(v, 4) for v in res.technical_importance.absolute.values()] == [413.3333, 293.3333, 426.6667,
                                                                                137.7778]
    assert [round(100 * v, 4) for v in res.technical_importance.relative.values()] == [32.5175, 23.0769, 33.5664,
                                                                                      10.8392]


def test_ranked_characteristics_for_optimization():
    h = House.build([Requirement("r", 1)],
                    [Characteristic("Mass", "kg", "minimize", 2.0, competitors={"A": 2.5, "B": 1.8}),
                     Characteristic("Power", "W", "maximize", 900, competitors={"A": 800, "B": 950}),
                     Characteristic("Temp", "degC", "target", 93, competitors={"A": 90, "B": 95})],
                    {"r": {"Mass": 1, "Power": 9, "Temp": 3}})
    ranked = analyze_house(h).ranked()
    assert [(c.name, c.rank, c.direction, c.target, c.unit) for c in ranked] == [
        ("Power", 1, "maximize", 900.0, "W"), ("Temp", 2, "target", 93.0, "degC"), ("Mass", 3, "minimize", 2.0, "kg")]
    assert [(c.best_competitor, c.best_competitor_value) for c in ranked] == [("B", 950), ("B", 95), ("B", 1.8)]
    assert [c.target_beats_best for c in ranked] == [False, True, False]  # 900 < 950; target; 2.0 > 1.8
    with pytest.raises(AttributeError):
        ranked[0].rank = 5  # frozen


def test_diagnostics_and_rank_sensitivity():
    h = House.build([Requirement("a", 5), Requirement("b", 4), Requirement("c", 1)],
                    [Characteristic("X"), Characteristic("Y"), Characteristic("Z"), Characteristic("U")],
                    {"a": {"X": 9}, "b": {"Y": 3, "Z": 1}, "c": {"Y": 1, "Z": 3}},
                    roof={("X", "Y"): "-", ("Y", "Z"): "--"})
    res = analyze_house(h)
    d = res.diagnostics
    assert d.requirements_without_strong == ("b", "c")
    assert d.unrelated_characteristics == ("U",)
    # 9-3-1: X 45, Y 13, Z 7, U 0; top 3 -> X, Y, Z; both negative pairs are conflicts
    assert [(c.first, c.second) for c in d.roof_conflicts] == [("X", "Y"), ("Y", "Z")]
    assert analyze_house(h, conflict_top=2).diagnostics.roof_conflicts[0].first == "X"
    assert len(analyze_house(h, conflict_top=2).diagnostics.roof_conflicts) == 1
    sens = {s.scale: s for s in d.rank_sensitivity}
    assert set(sens) == {"5-3-1", "9-5-1"}
    # 9-5-1: X 45, Y 21, Z 9, U 0 -> same order -> tau 1 (brute force by hand)
    assert sens["9-5-1"].kendall_tau == pytest.approx(1.0) and sens["9-5-1"].moved == ()
    res_flip = analyze_house(House.build([Requirement("a", 1), Requirement("b", 1)],
                                         [Characteristic("X"), Characteristic("Y")],
                                         {"a": {"X": 9}, "b": {"Y": 3}, }), sensitivity_scales=("3-2-1",))
    assert res_flip.rank == ("X", "Y")
    assert res_flip.diagnostics.rank_sensitivity[0].rank == ("X", "Y")


def test_zero_weights_is_an_error():
    h = House.build([Requirement("a", 0)], [Characteristic("X")], {"a": {"X": 9}})
    with pytest.raises(ModelError, match="technical importance is zero"):
        analyze_house(h)


def test_frames_and_dict():
    pytest.importorskip("pandas")
    res = analyze_house(a5_house())
    assert list(res.to_frame().index) == list(res.rank)
    assert res.planning.to_frame().loc["CR1", "raw_weight"] == pytest.approx(12.5)
    coffee = analyze_house(read_house(Path(__file__).resolve().parents[2] / "examples/qfd/coffee_maker.toml"))
    frame = coffee.planning.to_frame()
    assert frame.loc["Coffee stays hot", "competitor:Brewmax"] == 4
    d = res.to_dict()
    assert set(d) >= {"technical_importance", "rank", "diagnostics", "characteristics", "planning"}
