"""What a reviewer checks in a House of Quality.

* requirements with no strong relationship (nothing in the design clearly delivers them);
* characteristics that relate to nothing (why measure them?);
* roof conflicts: a negative correlation (``-`` or ``--``) between two top-ranked
  characteristics - improving one hurts the other, so the trade-off must be designed;
* rank sensitivity: the ranking recomputed on other relationship scales (9-3-1, 5-3-1, 9-5-1 by
  default), compared with Kendall's tau-b and the list of characteristics whose rank moves.

Examples
--------
>>> from youzhi.qfd.house import House, Requirement, Characteristic
>>> h = House.build([Requirement("Quiet", 5), Requirement("Cheap", 2)],
...                 [Characteristic("Fan RPM"), Characteristic("Mass")], {"Quiet": {"Fan RPM": 3}})
>>> d = diagnose(h, np.array([15.0, 0.0]))
>>> d.requirements_without_strong, d.unrelated_characteristics
(('Quiet', 'Cheap'), ('Mass',))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi._results import Result
from youzhi.errors import InputError
from youzhi.qfd.analysis import competition_rank
from youzhi.qfd.house import ROOF_NAMES, House, Scale

DEFAULT_SENSITIVITY_SCALES = ("9-3-1", "5-3-1", "9-5-1")


@dataclass(frozen=True, repr=False)
class RoofConflict(Result):
    """Two top-ranked characteristics with a negative roof correlation."""

    first: str
    second: str
    correlation: str
    first_rank: int
    second_rank: int


@dataclass(frozen=True, repr=False)
class RankSensitivity(Result):
    """The ranking on another scale: Kendall's tau-b with the base ranking and who moved."""

    scale: str
    kendall_tau: float
    rank: tuple[str, ...]
    moved: tuple[str, ...]
    top_changed: bool


@dataclass(frozen=True, repr=False)
class Diagnostics(Result):
    """Findings on a house (see the module docstring)."""

    requirements_without_strong: tuple[str, ...]
    unrelated_characteristics: tuple[str, ...]
    roof_conflicts: tuple[RoofConflict, ...]
    conflict_top: int
    rank_sensitivity: tuple[RankSensitivity, ...]

    def messages(self) -> list[str]:
        """The findings as sentences for people."""
        out = []
        if self.requirements_without_strong:
            out.append("no strong relationship: " + ", ".join(self.requirements_without_strong))
        if self.unrelated_characteristics:
            out.append("relate to nothing: " + ", ".join(self.unrelated_characteristics))
        for c in self.roof_conflicts:
            out.append(f"roof conflict {c.correlation} between {c.first} (rank {c.first_rank}) and "
                       f"{c.second} (rank {c.second_rank})")
        for s in self.rank_sensitivity:
            moved = f"; rank changes: {', '.join(s.moved)}" if s.moved else ""
            out.append(f"scale {s.scale}: Kendall tau {s.kendall_tau:.3f}{moved}")
        return out


def kendall_tau(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b between two score vectors (NaN when either is constant or n < 2).

    Examples
    --------
    >>> round(kendall_tau(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])), 4)
    0.3333
    """
    from scipy import stats

    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(stats.kendalltau(x, y).statistic)


def default_conflict_top(n: int) -> int:
    """The top third of the characteristics, at least 3."""
    return max(3, math.ceil(n / 3))


def diagnose(house: House, absolute: np.ndarray, *, weights: np.ndarray | None = None,
             conflict_top: int | None = None,
             sensitivity_scales: Sequence[str | Scale] = DEFAULT_SENSITIVITY_SCALES,
             importance_on: Any = None) -> Diagnostics:
    """Diagnostics of a house whose absolute technical importance is ``absolute``.

    ``importance_on(scale) -> ndarray`` recomputes the importance on another scale (default
    ``weights @ house.matrix(scale)``); ``conflict_top`` (default: the top third, at least 3)
    is the rank at or above which a negative roof correlation is a conflict.
    """
    n_char = len(house.characteristics)
    top = default_conflict_top(n_char) if conflict_top is None else int(conflict_top)
    if top < 1:
        raise InputError(f"conflict_top: must be >= 1, got {conflict_top!r}")
    no_strong = tuple(r.name for r, row in zip(house.requirements, house.levels) if not (row == 3).any())
    unrelated = tuple(c.name for c, col in zip(house.characteristics, house.levels.T) if not col.any())
    ranks = competition_rank(absolute)
    names = house.characteristic_names
    conflicts = []
    i_idx, j_idx = np.nonzero(np.triu(house.roof < 0, 1))
    for i, j in zip(i_idx, j_idx):
        if ranks[i] <= top and ranks[j] <= top:
            a, b = (i, j) if (ranks[i], i) <= (ranks[j], j) else (j, i)
            conflicts.append(RoofConflict(names[a], names[b], ROOF_NAMES[int(house.roof[i, j])], int(ranks[a]),
                                          int(ranks[b])))
    conflicts.sort(key=lambda c: (c.first_rank, c.second_rank))
    if importance_on is None:
        w = np.array([float(r.importance) for r in house.requirements]) if weights is None else weights
        importance_on = lambda scale: w @ house.matrix(scale)  # noqa: E731
    order = sorted(range(n_char), key=lambda j: (ranks[j], j))
    sens = []
    for s in sensitivity_scales:
        scale = s if isinstance(s, Scale) else Scale.parse(s)
        other = np.asarray(importance_on(scale), dtype=float)
        other_ranks = competition_rank(other)
        other_order = sorted(range(n_char), key=lambda j: (other_ranks[j], j))
        moved = tuple(names[j] for j in order if other_ranks[j] != ranks[j])
        top_changed = bool(set(np.flatnonzero(ranks == 1)) != set(np.flatnonzero(other_ranks == 1)))
        sens.append(RankSensitivity(scale.label, kendall_tau(absolute, other),
                                    tuple(names[j] for j in other_order), moved, top_changed))
    return Diagnostics(no_strong, unrelated, tuple(conflicts), top, tuple(sens))
