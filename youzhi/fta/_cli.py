"""``youzhi fta``: analyze, draw and convert Open-PSA MEF fault trees (parse, call, print).

Registration is light: numpy, networkx and the fta modules are imported inside the handlers.
"""

from __future__ import annotations

import argparse
from typing import Any

from youzhi._cli_util import add_command, add_group, chosen_seed, emit, non_negative, non_negative_int, positive_int
from youzhi.errors import InputError

ANALYZE_EXAMPLES = """  youzhi fta analyze model.xml --importance
  youzhi fta analyze tree.xml basic-events.xml --method mocus --max-order 3 --json
  youzhi fta analyze model.xml --time-grid 0:8760:13 --mtbf
  youzhi fta analyze model.xml --uncertainty 10000 --seed 1
  youzhi fta analyze big.xml --method rare-event --max-order 4   # when the exact BDD is out of reach
"""


def _grid(text: str) -> tuple[float, float, int]:
    parts = text.split(":")
    try:
        start, stop, n = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3:
            raise ValueError
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"expected START:STOP:N (e.g. 0:8760:13), got {text!r}") from None
    return start, stop, n


def _house(text: str) -> tuple[str, bool]:
    name, _, value = text.partition("=")
    if not name or value.lower() not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected NAME=true or NAME=false, got {text!r}")
    return name, value.lower() == "true"


def register(subparsers: Any) -> None:
    """Add ``youzhi fta analyze|draw|convert``."""
    group = add_group(subparsers, "fta", "fault trees: probability, cut sets, importance, time, uncertainty",
                      ANALYZE_EXAMPLES)
    p = add_command(group, "analyze", "quantify an Open-PSA MEF fault tree", ANALYZE_EXAMPLES, handle_analyze)
    p.add_argument("models", nargs="+", metavar="MODEL.xml", help="MEF files holding one model (.xml or .xml.gz)")
    p.add_argument("--method", choices=("bdd", "mocus", "rare-event", "mcub"), default="bdd",
                   help="bdd (exact, default), mocus (exact probability, MOCUS cut sets), rare-event, mcub")
    p.add_argument("--cutoff", type=non_negative, help="drop cut sets less probable than P")
    p.add_argument("--max-order", type=positive_int, help="drop cut sets with more than K events")
    p.add_argument("--max-nodes", type=positive_int, default=30_000_000, metavar="N",
                   help="most BDD nodes held for the probability and the cut sets, about 60 bytes each "
                        "(default 30,000,000)")
    p.add_argument("--importance", action="store_true", help="Birnbaum, criticality, Fussell-Vesely, RAW, RRW")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--time", type=non_negative, help="mission time T (default: 8760)")
    when.add_argument("--time-grid", type=_grid, metavar="START:STOP:N",
                      help="unavailability and failure frequency at N times")
    p.add_argument("--mtbf", action="store_true", help="system MTTF (non-repairable) or MTBF (repairable)")
    p.add_argument("--uncertainty", type=positive_int, metavar="N", help="Monte Carlo over the deviates with N samples")
    p.add_argument("--seed", type=non_negative_int, help="seed of the uncertainty run")
    p.add_argument("--top", help="top gate, when the model has several")
    p.add_argument("--house", type=_house, action="append", default=[], metavar="NAME=true|false",
                   help="set a house event for this analysis (repeatable)")
    p.add_argument("--top-k", type=positive_int, default=10, help="number of most probable cut sets listed (default 10)")

    examples = "  youzhi fta draw model.xml -o tree.svg\n  youzhi fta draw model.xml -o tree.dot\n"
    d = add_command(group, "draw", "draw a fault tree (SVG, PNG, PDF or Graphviz DOT)", examples, handle_draw)
    d.add_argument("models", nargs="+", metavar="MODEL.xml")
    d.add_argument("-o", "--output", required=True, help="output file: .svg, .png, .pdf or .dot")
    d.add_argument("--top", help="top gate, when the model has several")
    d.add_argument("--no-probabilities", action="store_true", help="do not print probabilities on the nodes")

    examples = "  youzhi fta convert model.xml model.dot\n  youzhi fta convert tree.xml events.xml model.json\n" \
               "  youzhi fta convert model.json model.xml\n  youzhi fta convert model.xml.gz model.xml\n"
    c = add_command(group, "convert", "convert MEF to MEF (.xml, .xml.gz), DOT (.dot) or JSON (.json)",
                    examples, handle_convert)
    c.add_argument("paths", nargs="+", metavar="PATH",
                   help="input MEF files (or one .json written by convert), then the output file")
    c.add_argument("--top", help="top gate, when the model has several")


def _read(paths, top):
    """MEF files, or one JSON file written by ``youzhi fta convert``."""
    if len(paths) == 1 and str(paths[0]).lower().endswith(".json"):
        from youzhi._files import read_text
        from youzhi.fta.model import from_json

        import json

        path = paths[0]
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
        tree = from_json(data, where=str(path))
        if top is not None:
            tree.set_top(top)
        return tree.validate()
    from youzhi.fta.mef import read_model

    return read_model(*paths, top=top)


def handle_analyze(args: argparse.Namespace) -> int:
    from youzhi.fta import quantify

    if args.max_order is not None and args.max_order < 1:
        raise InputError(f"--max-order: must be >= 1, got {args.max_order}")
    if args.uncertainty is not None and args.uncertainty < 2:
        raise InputError(f"--uncertainty: need at least 2 samples, got {args.uncertainty}")
    if args.top_k < 0:
        raise InputError(f"--top-k: must be >= 0, got {args.top_k}")
    tree = _read(args.models, args.top)
    houses = dict(args.house)
    result = quantify.analyze(tree, method=args.method, cutoff=args.cutoff, max_order=args.max_order,
                              importance=args.importance, time=args.time, house_states=houses,
                              n_top=args.top_k, max_nodes=args.max_nodes)
    out = result.to_dict()
    if args.time_grid is not None:
        res = quantify.over_time(tree, quantify.time_grid(*args.time_grid), house_states=houses)
        out["time_grid"] = res.to_dict()
    if args.mtbf:
        out["reliability"] = quantify.reliability_measures(tree, house_states=houses).to_dict()
    if args.uncertainty is not None:
        out["uncertainty"] = quantify.uncertainty(tree, args.uncertainty, chosen_seed(args.seed), time=args.time,
                                                  house_states=houses).to_dict()
    return emit(out, args, text=_text)


def _limits(cut_sets: dict) -> str:
    """`` (order <= K, p >= P)`` for the limits given, else nothing."""
    given = ([f"order <= {cut_sets['max_order']}"] if cut_sets.get("max_order") is not None else []) + \
        ([f"p >= {cut_sets['cutoff']:g}"] if cut_sets.get("cutoff") is not None else [])
    return f" ({', '.join(given)})" if given else ""


def _text(out: dict) -> str:
    lines = [f"top event {out['top_event']}: probability {out['probability']:.6g} ({out['method']}, t = {out['time']:g})",
             f"minimal cut sets{_limits(out['cut_sets'])}: {out['cut_sets']['count']}  by order: "
             + ", ".join(f"{k}: {v}" for k, v in sorted(out["cut_sets"]["by_order"].items(), key=lambda kv: int(kv[0])))]
    for cut in out["cut_sets"]["top"]:
        lines.append(f"  {cut['probability']:>10.4g}  {{{', '.join(cut['events'])}}}")
    if out.get("importance"):
        lines.append(f"{'event':<24}{'birnbaum':>12}{'criticality':>12}{'FV':>12}{'RAW':>12}{'RRW':>12}")
        ranked = sorted(out["importance"].items(), key=lambda kv: -kv[1]["fussell_vesely"])
        for name, m in ranked:
            lines.append(f"{name:<24}" + "".join(f"{m[k]:>12.4g}" for k in ("birnbaum", "criticality", "fussell_vesely", "raw", "rrw")))
    if "time_grid" in out:
        g = out["time_grid"]
        lines.append(f"{'time':>12}{'Q_top':>14}{'w_top':>14}")
        for t, q, w in zip(g["times"], g["unavailability"], g["failure_frequency"]):
            lines.append(f"{t:>12.6g}{q:>14.6g}{w:>14.6g}")
    if "reliability" in out:
        r = out["reliability"]
        value = f"MTBF {r['mtbf']:.6g}" if r["repairable"] else f"MTTF {r['mttf']:.6g}"
        lines.append(f"{value}  ({r['basis']})")
    if "uncertainty" in out:
        u = out["uncertainty"]
        pct = u["percentiles"]
        lines.append(f"uncertainty ({u['n']} samples, seed {u['seed']}): mean {u['mean']:.6g} ± {u['std_error']:.2g}, "
                     f"std {u['std']:.4g}, 5% {pct['p5']:.4g}, 50% {pct['p50']:.4g}, 95% {pct['p95']:.4g}")
    return "\n".join(lines)


def _probabilities(tree) -> dict[str, float]:
    """Basic-event probabilities and, when the BDD engine is there, gate probabilities."""
    probs = {k: float(v) for k, v in tree.probabilities().items()}
    try:
        from youzhi.fta.bdd import Bdd
    except ImportError:  # pragma: no cover - engine not installed
        return probs
    states = tree.house_events
    shown = tree.subtree()
    gates = [g for g in tree.gates if g in shown]
    if len(gates) <= 200:  # one BDD per gate: fine for a drawing a person can read
        for gate in gates:
            probs[gate] = float(Bdd.from_tree(tree.graph, gate, house_states=states).probability(probs))
    return probs


def handle_draw(args: argparse.Namespace) -> int:
    from pathlib import Path

    from youzhi.fta import plot

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png", ".pdf", ".dot", ".gv"):
        raise InputError(f"{out}: output must end in .svg, .png, .pdf or .dot")
    tree = _read(args.models, args.top)
    probs = None if args.no_probabilities else _probabilities(tree)
    if suffix in (".dot", ".gv"):
        _write_text(out, plot.to_dot(tree, probs) + "\n")
    else:
        plot.draw(tree, out, probs)
    return emit({"output": str(out), "top_event": tree.top, "nodes": len(tree.subtree())}, args,
                text=lambda r: f"wrote {r['output']} ({r['nodes']} nodes)")


def _write_text(path, text: str) -> None:
    from youzhi.errors import DataFileError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def handle_convert(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from youzhi.fta import mef, plot
    from youzhi.fta.model import to_json

    if len(args.paths) < 2:
        raise InputError("convert: give the input MEF file(s) then the output file")
    *inputs, output = args.paths
    out = Path(output)
    name = out.name.lower()
    if not name.endswith((".xml", ".xml.gz", ".dot", ".gv", ".json")):
        raise InputError(f"{out}: output must end in .xml, .xml.gz, .dot or .json")
    tree = _read(inputs, args.top)
    if name.endswith((".xml", ".xml.gz")):
        mef.write_model(tree, out)
    elif name.endswith((".dot", ".gv")):
        _write_text(out, plot.to_dot(tree, {k: float(v) for k, v in tree.probabilities().items()}) + "\n")
    else:
        from youzhi.fta.events import Const

        varying = sorted(n for n, e in tree.events.items() if e is not None and not isinstance(e, Const))
        if varying or tree.ccf_groups:
            import warnings

            from youzhi.errors import YouzhiWarning

            lost = [f"the models of {len(varying)} basic event(s) ({', '.join(varying[:3])}"
                    f"{', ...' if len(varying) > 3 else ''})"] if varying else []
            lost += ["CCF groups"] if tree.ccf_groups else []
            warnings.warn(f"{out}: JSON holds each basic event's probability at the mission time; "
                          f"{' and '.join(lost)} are not kept (MEF XML keeps them)", YouzhiWarning, stacklevel=2)
        _write_text(out, json.dumps(to_json(tree), indent=2) + "\n")
    return emit({"output": str(out), "top_event": tree.top}, args, text=lambda r: f"wrote {r['output']}")
