"""The QFD cascade: the characteristics of one house become the requirements of the next.

Four-phase QFD (product planning -> part deployment -> process planning -> production
planning) carries each house's priorities into the next. The rule kept here is the exact one
of the QFD Online web application (``Requirement#recalc_weight``): a next-phase row's weight is
the previous phase's **relative importance in percent**, unrounded and unclamped - no
re-scaling to 1-5, which would flatten every characteristic under 20 % to the same weight.

Examples
--------
>>> from youzhi.qfd.house import House, Requirement, Characteristic
>>> from youzhi.qfd.hoq import analyze_house
>>> phase1 = House.build([Requirement("Quiet", 1)], [Characteristic("Fan RPM"), Characteristic("Mass")],
...                      {"Quiet": {"Fan RPM": 9, "Mass": 3}})
>>> phase2 = next_phase(analyze_house(phase1), [Characteristic("Blade pitch")],
...                     {"Fan RPM": {"Blade pitch": 9}, "Mass": {"Blade pitch": 1}})
>>> [(r.name, r.importance) for r in phase2.requirements]
[('Fan RPM', 75.0), ('Mass', 25.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from youzhi.errors import InputError
from youzhi.qfd.hoq import HouseAnalysis
from youzhi.qfd.house import Characteristic, House, Requirement, Scale


def next_phase(previous: HouseAnalysis, characteristics: Sequence[Characteristic | str],
               relationships: Mapping[str, Mapping[str, object]],
               roof: Mapping[tuple[str, str], object] | None = None, *, scale: Scale | None = None,
               name: str | None = None) -> House:
    """The next house of the cascade, its rows the previous characteristics weighted by relative %.

    Parameters
    ----------
    previous : HouseAnalysis
        The analysis of the previous phase.
    characteristics : sequence of Characteristic or str
        The next phase's columns.
    relationships : mapping
        ``{previous characteristic: {next characteristic: strength}}``.
    roof, scale, name
        As in :meth:`House.build`.
    """
    relative = previous.technical_importance.relative
    if any(v != v for v in relative.values()):
        raise InputError(f"{previous.house}: no technical importance to cascade (all zero)")
    rows = [Requirement(n, 100.0 * float(relative[n])) for n in relative]
    cols = [c if isinstance(c, Characteristic) else Characteristic(str(c)) for c in characteristics]
    return House.build(rows, cols, relationships, roof, scale=scale,
                       name=name or f"{previous.house} (next phase)", where=name or "next phase")
