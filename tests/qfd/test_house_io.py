"""House files: one clear error naming the field or line for each kind of bad input; fuzzing."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from youzhi.errors import DataFileError, FileFormatError, InputError, ModelError, YouzhiError
from youzhi.qfd.house_io import house_from_dict, parse_house_csv, read_house

BASE = """
[[requirements]]
name = "Quiet"
importance = 5
[[requirements]]
name = "Fast"
importance = 3
[[characteristics]]
name = "Fan RPM"
[[characteristics]]
name = "Heater W"
[relationships]
Quiet = { "Fan RPM" = 9 }
Fast = { "Heater W" = "strong" }
"""


def load(text: str):
    return house_from_dict(tomllib.loads(text), source="h.toml")


@pytest.mark.parametrize("text,error,message", [
    (BASE + 'Slow = { "Fan RPM" = 3 }\n', ModelError,
     "h.toml: relationships.Slow: no requirement named 'Slow'"),
    (BASE.replace('Quiet = { "Fan RPM" = 9 }', 'Quiet = { "Fan RMP" = 9 }'), ModelError,
     "h.toml: relationships.Quiet.Fan RMP: no characteristic named 'Fan RMP'"),
    (BASE.replace('"Fan RPM" = 9', '"Fan RPM" = 5'), InputError,
     "h.toml: relationships.Quiet.Fan RPM: strength 5 is not on the 9-3-1 scale; expected one of 9/3/1/0 "
     "or strong/medium/weak (●/○/△)"),
    (BASE.replace('"Fan RPM" = 9', '"Fan RPM" = "very"'), InputError,
     "h.toml: relationships.Quiet.Fan RPM: expected one of"),
    ('[[characteristics]]\nname = "X"\n', ModelError, "h.toml: empty house: no requirements"),
    ('[[requirements]]\nname = "X"\nimportance = 1\n', ModelError, "h.toml: empty house: no characteristics"),
    (BASE.split("[relationships]")[0], ModelError, "h.toml: empty house: no relationships"),
    (BASE.replace('name = "Fast"', 'name = "Quiet"'), ModelError,
     "h.toml: requirements[1].name: duplicate name 'Quiet' (also at index 0)"),
    (BASE.replace('name = "Heater W"', 'name = "Fan RPM"'), ModelError,
     "h.toml: characteristics[1].name: duplicate name 'Fan RPM'"),
    (BASE.replace("importance = 3", "importance = -3"), InputError,
     "h.toml: requirements[1].importance: must be a finite number >= 0, got -3"),
    (BASE.replace("importance = 3", 'importance = "high"'), InputError,
     "h.toml: requirements[1].importance: expected a number, got 'high'"),
    (BASE.replace("importance = 3", "importance = 3\nweight = 2"), FileFormatError,
     "h.toml: requirements[1]: unknown field(s) weight"),
    (BASE.replace('name = "Heater W"', 'name = "Heater W"\ndirection = "up"'), InputError,
     "h.toml: characteristics[1].direction: expected maximize, minimize or target, got 'up'"),
    (BASE.replace('name = "Heater W"', 'name = "Heater W"\ndirection = "target"'), InputError,
     "h.toml: characteristics[1].target: direction 'target' needs a target value"),
    (BASE + '[roof]\n"Fan RPM" = { "Heater W" = "+-" }\n', InputError,
     "h.toml: roof.Fan RPM.Heater W: expected ++, +, -, --"),
    (BASE + '[roof]\n"Fan RPM" = { "Nope" = "+" }\n', ModelError, "h.toml: roof.Fan RPM.Nope: no characteristic"),
    (BASE + '[roof]\n"Fan RPM" = { "Fan RPM" = "+" }\n', ModelError,
     "h.toml: roof.Fan RPM.Fan RPM: a characteristic cannot correlate with itself"),
    ('scale = "9-9-1"\n' + BASE, InputError, "h.toml: scale: need strong > medium > weak"),
    ('scale = "nine"\n' + BASE, InputError, "h.toml: scale: expected three numbers"),
    ('requirements = 3\n', FileFormatError, "h.toml: requirements: expected an array of tables"),
    ('colour = 3\n' + BASE, FileFormatError, "h.toml: unknown field(s) colour"),
])
def test_toml_errors(text, error, message):
    with pytest.raises(error) as info:
        load(text)
    assert str(info.value).startswith(message), str(info.value)


def test_words_symbols_numeric_roof_and_scale_table():
    text = "[scale]\nstrong = 5\nmedium = 3\nweak = 1\n" + BASE.replace('"strong"', '"●"').replace("= 9", "= 5")
    text += '[roof]\n"Fan RPM" = { "Heater W" = -9 }\n'
    h = load(text)
    assert h.matrix().tolist() == [[5, 0], [0, 5]]
    assert h.roof_pairs() == [("Fan RPM", "Heater W", "--")]


def test_direction_codes_yang_el_haik():
    # Yang & El-Haik code direction of improvement as maximize 1.0 / target 0.0 / minimize -1.0
    h = load(BASE.replace('name = "Fan RPM"', 'name = "Fan RPM"\ndirection = -1.0')
             .replace('name = "Heater W"', 'name = "Heater W"\ndirection = 1'))
    assert [c.direction for c in h.characteristics] == ["minimize", "maximize"]
    text = "requirement,importance,X,Y\nA,1,9,3\n@direction,,-1,MAX\n"
    assert [c.direction for c in parse_house_csv(text).characteristics] == ["minimize", "maximize"]
    with pytest.raises(InputError, match="direction 'target' needs a target value"):
        load(BASE.replace('name = "Fan RPM"', 'name = "Fan RPM"\ndirection = 0'))


def test_file_errors(tmp_path):
    with pytest.raises(DataFileError, match="no such file"):
        read_house(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[requirements]\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="bad.toml: malformed TOML"):
        read_house(bad)
    with pytest.raises(FileFormatError, match="unknown house file type '.json'"):
        read_house(tmp_path / "h.json")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(YouzhiError, match="junk.xlsx"):
        read_house(junk)


CSV = """requirement,importance,current,goal,sales_point,competitor:Acme,Fan RPM,Heater W
Quiet,5,3,5,1.5,4,9,
Fast,3,4,4,,3,,strong
@unit,,,,,,rpm,W
@direction,,,,,,minimize,maximize
@target,,,,,,1200,1500
@competitor:Acme,,,,,,1400,1300
@roof:Fan RPM,,,,,,,--
"""


def test_csv_full_layout():
    h = parse_house_csv(CSV, source="m.csv")
    assert h.requirements[0].current == 3 and h.requirements[0].competitors == {"Acme": 4}
    assert h.characteristics[0].unit == "rpm" and h.characteristics[1].direction == "maximize"
    assert h.characteristics[1].target == 1500 and h.characteristics[0].competitors == {"Acme": 1400}
    assert h.roof_pairs() == [("Fan RPM", "Heater W", "--")]


@pytest.mark.parametrize("text,message", [
    ("", "m.csv: empty house"),
    ("name,weight,X\n", "m.csv: empty house: no requirements"),
    ("req,imp,X\nA,1,9\n", "m.csv: line 1: header must start with requirement,importance"),
    ("requirement,importance,X\nA,,9\n", "m.csv: line 2: importance: missing"),
    ("requirement,importance,X\nA,1,7\n", "m.csv: line 2: X: strength '7' is not on the 9-3-1 scale"),
    ("requirement,importance,X\nA,1,9\nA,2,3\n", "m.csv: line 3: duplicate requirement 'A'"),
    ("requirement,importance,X,X\nA,1,9,3\n", "m.csv: characteristics[1].name: duplicate name 'X'"),
    ("requirement,importance,X\nA,1,9\n@colour,,red\n", "m.csv: line 3: unknown row '@colour'"),
    ("requirement,importance,X\nA,1,9\n@target,,tall\n", "m.csv: characteristic 'X': @target: expected a number"),
    ("requirement,importance,X\nA,1,9,3\n", "m.csv: line 2: 4 cells, but the header has 3"),
    ("requirement,importance,X,\nA,1,9,3\n", "m.csv: line 1: column 4 has no characteristic name"),
])
def test_csv_errors(text, message):
    with pytest.raises(InputError) as info:
        parse_house_csv(text, source="m.csv")
    assert str(info.value).startswith(message), str(info.value)


_cell = st.sampled_from(["", "9", "3", "1", "5", "strong", "x", "-1", "nan", "1e400", "@unit", "@roof:A", "A", "B",
                         "--", "+", "requirement", "importance", "current", "goal", '"', ";"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200),
                 st.lists(st.lists(_cell, max_size=6), max_size=7).map(
                     lambda rows: "requirement,importance,A,B\n" + "\n".join(",".join(r) for r in rows))))
def test_fuzz_csv_only_youzhi_errors(text):
    try:
        h = parse_house_csv(text)
    except YouzhiError:
        return
    assert h.levels.any()


_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True), st.text(max_size=6),
              st.sampled_from(["X", "Y", "A", "strong", "++", "--", "target", "maximize"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["name", "importance", "X", "Y", "A", "B", "unit",
                                                                "direction", "target", "goal", "current"]),
                                               children, max_size=4)),
    max_leaves=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={
    "name": _value, "scale": st.one_of(_value, st.just("5-3-1")),
    "requirements": st.one_of(_value, st.lists(st.fixed_dictionaries(
        {"name": st.sampled_from(["A", "B", ""])}, optional={"importance": _value, "current": _value,
                                                              "goal": _value, "competitors": _value}), max_size=3)),
    "characteristics": st.one_of(_value, st.lists(st.fixed_dictionaries(
        {"name": st.sampled_from(["X", "Y"])}, optional={"direction": _value, "target": _value, "unit": _value,
                                                          "difficulty": _value}), max_size=3)),
    "relationships": st.one_of(_value, st.dictionaries(st.sampled_from(["A", "B", "C"]), _value, max_size=3)),
    "roof": _value}))
def test_fuzz_toml_structure_only_youzhi_errors(data):
    try:
        h = house_from_dict(data, source="f.toml")
    except YouzhiError:
        return
    assert h.levels.any() and len(h.requirements) >= 1


@pytest.mark.parametrize("header", ["requirement,importance", "需求,重要度", ",weight", "Customer requirements,权重"])
def test_matrix_sheet_headers_people_use(header):
    # CASES.md A4 again (28 / 38 / 32 / 52 / 28) with the fixed columns named the other common ways
    from tests.qfd.test_house import A4_CSV
    from youzhi.qfd.house import Scale
    from youzhi.qfd.hoq import analyze_house

    text = A4_CSV.replace("requirement,importance", header, 1)
    result = analyze_house(parse_house_csv(text, scale=Scale.parse("1-3-5")))
    assert list(result.technical_importance.absolute.values()) == pytest.approx([28, 38, 32, 52, 28])
