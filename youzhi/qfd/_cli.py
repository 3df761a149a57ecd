"""``youzhi kano classify`` and ``youzhi qfd analyze`` (parse, call, print).

Registration is light: numpy, scipy, matplotlib and the qfd modules are imported inside the
handlers.
"""

from __future__ import annotations

import argparse
from typing import Any

from youzhi._cli_util import add_command, add_group, emit, non_negative, positive_int

KANO_EXAMPLES = """  youzhi kano classify answers.csv
  youzhi kano classify answers.csv --json --plot kano.svg
  youzhi kano classify short_survey.csv --short --threshold 0
"""
QFD_EXAMPLES = """  youzhi qfd analyze examples/qfd/coffee_maker.toml
  youzhi qfd analyze house.toml --json --draw house.svg
  youzhi qfd analyze matrix.xlsx --sheet Phase1 --normalization lyman --scale 5-3-1
  youzhi qfd analyze examples/qfd/coffee_maker.toml --kano survey.csv --kano-method better-worse
"""


def register(subparsers: Any) -> None:
    """Add ``youzhi kano classify`` and ``youzhi qfd analyze``."""
    kano = add_group(subparsers, "kano", "Kano survey classification", KANO_EXAMPLES)
    p = add_command(kano, "classify", "classify attributes from Kano answers (CSV)", KANO_EXAMPLES, handle_classify)
    p.add_argument("answers", metavar="ANSWERS.csv",
                   help="columns respondent, attribute, functional, dysfunctional[, importance]")
    p.add_argument("--short", action="store_true", help="three-answer short form (like / neutral / dislike)")
    p.add_argument("--threshold", type=non_negative, default=0.06,
                   help="category strength at or under which M > O > A > I decides (default 0.06)")
    p.add_argument("--plot", metavar="FILE", help="write the Kano plot (.svg, .png or .pdf)")

    qfd = add_group(subparsers, "qfd", "House of Quality", QFD_EXAMPLES)
    q = add_command(qfd, "analyze", "technical importance, ranking and diagnostics of a house", QFD_EXAMPLES,
                    handle_analyze)
    q.add_argument("house", metavar="HOUSE.toml", help="house file: .toml, or a matrix sheet .csv / .xlsx")
    q.add_argument("--normalization", choices=("none", "lyman", "wasserman"), default="none")
    q.add_argument("--scale", help="relationship scale, e.g. 5-3-1: the scale a CSV/Excel sheet is written on; "
                                   "for TOML, re-value the house's weak/medium/strong levels on it")
    q.add_argument("--planning", choices=("auto", "on", "off"), default="auto",
                   help="use the planning matrix weights (auto: when planning data is present)")
    q.add_argument("--conflict-top", type=positive_int, metavar="N",
                   help="report negative roof correlations among the top N (default: top third, at least 3)")
    q.add_argument("--sheet", default=0, help="Excel sheet name or index (default: the first)")
    q.add_argument("--draw", metavar="FILE", help="draw the house (.svg, .png or .pdf)")
    q.add_argument("--kano", metavar="ANSWERS.csv",
                   help="Kano survey whose attributes are the requirement names: weight the rows by "
                        "Kano-adjusted importance (replaces the planning-matrix weights)")
    q.add_argument("--kano-method", choices=("tan-shen", "better-worse"), default="tan-shen",
                   help="tan-shen: importance x (goal/current)^(1/k) x sales point, k = 0.5 / 1 / 2 for "
                        "M / O / A (needs current and goal); better-worse: importance x (1 + max(Better, "
                        "|Worse|)) (default tan-shen)")


def _kano_text(result: Any) -> str:
    lines = [f"{'attribute':<28} {'A':>4} {'O':>4} {'M':>4} {'I':>4} {'R':>4} {'Q':>4}  cat  better  worse  fong"]
    for a in result.attributes.values():
        c = a.counts
        lines.append(f"{a.name[:28]:<28} {c['A']:>4} {c['O']:>4} {c['M']:>4} {c['I']:>4} {c['R']:>4} {c['Q']:>4}"
                     f"  {a.category:>3}  {a.better:6.3f} {a.worse:6.3f}  "
                     f"{'n/a' if a.fong is None else 'sig' if a.fong.significant else 'ns'}")
    return "\n".join(lines)


def handle_classify(args: argparse.Namespace) -> int:
    from youzhi.qfd.answers import read_answers
    from youzhi.qfd.kano import classify

    result = classify(read_answers(args.answers, scale=3 if args.short else 5), strength_threshold=args.threshold)
    if args.plot:
        from youzhi.qfd.plot import draw_kano

        draw_kano(result, args.plot)
    return emit(result, args, _kano_text)


def _house_text(result: Any) -> str:
    lines = [f"{result.house}: scale {result.scale}, normalization {result.normalization}"
             + (", planning matrix used" if result.planning is not None else "")]
    lines.append(f"{'rank':>4}  {'characteristic':<32} {'absolute':>10} {'relative':>9}  direction  target")
    for c in result.characteristics:
        target = "" if c.target is None else f"{c.target:g} {c.unit}".strip()
        lines.append(f"{c.rank:>4}  {c.name[:32]:<32} {c.absolute:10.4g} {100 * c.relative:8.2f}%  "
                     f"{c.direction or '':<9}  {target}")
    messages = result.diagnostics.messages()
    if messages:
        lines.append("diagnostics:")
        lines.extend("  " + m for m in messages)
    return "\n".join(lines)


def handle_analyze(args: argparse.Namespace) -> int:
    from youzhi.errors import ModelError
    from youzhi.qfd.hoq import analyze_house
    from youzhi.qfd.house import Scale
    from youzhi.qfd.house_io import read_house

    sheet = int(args.sheet) if isinstance(args.sheet, str) and args.sheet.isdigit() else args.sheet
    scale = Scale.parse(args.scale) if args.scale else None
    house = read_house(args.house, sheet=sheet, scale=scale)
    planning = {"auto": None, "on": True, "off": False}[args.planning]
    weights = _kano_weights(house, args.kano, args.kano_method) if args.kano else None
    try:
        result = analyze_house(house, normalization=args.normalization, planning=planning, scale=scale,
                               conflict_top=args.conflict_top, weights=weights)
    except ModelError as exc:  # the analysis knows the house by its name; the user knows the file
        raise ModelError(f"{args.house}: {exc}") from None
    if args.draw:
        from youzhi.qfd.plot import draw_house

        draw_house(house, result, args.draw)
    return emit(result, args, _house_text)


def _kano_weights(house: Any, answers_path: str, method: str) -> tuple[float, ...]:
    """Requirement weights adjusted by the Kano survey in ``answers_path`` (see ``youzhi.qfd.adjust``)."""
    from youzhi.errors import InputError
    from youzhi.qfd import adjust
    from youzhi.qfd.answers import read_answers
    from youzhi.qfd.kano import classify

    reqs = house.requirements
    try:
        kano = adjust.from_classification(classify(read_answers(answers_path)), [r.name for r in reqs])
    except InputError as exc:
        raise InputError(f"{answers_path}: {exc}") from None
    importance = [r.importance for r in reqs]
    if method == "better-worse":
        return adjust.better_worse_weighting(importance, kano["better"], kano["worse"], kano["categories"]).normalized
    lacking = [r.name for r in reqs if r.current is None or r.goal is None]
    if lacking:
        raise InputError(f"--kano-method tan-shen: requirement {lacking[0]!r} has no current and goal rating; "
                         "give them in the house or use --kano-method better-worse")
    return adjust.tan_shen(importance, kano["categories"], current=[r.current for r in reqs],
                           goal=[r.goal for r in reqs],
                           sales_point=[r.sales_point if r.sales_point is not None else 1.0 for r in reqs]).normalized
