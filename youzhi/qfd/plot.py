"""Drawings: the whole House of Quality with its roof, and the Kano plot (matplotlib).

:func:`draw_house` lays the house out on a grid of cells: requirement names and weights on
the left, characteristic names, directions (▲ maximize, ▼ minimize, ◎ target) and the roof on
top, relationship symbols in the body (● strong, ○ medium, △ weak), the planning matrix on the
right when present, and absolute / relative importance, rank and target at the bottom.
:func:`draw_kano` plots Better against |Worse| with the four Kano quadrants.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot state); SVG text is kept as
text. Pass ``path`` to save (``.svg``, ``.png``, ``.pdf``).

Examples
--------
>>> from youzhi.qfd.house import House, Requirement, Characteristic
>>> h = House.build([Requirement("Quiet", 5)], [Characteristic("Fan RPM"), Characteristic("Mass")],
...                 {"Quiet": {"Fan RPM": 9}}, roof={("Fan RPM", "Mass"): "+"})
>>> fig = draw_house(h)
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from youzhi.errors import DataFileError, InputError
from youzhi.qfd.house import ROOF_NAMES, House

CELL_INCHES = 0.32
FONT = 7.0
_DIRECTION_MARKS = {"maximize": "▲", "minimize": "▼", "target": "◎", None: ""}
_ROOF_COLORS = {2: "#1a7f37", 1: "#4caf50", -1: "#d9534f", -2: "#a10000"}
_FORMATS = (".svg", ".png", ".pdf")


def _save(fig: Any, path: str | os.PathLike[str] | None, dpi: int) -> None:
    if path is None:
        return
    p = os.fspath(path)
    if os.path.splitext(p)[1].lower() not in _FORMATS:
        raise InputError(f"{p}: unknown drawing format; expected .svg, .png or .pdf")
    import matplotlib

    try:
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(p, dpi=dpi)
    except OSError as exc:
        raise DataFileError(f"{p}: cannot write ({exc.strerror or exc})") from None


def _chars(names: list[str]) -> int:
    return max((len(n) for n in names), default=1)


def _clip(name: str, width: int = 40) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _fmt(v: float | None) -> str:
    return "" if v is None else f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 or v == 0 else f"{v:.2e}"


def draw_house(house: House, analysis: Any = None, path: str | os.PathLike[str] | None = None, *,
               dpi: int = 150) -> Any:
    """Draw the whole house; returns the matplotlib Figure (saved to ``path`` when given).

    ``analysis`` (a :class:`~youzhi.qfd.hoq.HouseAnalysis`) is computed when not given.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from matplotlib.text import Text

    from youzhi.qfd.hoq import analyze_house

    res = analysis if analysis is not None else analyze_house(house, sensitivity_scales=())
    n, m = house.levels.shape
    req_names = [_clip(r.name) for r in house.requirements]
    char_names = [_clip(c.name + (f" [{c.unit}]" if c.unit else "")) for c in house.characteristics]
    left = 0.19 * min(_chars(req_names), 40) + 0.6           # name column width, in cells
    head = 0.18 * min(_chars(char_names), 40) + 0.8          # rotated name height, in cells
    plan = res.planning
    right = 5 if plan is not None else 0
    bottom = 4
    roof_base = n + 1 + head
    x0, x1 = -left - 1.2, m + right + 0.2
    y0, y1 = -bottom - 0.2, roof_base + m / 2 + 1.2
    fig = Figure(figsize=((x1 - x0) * CELL_INCHES, (y1 - y0) * CELL_INCHES))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    ax.set_aspect("equal")

    def text(x: float, y: float, s: str, **kw: Any) -> None:
        # figure-level Text in data coordinates: no clip path per text (a third of the time for big houses)
        fig.add_artist(Text(x, y, s, transform=ax.transData, **kw))

    # grid of the body, the weight column, the header and the bottom rows
    segs = [((-1.2, y), (m + right, y)) for y in range(n + 1)]
    segs += [((x, -bottom), (x, n + 1)) for x in range(m + 1)]
    segs += [((x, roof_base), (x, n + 1)) for x in range(m + 1)]
    segs += [((-left - 1.2, y), (m, y)) for y in range(-bottom, 0)]
    segs += [((-1.2, 0), (-1.2, n)), ((-left - 1.2, -bottom), (-left - 1.2, n)), ((0, n + 1), (m, n + 1)),
             ((0, roof_base), (m, roof_base))]
    segs += [((m + k, 0), (m + k, n + 1)) for k in range(1, right + 1)]
    # roof lattice: from each column edge k, lines up-left and up-right to the triangle's sides
    for k in range(m + 1):
        segs.append(((k, roof_base), (k / 2, roof_base + k / 2)))
        segs.append(((k, roof_base), (k + (m - k) / 2, roof_base + (m - k) / 2)))
    # all grid lines as one path (one SVG element instead of one per segment)
    verts = np.array(segs, dtype=float).reshape(-1, 2)
    codes = np.tile([Path.MOVETO, Path.LINETO], len(segs))
    ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor="#888888", linewidth=0.5))

    fs = FONT
    text((x0 + x1) / 2, y1 - 0.5, house.name, ha="center", va="center", fontsize=fs + 3, weight="bold")
    for i, r in enumerate(house.requirements):
        y = n - i - 0.5
        text(-1.35, y, req_names[i], ha="right", va="center", fontsize=fs)
        text(-0.6, y, _fmt(float(r.importance)), ha="center", va="center", fontsize=fs)
    text(-0.6, n + 0.5, "w", ha="center", va="center", fontsize=fs, style="italic")
    for j, c in enumerate(house.characteristics):
        text(j + 0.5, n + 0.5, _DIRECTION_MARKS.get(c.direction, ""), ha="center", va="center", fontsize=fs)
        text(j + 0.5, n + 1.15, char_names[j], ha="center", va="bottom", rotation=90, fontsize=fs)
    # relationship symbols
    rows, cols = np.nonzero(house.levels)
    lv = house.levels[rows, cols]
    xs, ys = cols + 0.5, n - rows - 0.5
    size = (0.55 * CELL_INCHES * 72) ** 2
    for level, marker, face in ((3, "o", "black"), (2, "o", "none"), (1, "^", "none")):
        sel = lv == level
        if sel.any():
            ax.scatter(xs[sel], ys[sel], s=size * (0.8 if level == 1 else 1), marker=marker, facecolors=face,
                       edgecolors="black", linewidths=0.8)
    # roof symbols
    for a, b in zip(*np.nonzero(np.triu(house.roof, 1))):
        corr = int(house.roof[a, b])
        text((a + b + 1) / 2, roof_base + (b - a) / 2, ROOF_NAMES[corr].replace("-", "−"), ha="center",
             va="center", fontsize=fs, color=_ROOF_COLORS[corr], weight="bold")
    # bottom rows
    absolute, relative = res.technical_importance.absolute, res.technical_importance.relative
    ranks = {c.name: c.rank for c in res.characteristics}
    labels = ("absolute", "relative %", "rank", "target")
    for k, label in enumerate(labels):
        text(-1.35, -k - 0.5, label, ha="right", va="center", fontsize=fs, style="italic")
    for j, c in enumerate(house.characteristics):
        values = (f"{absolute[c.name]:.3g}", f"{100 * relative[c.name]:.1f}", str(ranks[c.name]),
                  _fmt(c.target))
        for k, v in enumerate(values):
            text(j + 0.5, -k - 0.5, v, ha="center", va="center", fontsize=fs - 1,
                 weight="bold" if k == 2 and ranks[c.name] <= 3 else "normal")
    if plan is not None:
        heads = ("cur", "goal", "IR", "SP", "NW %")
        for k, h in enumerate(heads):
            text(m + k + 0.5, n + 0.5, h, ha="center", va="center", fontsize=fs - 1, style="italic")
        for i in range(n):
            vals = (_fmt(plan.current[i]), _fmt(plan.goal[i]), f"{plan.improvement_ratio[i]:.2f}",
                    f"{plan.sales_point[i]:g}", f"{100 * plan.normalized_weight[i]:.1f}")
            for k, v in enumerate(vals):
                text(m + k + 0.5, n - i - 0.5, v, ha="center", va="center", fontsize=fs - 1)
    _save(fig, path, dpi)
    return fig


def draw_kano(classification: Any, path: str | os.PathLike[str] | None = None, *, dpi: int = 150) -> Any:
    """Kano plot: Better (y) against |Worse| (x) with the quadrants; returns the Figure.

    Examples
    --------
    >>> from youzhi.qfd.kano import KanoClassification, attribute_statistics
    >>> c = KanoClassification({"Wifi": attribute_statistics("Wifi", {"A": 5, "O": 2, "I": 3})})
    >>> type(draw_kano(c)).__name__
    'Figure'
    """
    from matplotlib.figure import Figure

    attrs = list(classification.attributes.values())
    if not attrs:
        raise InputError("Kano plot: no attributes")
    fig = Figure(figsize=(6.4, 6.0))
    ax = fig.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axhline(0.5, color="grey", lw=0.8)
    ax.axvline(0.5, color="grey", lw=0.8)
    for x, y, name in ((0.25, 0.97, "Attractive (A)"), (0.75, 0.97, "One-dimensional (O)"),
                       (0.75, 0.03, "Must-be (M)"), (0.25, 0.03, "Indifferent (I)")):
        ax.text(x, y, name, ha="center", va="top" if y > 0.5 else "bottom", color="grey", fontsize=9)
    colors = {"A": "#2ca02c", "O": "#1f77b4", "M": "#d62728", "I": "#7f7f7f", "R": "#9467bd", "Q": "#8c564b"}
    placed: list[tuple[float, float]] = []
    for a in attrs:
        if np.isnan(a.better) or np.isnan(a.worse):
            continue
        x, y = abs(a.worse), a.better
        ax.scatter(x, y, color=colors[a.category], s=40, zorder=3)
        crowd = sum(1 for px, py in placed if abs(px - x) < 0.15 and abs(py - y) < 0.04)  # stack near labels
        ax.annotate(f"{a.name} ({a.category})", (x, y), xytext=(4, 4 - 11 * crowd), textcoords="offset points",
                    fontsize=8)
        placed.append((x, y))
    ax.set_xlabel("|Worse|  (dissatisfaction if absent)")
    ax.set_ylabel("Better  (satisfaction if present)")
    ax.set_title("Kano plot")
    fig.tight_layout()
    _save(fig, path, dpi)
    return fig
