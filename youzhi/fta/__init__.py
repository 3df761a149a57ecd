"""Fault trees: Open-PSA MEF XML, BDD, minimal cut sets, importance, time and uncertainty.

Names load their module on first use. Importance measures are
``youzhi.fta.importance.importance`` (or ``analyze(..., importance=True)``).

Examples
--------
>>> from youzhi.fta import FaultTree, analyze
>>> tree = FaultTree("pump")
>>> for name, p in [("a", 0.1), ("b", 0.2)]:
...     _ = tree.add_basic_event(name, p)
>>> _ = tree.add_gate("top", "or", ["a", "b"])
>>> round(analyze(tree).probability, 12)   # 1 - 0.9 * 0.8
0.28
"""

from youzhi._lazy import lazy_exports

_EXPORTS = {
    **dict.fromkeys(["FaultTree"], "model"),
    **dict.fromkeys(["read_model", "write_model"], "mef"),
    **dict.fromkeys(["CcfGroup"], "ccf"),
    **dict.fromkeys(["Bdd"], "bdd"),
    **dict.fromkeys(["ModularBdd"], "modules"),
    **dict.fromkeys(["BooleanGraph"], "preprocess"),
    **dict.fromkeys(["CutSetResult", "minimal_cut_sets", "mocus", "rare_event", "mcub"], "cutsets"),
    **dict.fromkeys(["analyze", "FaultTreeResult", "over_time", "TimeResult", "reliability_measures",
                     "ReliabilityMeasures", "uncertainty", "UncertaintyResult"], "quantify"),
    **dict.fromkeys(["to_dot", "draw"], "plot"),
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
