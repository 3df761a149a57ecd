"""Analyze a House of Quality: one call from a house to its ranked characteristics.

:func:`analyze_house` joins the planning matrix, the technical importance (with the chosen
normalization), the ranking, competitive benchmarking and the diagnostics in one
:class:`HouseAnalysis`. Its ``characteristics`` - the ranked characteristics with direction
and target, as frozen :class:`~youzhi.qfd.analysis.RankedCharacteristic` objects - are what a
study hands to optimization.

Examples
--------
>>> from youzhi.qfd.house import House, Requirement, Characteristic
>>> house = House.build(
...     [Requirement("Quiet operation", 5), Requirement("Brews fast", 3), Requirement("Energy efficient", 4)],
...     [Characteristic("Fan RPM"), Characteristic("Heater watts"), Characteristic("Insulation")],
...     {"Quiet operation": {"Fan RPM": 9, "Insulation": 3}, "Brews fast": {"Heater watts": 9},
...      "Energy efficient": {"Heater watts": 3, "Insulation": 9}},
...     roof={("Fan RPM", "Heater watts"): "--", ("Heater watts", "Insulation"): "+"})
>>> res = analyze_house(house)
>>> res.technical_importance.absolute
{'Fan RPM': 45.0, 'Heater watts': 39.0, 'Insulation': 51.0}
>>> res.rank
('Insulation', 'Fan RPM', 'Heater watts')
>>> [c.correlation for c in res.diagnostics.roof_conflicts]
['--']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from youzhi._results import Result
from youzhi.errors import ModelError
from youzhi.qfd.analysis import (
    PlanningMatrix,
    RankedCharacteristic,
    TechnicalImportance,
    ranked_characteristics,
    requirement_weights,
    technical_importance,
)
from youzhi.qfd.diagnostics import DEFAULT_SENSITIVITY_SCALES, Diagnostics, diagnose
from youzhi.qfd.house import House, Scale


@dataclass(frozen=True, repr=False)
class HouseAnalysis(Result):
    """The analysis of one house.

    Attributes
    ----------
    house : str
        The house's name.
    scale : str
        Relationship scale used (``"9-3-1"``).
    normalization : str
        ``"none"``, ``"lyman"`` or ``"wasserman"``.
    requirement_weights : dict
        Row weight used for each requirement.
    planning : PlanningMatrix or None
        The planning matrix, when used.
    technical_importance : TechnicalImportance
        ``absolute`` and ``relative`` by characteristic.
    rank : tuple of str
        Characteristics, most important first (ties in column order).
    characteristics : tuple of RankedCharacteristic
        The ranked characteristics with direction, target, unit and best competitor.
    diagnostics : Diagnostics
    """

    house: str
    scale: str
    normalization: str
    requirement_weights: dict[str, float]
    planning: PlanningMatrix | None
    technical_importance: TechnicalImportance
    rank: tuple[str, ...]
    characteristics: tuple[RankedCharacteristic, ...]
    diagnostics: Diagnostics

    def ranked(self) -> list[RankedCharacteristic]:
        """The ranked characteristics as a plain list (for the optimization workflow)."""
        return list(self.characteristics)

    def to_frame(self) -> Any:
        """One row per characteristic, in rank order."""
        import pandas as pd

        return pd.DataFrame([c.to_dict() for c in self.characteristics]).set_index("name")


def analyze_house(house: House, *, normalization: Literal["none", "lyman", "wasserman"] = "none",
                  planning: bool | None = None, scale: Scale | str | None = None,
                  weights: Sequence[float] | None = None, roof_strong: float = 0.9, roof_weak: float = 0.3,
                  conflict_top: int | None = None,
                  sensitivity_scales: Sequence[str | Scale] = DEFAULT_SENSITIVITY_SCALES) -> HouseAnalysis:
    """Analyze a house.

    Parameters
    ----------
    house : House
    normalization : {"none", "lyman", "wasserman"}
        Normalization of the relationship matrix (see :mod:`youzhi.qfd.analysis`).
    planning : bool or None
        Use the planning matrix's normalized weights as row weights; ``None`` uses it when any
        requirement has current, goal or sales point.
    scale : Scale or str, optional
        Value the relationship levels on this scale instead of the house's own.
    weights : sequence of float, optional
        Row weights to use instead (for example Kano-adjusted weights from
        :mod:`youzhi.qfd.adjust`).
    roof_strong, roof_weak : float
        Correlation strengths of ``++`` and ``+`` for the Wasserman normalization.
    conflict_top : int, optional
        Rank at or above which a negative roof correlation is reported (default: top third, >= 3).
    sensitivity_scales : sequence
        Scales on which the ranking is recomputed for the rank-sensitivity diagnostic (the
        scale analysed is skipped).

    Examples
    --------
    >>> from youzhi.qfd.house import House, Requirement, Characteristic
    >>> h = House.build([Requirement("A", 1)], [Characteristic("X", direction="maximize", target=5)],
    ...                 {"A": {"X": 3}})
    >>> analyze_house(h).ranked()[0].direction
    'maximize'
    """
    scale_obj = Scale.parse(scale) if isinstance(scale, str) else (scale or house.scale)
    w, plan = requirement_weights(house, planning, weights)

    def importance_on(s: Scale) -> np.ndarray:
        return technical_importance(house, w, normalization=normalization, scale=s, roof_strong=roof_strong,
                                    roof_weak=roof_weak)

    absolute = importance_on(scale_obj)
    total = float(absolute.sum())
    if not total > 0:
        raise ModelError(f"{house.name}: technical importance is zero for every characteristic "
                         "(all requirement weights zero?)")
    names = house.characteristic_names
    relative = absolute / total
    ranked = ranked_characteristics(house, absolute)
    others = [s for s in sensitivity_scales if (s if isinstance(s, Scale) else Scale.parse(s)) != scale_obj]
    diag = diagnose(house, absolute, weights=w, conflict_top=conflict_top, sensitivity_scales=others,
                    importance_on=importance_on)
    return HouseAnalysis(
        house.name, scale_obj.label, normalization, dict(zip(house.requirement_names, w.tolist())), plan,
        TechnicalImportance(dict(zip(names, absolute.tolist())), dict(zip(names, relative.tolist()))),
        tuple(c.name for c in ranked), tuple(ranked), diag)
