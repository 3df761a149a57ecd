"""House of Quality analysis: planning matrix, technical importance, ranking, benchmarking.

* **Planning matrix** (Cohen 1995; Besterfield's "scale-up factor"): improvement ratio
  ``IR = goal / current`` (1 where either is missing), raw weight ``w * IR * sales_point``
  (sales point 1 where missing), normalized weight ``raw / sum(raw)``. Used when any
  requirement has planning data (``planning=None``), or forced on/off.
* **Technical importance**: absolute ``TI_j = sum_i weight_i * R_ij`` with weight the
  importance, or the normalized planning weight; relative ``TI_j / sum_k TI_k``.
* **Normalization** of the relationship matrix, a named choice: ``"none"``; ``"lyman"``
  (Lyman 1990: each row divided by its sum); ``"wasserman"`` (Wasserman 1993: ``R Gamma``
  row-normalized, Gamma built from the roof: 1 on the diagonal, ``roof_strong`` for ``++``,
  ``roof_weak`` for ``+`` and 0 for negative correlations, whose trade-offs are reported as
  conflicts instead).

Examples
--------
>>> from youzhi.qfd.house import House, Requirement, Characteristic
>>> house = House.build([Requirement("Quiet", 5), Requirement("Fast", 3)],
...                     [Characteristic("Fan RPM"), Characteristic("Heater W")],
...                     {"Quiet": {"Fan RPM": 9}, "Fast": {"Fan RPM": 1, "Heater W": 9}})
>>> weights, _ = requirement_weights(house)
>>> technical_importance(house, weights).tolist()
[48.0, 27.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from youzhi._results import Result
from youzhi.errors import InputError
from youzhi.qfd.house import House, Scale

NORMALIZATIONS = ("none", "lyman", "wasserman")


@dataclass(frozen=True, repr=False)
class PlanningMatrix(Result):
    """Per requirement: importance, current, goal, improvement ratio, sales point, raw and normalized weight."""

    requirements: tuple[str, ...]
    importance: tuple[float, ...]
    current: tuple[float | None, ...]
    goal: tuple[float | None, ...]
    improvement_ratio: tuple[float, ...]
    sales_point: tuple[float, ...]
    raw_weight: tuple[float, ...]
    normalized_weight: tuple[float, ...]
    competitors: dict[str, tuple[float | None, ...]]

    def to_frame(self) -> Any:
        """One row per requirement; competitors' ratings as ``competitor:NAME`` columns."""
        import pandas as pd

        data = self.to_dict()
        comps = data.pop("competitors")
        frame = pd.DataFrame(data).set_index("requirements")
        for name, ratings in comps.items():
            frame[f"competitor:{name}"] = ratings
        return frame


@dataclass(frozen=True, repr=False)
class TechnicalImportance(Result):
    """``absolute`` and ``relative`` (summing to 1) importance by characteristic name."""

    absolute: dict[str, float]
    relative: dict[str, float]


@dataclass(frozen=True, repr=False)
class RankedCharacteristic(Result):
    """One characteristic as handed to optimization: rank, importance, direction and target.

    ``best_competitor`` is the competitor whose measured value is best in the characteristic's
    direction (largest for maximize, smallest for minimize, closest to the target for target);
    ``target_beats_best`` says whether the target is at least as good (None without data).
    """

    name: str
    rank: int
    absolute: float
    relative: float
    direction: str | None
    target: float | None
    unit: str
    difficulty: float | None
    best_competitor: str | None
    best_competitor_value: float | None
    target_beats_best: bool | None


def improvement_ratio(current: float | None, goal: float | None) -> float:
    """``goal / current``, or 1 when either is missing."""
    return 1.0 if current is None or goal is None else goal / current


def planning_matrix(house: House) -> PlanningMatrix:
    """The planning matrix of a house (see the module docstring).

    Examples
    --------
    >>> from youzhi.qfd.house import House, Requirement, Characteristic
    >>> h = House.build([Requirement("A", 5, 3, 5, 1.5), Requirement("B", 3, 4, 4)], [Characteristic("X")],
    ...                 {"A": {"X": 9}})
    >>> [round(v, 4) for v in planning_matrix(h).normalized_weight]
    [0.8065, 0.1935]
    """
    reqs = house.requirements
    ir = [improvement_ratio(r.current, r.goal) for r in reqs]
    sp = [1.0 if r.sales_point is None else float(r.sales_point) for r in reqs]
    raw = [float(r.importance) * a * b for r, a, b in zip(reqs, ir, sp)]
    total = sum(raw)
    if not total > 0:
        raise InputError(f"{house.name}: planning matrix: all raw weights are zero")
    names = sorted({c for r in reqs for c in r.competitors})
    comps = {c: tuple(None if r.competitors.get(c) is None else float(r.competitors[c]) for r in reqs) for c in names}
    return PlanningMatrix(tuple(house.requirement_names), tuple(float(r.importance) for r in reqs),
                          tuple(r.current for r in reqs), tuple(r.goal for r in reqs), tuple(ir), tuple(sp),
                          tuple(raw), tuple(v / total for v in raw), comps)


def lyman(matrix: np.ndarray) -> np.ndarray:
    """Lyman (1990) normalization: each row divided by its sum (all-zero rows stay zero).

    Examples
    --------
    >>> lyman(np.array([[9.0, 3.0], [0.0, 0.0]])).tolist()
    [[0.75, 0.25], [0.0, 0.0]]
    """
    r = np.asarray(matrix, dtype=float)
    s = r.sum(axis=1, keepdims=True)
    return np.divide(r, s, out=np.zeros_like(r), where=s != 0)


def wasserman(matrix: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Wasserman (1993) normalization ``(R Gamma)_ij / sum_j (R Gamma)_ij``.

    ``gamma`` is the symmetric correlation-strength matrix of the characteristics with ones
    on the diagonal (``Gamma = I`` gives :func:`lyman`).

    Examples
    --------
    >>> wasserman(np.array([[1.0, 0.0]]), np.array([[1.0, 0.5], [0.5, 1.0]])).round(4).tolist()
    [[0.6667, 0.3333]]
    """
    g = np.asarray(gamma, dtype=float)
    r = np.asarray(matrix, dtype=float)
    if g.shape != (r.shape[1], r.shape[1]) or not np.allclose(g, g.T) or not np.all(np.diag(g) == 1):
        raise InputError(f"gamma: expected a symmetric {r.shape[1]}x{r.shape[1]} matrix with a unit diagonal")
    return lyman(r @ g)


def correlation_matrix(house: House, *, roof_strong: float = 0.9, roof_weak: float = 0.3) -> np.ndarray:
    """Wasserman's Gamma from the roof: ``++`` -> ``roof_strong``, ``+`` -> ``roof_weak``, else 0."""
    for name, v in (("roof_strong", roof_strong), ("roof_weak", roof_weak)):
        if not 0 <= v <= 1:
            raise InputError(f"{name}: must be in [0, 1], got {v!r}")
    gamma = np.where(house.roof == 2, roof_strong, np.where(house.roof == 1, roof_weak, 0.0))
    np.fill_diagonal(gamma, 1.0)
    return gamma


def competition_rank(values: np.ndarray) -> np.ndarray:
    """1-based ranks, largest first; equal values (to 12 significant digits) share the smaller rank.

    Examples
    --------
    >>> competition_rank(np.array([28.0, 38.0, 32.0, 52.0, 28.0])).tolist()
    [4, 2, 3, 1, 4]
    """
    v = np.asarray(values, dtype=float)
    scale = float(np.max(np.abs(v))) if v.size else 0.0
    key = np.round(v / scale, 12) if scale > 0 else v
    return np.array([1 + int(np.sum(key > k)) for k in key], dtype=int)


def technical_importance(house: House, weights: np.ndarray, *,
                         normalization: Literal["none", "lyman", "wasserman"] = "none", scale: Scale | None = None,
                         roof_strong: float = 0.9, roof_weak: float = 0.3) -> np.ndarray:
    """Absolute technical importance ``weights @ R`` with the chosen normalization of ``R``."""
    if normalization not in NORMALIZATIONS:
        raise InputError(f"normalization: expected one of {', '.join(NORMALIZATIONS)}, got {normalization!r}")
    r = house.matrix(scale)
    if normalization == "lyman":
        r = lyman(r)
    elif normalization == "wasserman":
        r = wasserman(r, correlation_matrix(house, roof_strong=roof_strong, roof_weak=roof_weak))
    return np.asarray(weights, dtype=float) @ r


def _best_competitor(c: Any) -> tuple[str | None, float | None]:
    comps = dict(c.competitors)
    if not comps or c.direction is None:
        return None, None
    if c.direction == "maximize":
        name = max(comps, key=lambda k: comps[k])
    elif c.direction == "minimize":
        name = min(comps, key=lambda k: comps[k])
    else:
        name = min(comps, key=lambda k: abs(comps[k] - c.target))
    return name, float(comps[name])


def requirement_weights(house: House, planning: bool | None = None,
                        weights: Sequence[float] | None = None) -> tuple[np.ndarray, PlanningMatrix | None]:
    """The row weights used: ``weights`` if given, else planning weights (when used), else importance."""
    has_planning = any(r.current is not None or r.goal is not None or r.sales_point is not None
                       for r in house.requirements)
    matrix = planning_matrix(house) if (planning or (planning is None and has_planning)) else None
    if weights is not None:
        w = np.asarray(weights, dtype=float).reshape(-1)
        if w.size != len(house.requirements) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise InputError(f"weights: expected {len(house.requirements)} finite numbers >= 0")
        return w, matrix
    if matrix is not None:
        return np.array(matrix.normalized_weight), matrix
    return np.array([float(r.importance) for r in house.requirements]), None


def ranked_characteristics(house: House, absolute: np.ndarray) -> list[RankedCharacteristic]:
    """Characteristics in rank order, with direction, target and the best competitor."""
    total = float(absolute.sum())
    ranks = competition_rank(absolute)
    order = sorted(range(len(absolute)), key=lambda j: (ranks[j], j))
    out = []
    for j in order:
        c = house.characteristics[j]
        best, value = _best_competitor(c)
        beats = None
        if value is not None and c.target is not None:
            beats = {"maximize": c.target >= value, "minimize": c.target <= value, "target": True}[c.direction]
        out.append(RankedCharacteristic(c.name, int(ranks[j]), float(absolute[j]),
                                        float(absolute[j]) / total if total > 0 else math.nan, c.direction,
                                        None if c.target is None else float(c.target), c.unit,
                                        c.difficulty, best, value, beats))
    return out
