"""House of Quality and Kano classification.

Names load their module on first use.

Examples
--------
>>> from youzhi.qfd import classify, parse_answer
>>> parse_answer("like"), parse_answer("不喜欢")
(1, 5)
"""

from youzhi._lazy import lazy_exports

_EXPORTS = {
    **dict.fromkeys(["KanoAnswers", "parse_answer", "read_answers"], "answers"),
    **dict.fromkeys(["evaluate", "KanoClassification", "KanoAttribute", "classify"], "kano"),
    **dict.fromkeys(["AdjustedImportance", "tan_shen", "category_multipliers", "better_worse_weighting",
                     "from_classification"], "adjust"),
    **dict.fromkeys(["Scale", "Requirement", "Characteristic", "House"], "house"),
    **dict.fromkeys(["read_house", "house_from_dict"], "house_io"),
    **dict.fromkeys(["RankedCharacteristic", "ranked_characteristics", "technical_importance"], "analysis"),
    **dict.fromkeys(["HouseAnalysis", "analyze_house"], "hoq"),
    **dict.fromkeys(["Diagnostics", "diagnose"], "diagnostics"),
    **dict.fromkeys(["next_phase"], "cascade"),
    **dict.fromkeys(["draw_house", "draw_kano"], "plot"),
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
