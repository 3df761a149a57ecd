"""The House of Quality model: requirements, characteristics, relationships and roof.

Rows are customer requirements ("whats"), columns technical characteristics ("hows").
Relationships are stored as *levels* - 0 none, 1 weak, 2 medium, 3 strong - so the same
house can be valued on another scale (9-3-1, 5-3-1, 9-5-1, 1-3-5 ...); the house's own
:class:`Scale` gives the numbers. The roof holds the correlation of pairs of
characteristics as ``++``, ``+``, ``-``, ``--``.

Examples
--------
>>> house = House.build(
...     requirements=[Requirement("Quiet", 5), Requirement("Fast", 3)],
...     characteristics=[Characteristic("Fan RPM", direction="minimize"), Characteristic("Heater W")],
...     relationships={"Quiet": {"Fan RPM": 9}, "Fast": {"Heater W": "strong"}},
...     roof={("Fan RPM", "Heater W"): "--"})
>>> house.matrix().tolist()
[[9.0, 0.0], [0.0, 9.0]]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from youzhi.errors import InputError, ModelError

DIRECTIONS = ("maximize", "minimize", "target")
ROOF_SYMBOLS = {"++": 2, "+": 1, "-": -1, "--": -2}
ROOF_NAMES = {2: "++", 1: "+", -1: "-", -2: "--"}
_LEVEL_WORDS = {"strong": 3, "s": 3, "●": 3, "◎": 3, "high": 3, "强": 3,
                "medium": 2, "moderate": 2, "m": 2, "○": 2, "中": 2,
                "weak": 1, "w": 1, "△": 1, "▲": 1, "low": 1, "弱": 1,
                "none": 0, "": 0, "-": 0}
_ROOF_WORDS = {"++": 2, "+": 1, "-": -1, "--": -2, "strong positive": 2, "positive": 1, "negative": -1,
               "strong negative": -2, "◎": 2, "○": 1, "×": -1, "x": -1, "#": -2, "": 0, "none": 0}


@dataclass(frozen=True)
class Scale:
    """Numbers of the weak, medium and strong relationship levels (9-3-1 by default).

    Examples
    --------
    >>> Scale.parse("5-3-1").values
    (0.0, 1.0, 3.0, 5.0)
    """

    strong: float = 9.0
    medium: float = 3.0
    weak: float = 1.0

    def __post_init__(self) -> None:
        for name in ("strong", "medium", "weak"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                    and value > 0):
                raise InputError(f"scale.{name}: must be a number > 0, got {value!r}")
        if not self.strong > self.medium > self.weak:
            raise InputError(f"scale: need strong > medium > weak, got {self.strong}-{self.medium}-{self.weak}")

    @property
    def values(self) -> tuple[float, float, float, float]:
        """Value of level 0 (none), 1 (weak), 2 (medium), 3 (strong)."""
        return (0.0, float(self.weak), float(self.medium), float(self.strong))

    @property
    def label(self) -> str:
        """``"9-3-1"`` style name."""
        return "-".join(f"{v:g}" for v in (self.strong, self.medium, self.weak))

    @classmethod
    def parse(cls, text: str) -> "Scale":
        """``"9-3-1"`` or ``"1-3-5"`` (any order) to a scale."""
        try:
            values = sorted((float(p) for p in str(text).replace(",", "-").split("-")), reverse=True)
        except ValueError:
            raise InputError(f"scale: expected three numbers such as 9-3-1, got {text!r}") from None
        if len(values) != 3:
            raise InputError(f"scale: expected three numbers such as 9-3-1, got {text!r}")
        return cls(*values)

    def level(self, value: object, where: str) -> int:
        """The level (0-3) of a strength given as a number on this scale, a word or a symbol."""
        original = value
        if isinstance(value, bool):
            raise InputError(f"{where}: expected one of {self.accepted()}, got {value!r}")
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _LEVEL_WORDS:
                return _LEVEL_WORDS[text]
            try:
                value = float(text)
            except ValueError:
                raise InputError(f"{where}: expected one of {self.accepted()}, got {value!r}") from None
        if isinstance(value, (int, float, np.integer, np.floating)):
            for level, v in enumerate(self.values):
                if float(value) == v:
                    return level
        raise InputError(f"{where}: strength {original!r} is not on the {self.label} scale; expected one of "
                         f"{self.accepted()}")

    def accepted(self) -> str:
        return f"{self.strong:g}/{self.medium:g}/{self.weak:g}/0 or strong/medium/weak (●/○/△)"


@dataclass(frozen=True)
class Requirement:
    """A customer requirement (a row) with optional planning data.

    ``current`` and ``goal`` are ratings on the survey's scale (improvement ratio goal/current),
    ``sales_point`` a multiplier (1, 1.2, 1.5 by convention), ``competitors`` ratings by name.
    """

    name: str
    importance: float
    current: float | None = None
    goal: float | None = None
    sales_point: float | None = None
    competitors: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Characteristic:
    """A technical characteristic (a column): unit, direction of improvement, target, difficulty."""

    name: str
    unit: str = ""
    direction: str | None = None
    target: float | None = None
    difficulty: float | None = None
    competitors: Mapping[str, float] = field(default_factory=dict)


def _number(value: object, where: str, *, positive: bool = False, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"{where}: expected a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or (positive and v <= 0) or v < 0:
        raise InputError(f"{where}: must be a finite number {'> 0' if positive else '>= 0'}, got {value!r}")
    return v


def _check_requirement(r: Requirement, where: str) -> None:
    if not isinstance(r.name, str) or not r.name.strip():
        raise InputError(f"{where}.name: must be a non-empty string, got {r.name!r}")
    _number(r.importance, f"{where}.importance", optional=False)
    _number(r.current, f"{where}.current", positive=True)
    _number(r.goal, f"{where}.goal", positive=True)
    _number(r.sales_point, f"{where}.sales_point", positive=True)
    for comp, v in dict(r.competitors).items():
        _number(v, f"{where}.competitors.{comp}")


def _check_characteristic(c: Characteristic, where: str) -> None:
    if not isinstance(c.name, str) or not c.name.strip():
        raise InputError(f"{where}.name: must be a non-empty string, got {c.name!r}")
    if c.direction is not None and c.direction not in DIRECTIONS:
        raise InputError(f"{where}.direction: expected maximize, minimize or target, got {c.direction!r}")
    if c.target is not None and (isinstance(c.target, bool) or not isinstance(c.target, (int, float))
                                 or not math.isfinite(c.target)):
        raise InputError(f"{where}.target: expected a finite number, got {c.target!r}")
    if c.direction == "target" and c.target is None:
        raise InputError(f"{where}.target: direction 'target' needs a target value")
    _number(c.difficulty, f"{where}.difficulty")
    for comp, v in dict(c.competitors).items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InputError(f"{where}.competitors.{comp}: expected a finite number, got {v!r}")


def _unique(names: Sequence[str], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in index:
            raise ModelError(f"{what}[{i}].name: duplicate name {name!r} (also at index {index[name]})")
        index[name] = i
    return index


@dataclass(frozen=True, repr=False, eq=False)  # holds arrays: compare fields explicitly
class House:
    """A validated House of Quality. Build it with :meth:`House.build` or the file readers.

    Attributes
    ----------
    requirements, characteristics : tuple
        Rows and columns in order.
    levels : ndarray of int8, shape (n_requirements, n_characteristics)
        Relationship levels 0 (none) to 3 (strong).
    roof : ndarray of int8, shape (n_characteristics, n_characteristics)
        Symmetric correlation -2 (``--``) .. 2 (``++``), 0 on the diagonal and where none.
    scale : Scale
        Numbers of the levels.
    name : str
    """

    requirements: tuple[Requirement, ...]
    characteristics: tuple[Characteristic, ...]
    levels: np.ndarray
    roof: np.ndarray
    scale: Scale = field(default_factory=Scale)
    name: str = "House of Quality"

    def __repr__(self) -> str:
        return (f"House({self.name!r}, {len(self.requirements)} requirements x "
                f"{len(self.characteristics)} characteristics, scale {self.scale.label})")

    @property
    def requirement_names(self) -> list[str]:
        return [r.name for r in self.requirements]

    @property
    def characteristic_names(self) -> list[str]:
        return [c.name for c in self.characteristics]

    def matrix(self, scale: Scale | None = None) -> np.ndarray:
        """Relationship values on ``scale`` (default: the house's own)."""
        return np.asarray((scale or self.scale).values)[self.levels]

    def roof_pairs(self) -> list[tuple[str, str, str]]:
        """``(a, b, symbol)`` for every roof entry, a before b in column order."""
        i, j = np.nonzero(np.triu(self.roof, 1))
        names = self.characteristic_names
        return [(names[a], names[b], ROOF_NAMES[int(self.roof[a, b])]) for a, b in zip(i, j)]

    @classmethod
    def build(cls, requirements: Sequence[Requirement], characteristics: Sequence[Characteristic],
              relationships: Mapping[str, Mapping[str, object]],
              roof: Mapping[tuple[str, str], object] | None = None, *, scale: Scale | None = None,
              name: str = "House of Quality", where: str = "") -> "House":
        """Validate and assemble a house; relationships are ``{requirement: {characteristic: strength}}``.

        Strengths are numbers on ``scale``, words (strong/medium/weak) or symbols (●/○/△);
        roof values are ``++ + - --``. ``where`` prefixes error messages (a file name).
        """
        pre = f"{where}: " if where else ""
        scale = scale or Scale()
        reqs, chars = tuple(requirements), tuple(characteristics)
        if not reqs:
            raise ModelError(f"{pre}empty house: no requirements")
        if not chars:
            raise ModelError(f"{pre}empty house: no characteristics")
        for i, r in enumerate(reqs):
            _check_requirement(r, f"{pre}requirements[{i}]")
        for j, c in enumerate(chars):
            _check_characteristic(c, f"{pre}characteristics[{j}]")
        rows = _unique([r.name for r in reqs], f"{pre}requirements")
        cols = _unique([c.name for c in chars], f"{pre}characteristics")
        levels = np.zeros((len(reqs), len(chars)), dtype=np.int8)
        if not isinstance(relationships, Mapping):
            raise InputError(f"{pre}relationships: expected a table {{requirement: {{characteristic: strength}}}}")
        for rname, row in relationships.items():
            if rname not in rows:
                raise ModelError(f"{pre}relationships.{rname}: no requirement named {rname!r}")
            if not isinstance(row, Mapping):
                raise InputError(f"{pre}relationships.{rname}: expected a table {{characteristic: strength}}, "
                                 f"got {row!r}")
            for cname, value in row.items():
                if cname not in cols:
                    raise ModelError(f"{pre}relationships.{rname}.{cname}: no characteristic named {cname!r}")
                levels[rows[rname], cols[cname]] = scale.level(value, f"{pre}relationships.{rname}.{cname}")
        if not levels.any():
            raise ModelError(f"{pre}empty house: no relationships")
        roof_arr = np.zeros((len(chars), len(chars)), dtype=np.int8)
        for key, value in (roof or {}).items():
            a, b = key
            here = f"{pre}roof.{a}.{b}"
            for n in (a, b):
                if n not in cols:
                    raise ModelError(f"{here}: no characteristic named {n!r}")
            if a == b:
                raise ModelError(f"{here}: a characteristic cannot correlate with itself")
            corr = _roof_value(value, here)
            i, j = cols[a], cols[b]
            if roof_arr[i, j] not in (0, corr):
                raise ModelError(f"{here}: given twice with different values")
            roof_arr[i, j] = roof_arr[j, i] = corr
        return cls(reqs, chars, levels, roof_arr, scale, name)


def _roof_value(value: object, where: str) -> int:
    if isinstance(value, str) and value.strip().lower() in _ROOF_WORDS:
        return _ROOF_WORDS[value.strip().lower()]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        # numeric roofs: Keller's +-9 (strong) / +-3, +-1 (moderate, weak), or the codes +-2 / +-1
        v = float(value)
        if abs(v) in (0, 1, 2, 3, 9):
            return 0 if v == 0 else int(math.copysign(2 if abs(v) in (2, 9) else 1, v))
    raise InputError(f"{where}: expected ++, +, -, -- (or a signed number -9, -3, -2, -1, 0, 1, 2, 3, 9), "
                     f"got {value!r}")


def as_mapping(value: Any) -> dict[str, Any]:
    """A plain dict of the competitors table (for frozen dataclass fields)."""
    return dict(value or {})
