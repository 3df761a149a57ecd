"""Kano classification: the evaluation table, category counts, strengths, Better/Worse.

Each (functional, dysfunctional) answer pair is mapped by the evaluation table of Kano et al.
(1984) as printed by Berger et al. (1993) to one of A (attractive), O (one-dimensional),
M (must-be), I (indifferent), R (reverse) or Q (questionable). Per attribute:

* **category**: the most frequent of O, A, M, I, R, unless the *category strength* (share of
  the most frequent minus share of the second, over all N answers including Q) is at most
  ``strength_threshold`` (default 0.06, the rule of ``stp25stat::Kano_Auswertung``); then the
  first of M, O, A, I among the two most frequent wins (the M > O > A > I rule: a near tie is
  resolved toward the category that costs more to get wrong). ``strength_threshold=0``
  resolves exact ties only.
* **total strength** (A + O + M) / N; **Better** (A + O)/(A + O + M + I); **Worse**
  -(O + M)/(A + O + M + I) (Berger et al. 1993, Timko's coefficients; NaN when A+O+M+I = 0).
* **Fong's test** (Fong 1996): the two largest counts a, b of M, O, A, I, R differ
  significantly unless ``|a - b| < round(1.65 * sqrt((a + b)(2N - a - b) / (2N)), 1)``.
* **chi-square** goodness of fit of (M, O, A, I) to the uniform distribution (3 dof).
* the **continuous** (DuMouchel) scores, Berger et al. 1993 §IVa: functional like 4, must-be 2,
  neutral 0, live-with -1, dislike -2; dysfunctional like -2, must-be -1, neutral 0,
  live-with 2, dislike 4 (short form: like/neutral/dislike as in the full form). Means are
  reported on that -2..4 scale.
* the mean **self-stated importance** where the answers carry one (None otherwise).

Examples
--------
>>> from youzhi.qfd.answers import KanoAnswers
>>> answers = KanoAnswers.from_records([(1, "Wifi", "like", "dislike"), (2, "Wifi", "like", "neutral"),
...                                     (3, "Wifi", "must-be", "dislike")])
>>> result = classify(answers)
>>> w = result.attributes["Wifi"]
>>> w.category, w.counts["O"], round(w.better, 3), round(w.worse, 3)  # O, A, M tie: M first
('M', 1, 0.667, -0.667)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from youzhi._results import Result
from youzhi.errors import InputError
from youzhi.qfd.answers import KanoAnswers

CATEGORIES = ("A", "O", "M", "I", "R", "Q")
CATEGORY_NAMES = {"A": "attractive", "O": "one-dimensional", "M": "must-be", "I": "indifferent",
                  "R": "reverse", "Q": "questionable"}
#: The order in which near ties are resolved.
TIE_ORDER = ("M", "O", "A", "I")

#: Rows: functional answer like..dislike; columns: dysfunctional answer like..dislike.
EVALUATION_TABLE = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)
#: Short form (like / neutral / dislike), as coded in ``stp25stat``.
SHORT_EVALUATION_TABLE = (
    ("A", "A", "O"),
    ("I", "I", "M"),
    ("I", "I", "M"),
)
FUNCTIONAL_SCORES = {5: (4.0, 2.0, 0.0, -1.0, -2.0), 3: (4.0, 0.0, -2.0)}
DYSFUNCTIONAL_SCORES = {5: (-2.0, -1.0, 0.0, 2.0, 4.0), 3: (-2.0, 0.0, 4.0)}


def evaluate(functional: int, dysfunctional: int, *, scale: int = 5) -> str:
    """The category letter of one answer pair (codes 1..``scale``).

    Examples
    --------
    >>> evaluate(1, 5), evaluate(1, 1), evaluate(2, 5), evaluate(1, 1, scale=3)
    ('O', 'Q', 'M', 'A')
    """
    table = EVALUATION_TABLE if scale == 5 else SHORT_EVALUATION_TABLE
    if scale not in (3, 5) or not (1 <= functional <= scale and 1 <= dysfunctional <= scale):
        raise InputError(f"answer codes must be 1..{scale} (scale 5 or 3), got ({functional}, {dysfunctional})")
    return table[functional - 1][dysfunctional - 1]


@dataclass(frozen=True, repr=False)
class FongTest(Result):
    """Fong's test between the two most frequent categories (``difference`` vs ``critical``)."""

    first: str
    second: str
    difference: int
    critical: float
    significant: bool


@dataclass(frozen=True, repr=False)
class KanoAttribute(Result):
    """Classification and statistics of one attribute (see the module docstring)."""

    name: str
    counts: dict[str, int]
    n: int
    category: str
    mode: str
    category_strength: float
    total_strength: float
    better: float
    worse: float
    fong: FongTest | None  # None when every answer is questionable
    chi2: float
    chi2_pvalue: float
    functional_score: float
    dysfunctional_score: float
    importance: float | None


@dataclass(frozen=True, repr=False)
class KanoClassification(Result):
    """Per-attribute Kano results; ``attributes`` maps a name to its :class:`KanoAttribute`."""

    attributes: dict[str, KanoAttribute]
    strength_threshold: float = 0.06
    tie_order: tuple[str, ...] = field(default=TIE_ORDER)

    def to_frame(self) -> Any:
        """One row per attribute: counts, category, strengths, Better, Worse, Fong, scores."""
        import pandas as pd

        rows = []
        for a in self.attributes.values():
            rows.append({"attribute": a.name, **a.counts, "n": a.n, "mode": a.mode, "category": a.category,
                         "total_strength": a.total_strength, "category_strength": a.category_strength,
                         "better": a.better, "worse": a.worse, "chi2": a.chi2,
                         "fong_significant": a.fong.significant if a.fong else None, "functional_score": a.functional_score,
                         "dysfunctional_score": a.dysfunctional_score, "importance": a.importance})
        return pd.DataFrame(rows).set_index("attribute")


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def attribute_statistics(name: str, counts: dict[str, int], *, strength_threshold: float = 0.06,
                         functional_score: float = math.nan, dysfunctional_score: float = math.nan,
                         importance: float | None = None) -> KanoAttribute:
    """Category and statistics of one attribute from its A, O, M, I, R, Q counts.

    Examples
    --------
    >>> a = attribute_statistics("Hotline", {"M": 15, "O": 24, "A": 121, "I": 124, "R": 6, "Q": 6})
    >>> a.mode, a.category, round(a.better, 3)
    ('I', 'A', 0.511)
    """
    from scipy import stats

    if not strength_threshold >= 0:
        raise InputError(f"strength_threshold: must be >= 0, got {strength_threshold!r}")
    c = {k: int(counts.get(k, 0)) for k in CATEGORIES}
    if any(v < 0 for v in c.values()):
        raise InputError(f"{name}: counts must be >= 0, got {c}")
    n = sum(c.values())
    if n == 0:
        raise InputError(f"{name}: no answers")
    # most frequent first; among equal counts the tie order M, O, A, I, then R
    ranked = sorted(("M", "O", "A", "I", "R"), key=lambda k: -c[k])
    first, second = ranked[0], ranked[1]
    strength = (c[first] - c[second]) / n
    if c[first] == 0:  # nothing but questionable answers
        first = category = "Q"
    elif strength > strength_threshold:
        category = first
    else:
        category = next((k for k in TIE_ORDER if k in (first, second)), first)
    moai = c["A"] + c["O"] + c["M"] + c["I"]
    a, b = c[first], c[second]
    fong = None
    if category != "Q":  # Fong's test compares two of M, O, A, I, R
        critical = round(1.65 * math.sqrt((a + b) * (2 * n - a - b) / (2 * n)), 1)
        fong = FongTest(first, second, abs(a - b), critical, not abs(a - b) < critical)
    observed = np.array([c["M"], c["O"], c["A"], c["I"]], dtype=float)
    if moai:
        chi2 = float(((observed - moai / 4) ** 2).sum() / (moai / 4))
        pvalue = float(stats.chi2.sf(chi2, 3))
    else:
        chi2 = pvalue = math.nan
    worse = 0.0 - _ratio(c["O"] + c["M"], moai)  # 0.0 - x: no "-0.0" when O + M = 0
    return KanoAttribute(name, c, n, category, first, strength, (c["A"] + c["O"] + c["M"]) / n,
                         _ratio(c["A"] + c["O"], moai), worse, fong, chi2, pvalue, functional_score,
                         dysfunctional_score, importance)


def classify(answers: KanoAnswers, *, strength_threshold: float = 0.06) -> KanoClassification:
    """Classify every attribute of a survey.

    Parameters
    ----------
    answers : KanoAnswers
        From :func:`youzhi.qfd.answers.read_answers` or ``KanoAnswers.from_records``.
    strength_threshold : float
        Category strength at or under which the M > O > A > I rule decides between the two
        most frequent categories (0.06 as in ``stp25stat``; 0 resolves exact ties only).

    Examples
    --------
    >>> from youzhi.qfd.answers import KanoAnswers
    >>> answers = KanoAnswers.from_records([(1, "Fan", 1, 3), (2, "Fan", 3, 3)])
    >>> classify(answers).attributes["Fan"].category   # 1 A, 1 I: tie -> A before I
    'A'
    """
    table = np.array(EVALUATION_TABLE if answers.scale == 5 else SHORT_EVALUATION_TABLE)
    letters = table[answers.functional - 1, answers.dysfunctional - 1]
    f_scores = np.array(FUNCTIONAL_SCORES[answers.scale])[answers.functional - 1]
    d_scores = np.array(DYSFUNCTIONAL_SCORES[answers.scale])[answers.dysfunctional - 1]
    result = {}
    for k, name in enumerate(answers.attributes):
        mine = answers.attribute == k
        counts = {c: int(np.count_nonzero(letters[mine] == c)) for c in CATEGORIES}
        imp = answers.importance[mine]
        imp = imp[~np.isnan(imp)]
        result[name] = attribute_statistics(
            name, counts, strength_threshold=strength_threshold, functional_score=float(f_scores[mine].mean()),
            dysfunctional_score=float(d_scores[mine].mean()), importance=float(imp.mean()) if imp.size else None)
    return KanoClassification(result, strength_threshold, TIE_ORDER)
