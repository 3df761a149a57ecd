"""Reading a House of Quality from TOML, or from a CSV / Excel sheet.

TOML (the full format)::

    name = "Coffee maker"
    scale = "9-3-1"                      # optional; or [scale] strong = 9, medium = 3, weak = 1

    [[requirements]]
    name = "Quiet operation"
    importance = 5
    current = 3                          # optional planning data
    goal = 5
    sales_point = 1.5
    competitors = { Acme = 4, Brewco = 2 }

    [[characteristics]]
    name = "Fan RPM"
    unit = "rpm"
    direction = "minimize"               # maximize, minimize or target (or 1, -1, 0)
    target = 1200
    difficulty = 3
    competitors = { Acme = 1400, Brewco = 1800 }

    [relationships]                      # requirement = { characteristic = strength }
    "Quiet operation" = { "Fan RPM" = 9, "Insulation" = "medium" }

    [roof]                               # characteristic = { characteristic = ++ + - -- }
    "Fan RPM" = { "Heater watts" = "--" }

CSV / Excel (the matrix as people keep it): a header row ``requirement, importance,
[current, goal, sales_point, competitor:NAME ...], CHARACTERISTIC ...``; one row per
requirement with the strengths in the characteristic columns (blank = none); and optional rows
whose first cell is ``@unit``, ``@direction``, ``@target``, ``@difficulty``,
``@competitor:NAME`` (values per characteristic) or ``@roof:CHARACTERISTIC`` (its roof
entries with the other columns).

Examples
--------
>>> text = "requirement,importance,Fan RPM,Insulation\\nQuiet,5,9,3\\n@direction,,minimize,maximize\\n"
>>> parse_house_csv(text).characteristics[0].direction
'minimize'
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

from youzhi._files import csv_rows, load_toml, read_csv_text
from youzhi.errors import DataFileError, FileFormatError, InputError
from youzhi.qfd.house import Characteristic, House, Requirement, Scale

_REQ_KEYS = {"name", "importance", "current", "goal", "sales_point", "competitors"}
_CHAR_KEYS = {"name", "unit", "direction", "target", "difficulty", "competitors"}
_TOP_KEYS = {"name", "scale", "requirements", "characteristics", "relationships", "roof"}


_DIRECTION_ALIASES = {1: "maximize", 0: "target", -1: "minimize", "max": "maximize", "min": "minimize",
                      "▲": "maximize", "▼": "minimize", "◎": "target", "nominal": "target"}


def _direction(value: Any) -> Any:
    """Accept Yang & El-Haik's codes (maximize 1, target 0, minimize -1) and short forms."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (1, 0, -1):
        return _DIRECTION_ALIASES[int(value)]
    if isinstance(value, str):
        text = value.strip().lower()
        return _DIRECTION_ALIASES.get(text, text) if text else None
    return value


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FileFormatError(f"{where}: expected a table, got {type(value).__name__}")
    return value


def _list_of_tables(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise FileFormatError(f"{where}: {key}: expected an array of tables [[{key}]], got {type(value).__name__}")
    return [_table(item, f"{where}: {key}[{i}]") for i, item in enumerate(value)]


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise FileFormatError(f"{where}: unknown field(s) {', '.join(unknown)}; accepted: {', '.join(sorted(allowed))}")


def _scale(value: Any, where: str) -> Scale:
    if value is None:
        return Scale()
    try:
        if isinstance(value, str):
            return Scale.parse(value)
        table = _table(value, f"{where}: scale")
        _check_keys(table, {"strong", "medium", "weak"}, f"{where}: scale")
        return Scale(**table)
    except TypeError:
        raise FileFormatError(f"{where}: scale: expected strong, medium and weak numbers") from None
    except InputError as exc:
        message = str(exc)
        raise type(exc)(message if message.startswith(where) else f"{where}: {message}") from None


def house_from_dict(data: Mapping[str, Any], *, source: str = "house") -> House:
    """Build a house from the parsed TOML structure (see the module docstring).

    Examples
    --------
    >>> data = {"requirements": [{"name": "Quiet", "importance": 5}],
    ...         "characteristics": [{"name": "Fan RPM", "direction": "minimize"}],
    ...         "relationships": {"Quiet": {"Fan RPM": "strong"}}}
    >>> house_from_dict(data).matrix().tolist()
    [[9.0]]
    """
    _check_keys(_table(data, source), _TOP_KEYS, source)
    reqs = []
    for i, t in enumerate(_list_of_tables(data, "requirements", source)):
        where = f"{source}: requirements[{i}]"
        _check_keys(t, _REQ_KEYS, where)
        if "name" not in t or "importance" not in t:
            raise FileFormatError(f"{where}: needs name and importance")
        reqs.append(Requirement(t["name"], t["importance"], t.get("current"), t.get("goal"), t.get("sales_point"),
                                dict(_table(t.get("competitors", {}), f"{where}.competitors"))))
    chars = []
    for j, t in enumerate(_list_of_tables(data, "characteristics", source)):
        where = f"{source}: characteristics[{j}]"
        _check_keys(t, _CHAR_KEYS, where)
        if "name" not in t:
            raise FileFormatError(f"{where}: needs a name")
        unit = t.get("unit", "")
        if not isinstance(unit, str):
            raise FileFormatError(f"{where}.unit: expected text, got {unit!r}")
        competitors = dict(_table(t.get("competitors", {}), f"{where}.competitors"))
        chars.append(Characteristic(t["name"], unit, _direction(t.get("direction")), t.get("target"),
                                    t.get("difficulty"), competitors))
    rel = _table(data.get("relationships", {}), f"{source}: relationships")
    roof: dict[tuple[str, str], Any] = {}
    for a, row in _table(data.get("roof", {}), f"{source}: roof").items():
        for b, value in _table(row, f"{source}: roof.{a}").items():
            roof[(a, b)] = value
    name = data.get("name", os.path.splitext(os.path.basename(source))[0] or "House of Quality")
    if not isinstance(name, str):
        raise FileFormatError(f"{source}: name: expected text, got {name!r}")
    return House.build(reqs, chars, rel, roof, scale=_scale(data.get("scale"), source), name=name, where=source)


def _cell_number(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: expected a finite number, got {text!r}")
    return value


#: Header words people use for the fixed columns of a matrix sheet, English and Chinese.
_HEADER_ALIASES = {
    "requirements": "requirement", "name": "requirement", "customer_requirement": "requirement",
    "customer_requirements": "requirement", "whats": "requirement", "需求": "requirement",
    "客户需求": "requirement", "顾客需求": "requirement", "weight": "importance", "重要度": "importance",
    "重要性": "importance", "权重": "importance", "当前": "current", "目标": "goal", "卖点": "sales_point",
    "销售点": "sales_point",
}


def house_from_rows(rows: Sequence[Sequence[str]], *, source: str = "house.csv", unit: str = "line",
                    scale: Scale | None = None) -> House:
    """Build a house from the cells of a matrix sheet (see the module docstring)."""
    numbered = [(n + 1, [c.strip() for c in r]) for n, r in enumerate(rows) if any(c.strip() for c in r)]
    if not numbered:
        raise InputError(f"{source}: empty house: no rows")
    line, header = numbered[0]
    lower = [_HEADER_ALIASES.get(h.lower().replace(" ", "_"), h.lower().replace(" ", "_")) for h in header]
    if len(lower) < 2 or lower[0] not in ("requirement", "") or lower[1] != "importance":
        raise InputError(f"{source}: {unit} {line}: header must start with requirement,importance (or 需求,重要度; "
                         f"the first cell may be blank); got {','.join(header[:2])!r}")
    req_cols: dict[str, int] = {}
    comp_cols: dict[str, int] = {}
    first_char = 2
    for k in range(2, len(header)):
        if lower[k] in ("current", "goal", "sales_point"):
            req_cols[lower[k]] = k
        elif lower[k].startswith("competitor:"):
            comp_cols[header[k].split(":", 1)[1].strip()] = k
        else:
            break
        first_char = k + 1
    names = header[first_char:]
    for k, n in enumerate(names):
        if not n:
            raise InputError(f"{source}: {unit} {line}: column {first_char + k + 1} has no characteristic name")
    meta: dict[str, list[str]] = {}
    comps: dict[str, list[str]] = {}
    roof: dict[tuple[str, str], str] = {}
    reqs, rel = [], {}
    for line, row in numbered[1:]:
        where = f"{source}: {unit} {line}"
        row = row + [""] * (len(header) - len(row))
        if len(row) > len(header) and any(row[len(header):]):
            raise InputError(f"{where}: {len(row)} cells, but the header has {len(header)}")
        values = row[first_char:len(header)]
        key = row[0]
        if key.startswith("@"):
            tag = key[1:].strip()
            low = tag.lower()
            if low.startswith("roof:"):
                a = tag.split(":", 1)[1].strip()
                for b, v in zip(names, values):
                    if v:
                        roof[(a, b)] = v
            elif low.startswith("competitor:"):
                comps[tag.split(":", 1)[1].strip()] = values
            elif low in ("unit", "direction", "target", "difficulty"):
                meta[low] = values
            else:
                raise InputError(f"{where}: unknown row {key!r}; accepted @unit, @direction, @target, "
                                 "@difficulty, @competitor:NAME, @roof:CHARACTERISTIC")
            continue
        importance = _cell_number(row[1], f"{where}: importance")
        if importance is None:
            raise InputError(f"{where}: importance: missing")
        planning = {k: _cell_number(row[c], f"{where}: {k}") for k, c in req_cols.items()}
        competitors = {n: v for n, c in comp_cols.items()
                       if (v := _cell_number(row[c], f"{where}: competitor:{n}")) is not None}
        reqs.append(Requirement(key, importance, planning.get("current"), planning.get("goal"),
                                planning.get("sales_point"), competitors))
        if key in rel:
            raise InputError(f"{where}: duplicate requirement {key!r}")
        for n, v in zip(names, values):
            if v:
                (scale or Scale()).level(v, f"{where}: {n}")  # name the line and column
        rel[key] = {n: v for n, v in zip(names, values) if v}
    chars = []
    for j, n in enumerate(names):
        where = f"{source}: characteristic {n!r}"
        target = _cell_number(meta["target"][j], f"{where}: @target") if "target" in meta else None
        difficulty = _cell_number(meta["difficulty"][j], f"{where}: @difficulty") if "difficulty" in meta else None
        direction = meta.get("direction", [""] * len(names))[j]
        direction = _direction(int(float(direction)) if direction.strip() in ("1", "0", "-1", "1.0", "-1.0", "0.0")
                               else direction)
        competitors = {c: v for c, vals in comps.items()
                       if (v := _cell_number(vals[j], f"{where}: @competitor:{c}")) is not None}
        chars.append(Characteristic(n, meta.get("unit", [""] * len(names))[j], direction, target, difficulty,
                                    competitors))
    name = os.path.splitext(os.path.basename(source))[0] or "House of Quality"
    return House.build(reqs, chars, rel, roof, scale=scale, name=name, where=source)


def parse_house_csv(text: str, *, source: str = "house.csv", scale: Scale | None = None) -> House:
    """Parse the text of a matrix-layout CSV file."""
    return house_from_rows(csv_rows(text, source), source=source, scale=scale)


def _excel_rows(path: str, sheet: str | int) -> list[list[str]]:
    try:
        import pandas as pd

        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except ImportError as exc:
        raise DataFileError(f"{path}: reading Excel needs pandas and openpyxl ({exc})") from None
    except (ValueError, KeyError) as exc:
        raise FileFormatError(f"{path}: cannot read sheet {sheet!r}: {exc}") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc})") from None
    except Exception as exc:  # openpyxl raises its own types on corrupt files  # noqa: BLE001
        raise FileFormatError(f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from None

    def text(cell: Any) -> str:
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            return ""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        return str(cell)

    return [[text(c) for c in row] for row in frame.itertuples(index=False)]


def read_house(path: str | os.PathLike[str], *, sheet: str | int = 0, scale: Scale | None = None) -> House:
    """Read a house from ``.toml``, ``.csv`` or ``.xlsx`` (by extension).

    ``scale`` applies to CSV and Excel (TOML files carry their own ``scale``).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "h.toml")
    >>> _ = open(path, "w").write('''
    ... [[requirements]]
    ... name = "Quiet"
    ... importance = 5
    ... [[characteristics]]
    ... name = "Fan RPM"
    ... [relationships]
    ... Quiet = { "Fan RPM" = 3 }
    ... ''')
    >>> read_house(path)
    House('h', 1 requirements x 1 characteristics, scale 9-3-1)
    """
    p = os.fspath(path)
    ext = os.path.splitext(p)[1].lower()
    if ext == ".toml":
        return house_from_dict(load_toml(p), source=p)
    if ext in (".csv", ".tsv", ".txt"):
        return parse_house_csv(read_csv_text(p), source=p, scale=scale)
    if ext in (".xlsx", ".xlsm", ".xls"):
        if not os.path.exists(p):
            raise DataFileError(f"{p}: no such file")
        return house_from_rows(_excel_rows(p, sheet), source=f"{p}[{sheet}]", unit="row", scale=scale)
    raise FileFormatError(f"{p}: unknown house file type {ext!r}; expected .toml, .csv or .xlsx")
