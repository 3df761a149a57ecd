"""Kano-adjusted importance of customer requirements, for the House of Quality.

Three adjustments, each a function with its constants as named parameters:

* :func:`tan_shen` - Tan & Shen (2000), "A study of attractive quality and its application
  in quality function deployment", *Total Quality Management* 11(8), 1141-1151: the
  improvement ratio ``IR0 = goal / current`` of the planning matrix is transformed to
  ``IR_adj = IR0 ** (1/k)`` with a Kano parameter ``k`` per category.
* :func:`category_multipliers` - the importance (times the improvement ratio) multiplied by a
  factor per category; the factors are required arguments because the literature uses
  different ones and none is a standard.
* :func:`better_worse_weighting` - ``w * (1 + max(Better, |Worse|))``: the requirement's
  weight grows with the strongest of its satisfaction and dissatisfaction coefficients.

Indifferent, reverse and questionable requirements get no improvement credit in
:func:`tan_shen` (``IR_adj = 1``).

Examples
--------
>>> res = tan_shen([4, 5], ["O", "M"], current=[3, 4], goal=[4, 5])
>>> [round(v, 4) for v in res.raw]
[5.3333, 7.8125]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from youzhi._results import Result
from youzhi.errors import InputError
from youzhi.qfd.kano import CATEGORY_NAMES

_CATEGORIES = tuple(CATEGORY_NAMES)
_BY_NAME = {name.replace("-", " ").upper(): letter for letter, name in CATEGORY_NAMES.items()}


@dataclass(frozen=True, repr=False)
class AdjustedImportance(Result):
    """Adjusted requirement weights: ``raw`` and ``normalized`` (summing to 1), with the method."""

    raw: tuple[float, ...]
    normalized: tuple[float, ...]
    categories: tuple[str, ...]
    method: str
    constants: dict[str, Any]

    def to_frame(self) -> Any:
        """One row per requirement: category, raw and normalized weight."""
        import pandas as pd

        return pd.DataFrame({"category": self.categories, "raw": self.raw, "normalized": self.normalized})


def _vector(values: Sequence[float], name: str, n: int | None = None, positive: bool = True) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected numbers, got {values!r}") from None
    if n is not None and arr.size != n:
        raise InputError(f"{name}: expected {n} values, got {arr.size}")
    bad = ~np.isfinite(arr) | ((arr <= 0) if positive else (arr < 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{name}[{i}]: must be a finite number {'> 0' if positive else '>= 0'}, got {arr[i]!r}")
    return arr


def _categories(categories: Sequence[str], n: int) -> tuple[str, ...]:
    """Category letters from letters or full names ("must-be", "one dimensional", ...), any case."""
    if len(categories) != n:
        raise InputError(f"categories: expected {n} values, got {len(categories)}")
    cats = []
    for i, given in enumerate(categories):
        key = " ".join(str(given).replace("-", " ").split()).upper()
        letter = key if key in _CATEGORIES else _BY_NAME.get(key)
        if letter is None:
            raise InputError(f"categories[{i}]: expected one of A, O, M, I, R, Q or their names "
                             f"({', '.join(CATEGORY_NAMES.values())}), got {given!r}")
        cats.append(letter)
    return tuple(cats)


def _result(raw: np.ndarray, cats: tuple[str, ...], method: str, constants: dict[str, Any]) -> AdjustedImportance:
    total = raw.sum()
    if not total > 0:
        raise InputError("adjusted importance: all weights are zero")
    return AdjustedImportance(tuple(float(v) for v in raw), tuple(float(v) for v in raw / total), cats, method,
                              constants)


def tan_shen(importance: Sequence[float], categories: Sequence[str], *, current: Sequence[float],
             goal: Sequence[float], sales_point: Sequence[float] | None = None,
             exponent: Literal["1/k", "k"] = "1/k", k_must_be: float = 0.5, k_one_dimensional: float = 1.0,
             k_attractive: float = 2.0) -> AdjustedImportance:
    """Tan & Shen (2000) adjusted improvement ratio: raw weight ``w * IR_adj * sales_point``.

    ``IR_adj = IR0 ** (1/k)`` (``exponent="1/k"``, the form in which the paper is cited) or
    ``IR0 ** k`` (``exponent="k"``), with ``IR0 = goal / current``; indifferent, reverse and
    questionable requirements get ``IR_adj = 1``.

    The default is the cited form with ``k = 0.5`` (must-be), ``1`` (one-dimensional) and
    ``2`` (attractive). Chosen because (a) it is the form every secondary source quotes; (b)
    it reads as the inverse of a Kano curve ``satisfaction ~ performance ** k`` (convex for
    attractive, concave for must-be): reaching a satisfaction ratio ``IR0`` on an attractive
    requirement needs less performance improvement than on a must-be one, so must-be rows with
    a gap are amplified (``IR0 ** 2``) and attractive rows damped (``IR0 ** 0.5``), matching
    the "fix the expected first" priority (Robertshaw 1995; Matzler & Hinterhuber 1998). The
    paper itself could not be read here, so the direction is not pinned against it: pass
    ``exponent="k"`` for the opposite reading, and ``k_attractive=1.5`` for the other k value
    in circulation.

    Examples
    --------
    >>> res = tan_shen([3], ["A"], current=[2], goal=[4], exponent="k")
    >>> round(res.raw[0], 6)
    12.0
    """
    w = _vector(importance, "importance")
    n = w.size
    cats = _categories(categories, n)
    ir = _vector(goal, "goal", n) / _vector(current, "current", n)
    sp = np.ones(n) if sales_point is None else _vector(sales_point, "sales_point", n)
    if exponent not in ("1/k", "k"):
        raise InputError(f"exponent: expected '1/k' or 'k', got {exponent!r}")
    ks = {"M": k_must_be, "O": k_one_dimensional, "A": k_attractive}
    for name, k in zip(("k_must_be", "k_one_dimensional", "k_attractive"), ks.values()):
        if not (isinstance(k, (int, float)) and math.isfinite(k) and k > 0):
            raise InputError(f"{name}: must be a number > 0, got {k!r}")
    power = np.array([(1.0 / ks[c] if exponent == "1/k" else ks[c]) if c in ks else 0.0 for c in cats])
    adjusted = ir ** power  # IR ** 0 = 1 for I, R, Q
    return _result(w * adjusted * sp, cats, "tan-shen",
                   {"exponent": exponent, "k_must_be": k_must_be, "k_one_dimensional": k_one_dimensional,
                    "k_attractive": k_attractive})


def category_multipliers(importance: Sequence[float], categories: Sequence[str], *, must_be: float,
                         one_dimensional: float, attractive: float, indifferent: float,
                         improvement_ratio: Sequence[float] | None = None) -> AdjustedImportance:
    """Raw weight ``w * IR * multiplier[category]`` (reverse and questionable count as indifferent).

    Examples
    --------
    >>> res = category_multipliers([2, 2], ["M", "A"], must_be=1.5, one_dimensional=1.0, attractive=1.2,
    ...                            indifferent=0.5)
    >>> res.raw
    (3.0, 2.4)
    """
    w = _vector(importance, "importance")
    cats = _categories(categories, w.size)
    ir = np.ones(w.size) if improvement_ratio is None else _vector(improvement_ratio, "improvement_ratio", w.size)
    table = {"M": must_be, "O": one_dimensional, "A": attractive, "I": indifferent}
    for key, value in zip(("must_be", "one_dimensional", "attractive", "indifferent"), table.values()):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise InputError(f"{key}: must be a number >= 0, got {value!r}")
    mult = np.array([table.get(c, indifferent) for c in cats])
    return _result(w * ir * mult, cats, "category-multipliers",
                   {"must_be": must_be, "one_dimensional": one_dimensional, "attractive": attractive,
                    "indifferent": indifferent})


def better_worse_weighting(importance: Sequence[float], better: Sequence[float], worse: Sequence[float],
                           categories: Sequence[str] | None = None) -> AdjustedImportance:
    """Raw weight ``w * (1 + max(Better, |Worse|))``.

    Examples
    --------
    >>> res = better_worse_weighting([4], [0.5], [-0.75])
    >>> res.raw
    (7.0,)
    """
    w = _vector(importance, "importance")
    b = _vector(better, "better", w.size, positive=False)
    wo = np.abs(np.asarray(worse, dtype=float).reshape(-1))
    _vector(wo, "worse", w.size, positive=False)
    cats = _categories(categories, w.size) if categories is not None else ("",) * w.size
    return _result(w * (1 + np.maximum(b, wo)), cats, "better-worse", {})


def from_classification(classification: Any, names: Sequence[str]) -> dict[str, Any]:
    """Category, Better and Worse of the named attributes of a :class:`KanoClassification`.

    Examples
    --------
    >>> from youzhi.qfd.kano import attribute_statistics, KanoClassification
    >>> c = KanoClassification({"X": attribute_statistics("X", {"A": 3, "I": 1})})
    >>> from_classification(c, ["X"])["categories"]
    ['A']
    """
    attrs: Mapping[str, Any] = classification.attributes
    missing = [n for n in names if n not in attrs]
    if missing:
        raise InputError(f"requirements not in the Kano survey: {', '.join(map(repr, missing))}")
    return {"categories": [attrs[n].category for n in names], "better": [attrs[n].better for n in names],
            "worse": [attrs[n].worse for n in names]}
