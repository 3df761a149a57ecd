"""Kano classification against CASES.md B1-B3 (published evaluation table and stp25kano tally)."""

from __future__ import annotations

import math

import pytest

from youzhi.errors import InputError
from youzhi.qfd.answers import KanoAnswers, parse_answers_csv
from youzhi.qfd.kano import attribute_statistics, classify, evaluate

# CASES.md B1: Kano 1984 / Berger et al. 1993 evaluation table, as printed in stp4/stp25kano,
# suntorytimed/krano (Atlason & Giacalone) and "Virtual study for the indifferent attribute".
B1 = """
Q A A A O
R I I I M
R I I I M
R I I I M
R R R R Q
"""


def test_b1_evaluation_table_every_cell():
    rows = [line.split() for line in B1.strip().splitlines()]
    for f in range(5):
        for d in range(5):
            assert evaluate(f + 1, d + 1) == rows[f][d], (f + 1, d + 1)
    cells = [evaluate(f, d) for f in range(1, 6) for d in range(1, 6)]
    # published cell counts: I 9, R 7, A 3, M 3, Q 2, O 1
    assert {c: cells.count(c) for c in "IRAMQO"} == {"I": 9, "R": 7, "A": 3, "M": 3, "Q": 2, "O": 1}
    assert evaluate(1, 1) == "Q"  # the stp25stat roxygen comment's "O" is a misprint; its code uses Q


def test_b1_short_form_table():
    # stp25stat code: (1,1)=A (1,2)=A (1,3)=O (2,1)=I (2,2)=I (2,3)=M (3,1)=I (3,2)=I (3,3)=M
    expected = {(1, 1): "A", (1, 2): "A", (1, 3): "O", (2, 1): "I", (2, 2): "I", (2, 3): "M", (3, 1): "I",
                (3, 2): "I", (3, 3): "M"}
    for (f, d), cat in expected.items():
        assert evaluate(f, d, scale=3) == cat
    answers = parse_answers_csv("respondent,attribute,functional,dysfunctional\n1,X,like,dislike\n2,X,3,3\n",
                                scale=3)
    assert classify(answers).attributes["X"].counts["O"] == 1
    assert classify(answers).attributes["X"].counts["M"] == 1


# CASES.md B2: stp4/stp25kano README table (N = 296), produced by stp25stat::Kano_Auswertung.
B2 = {
    # name: (M, O, A, I, R, Q), mode, category, total %, category %, better, worse, chi2, fong diff, crit, sig
    "Service app": ((95, 123, 45, 33, 0, 0), "O", "O", 88.85, 9.46, 0.568, -0.736, 72.49, 28, 19.4, True),
    "Excellent service": ((101, 54, 54, 81, 3, 3), "M", "M", 70.61, 6.76, 0.372, -0.534, 21.64, 20, 18.5, True),
    "Hotline": ((15, 24, 121, 124, 6, 6), "I", "A", 54.05, 1.01, 0.511, -0.137, 150.06, 3, 19.8, False),
    "Loan machine": ((65, 87, 93, 51, 0, 0), "A", "O", 82.77, 2.03, 0.608, -0.514, 15.41, 6, 18.5, False),
    "Ready-to-use return": ((9, 18, 83, 177, 6, 3), "I", "I", 37.16, 31.76, 0.352, -0.094, 251.30, 94, 19.9, True),
}
# one answer pair that evaluates to each category (B1 table)
PAIRS = {"M": ("must-be", "dislike"), "O": ("like", "dislike"), "A": ("like", "neutral"),
         "I": ("neutral", "neutral"), "R": ("dislike", "like"), "Q": ("like", "like")}


def b2_csv() -> str:
    lines = ["respondent,attribute,functional,dysfunctional"]
    for name, (counts, *_rest) in B2.items():
        person = 0
        for cat, k in zip("MOAIRQ", counts):
            for _ in range(k):
                person += 1
                lines.append(f"p{person},{name},{PAIRS[cat][0]},{PAIRS[cat][1]}")
    return "\n".join(lines) + "\n"


def b2_classification():
    return classify(parse_answers_csv(b2_csv()))


def test_b2_stp25kano_published_table():
    result = b2_classification()
    assert list(result.attributes) == list(B2)
    for name, (counts, mode, cat, total, strength, better, worse, chi2, diff, crit, sig) in B2.items():
        a = result.attributes[name]
        assert [a.counts[k] for k in "MOAIRQ"] == list(counts)
        assert a.n == 296
        assert (a.mode, a.category) == (mode, cat), name
        assert round(100 * a.total_strength, 2) == total
        assert round(100 * a.category_strength, 2) == strength
        assert round(a.better, 3) == better and round(a.worse, 3) == worse
        assert round(a.chi2, 2) == chi2
        assert (a.fong.difference, a.fong.critical, a.fong.significant) == (diff, crit, sig)


def test_b2_threshold_zero_gives_plain_mode():
    result = classify(parse_answers_csv(b2_csv()), strength_threshold=0)
    assert [a.category for a in result.attributes.values()] == ["O", "M", "I", "A", "I"]


def test_exact_tie_rule_m_o_a_i():
    # pure ties resolved M > O > A > I whatever the threshold (issue 2: tie rule)
    assert attribute_statistics("x", {"A": 4, "I": 4}, strength_threshold=0).category == "A"
    assert attribute_statistics("x", {"O": 4, "A": 4}, strength_threshold=0).category == "O"
    assert attribute_statistics("x", {"I": 2, "M": 2}, strength_threshold=0).category == "M"
    assert attribute_statistics("x", {"R": 5, "I": 5}, strength_threshold=0).category == "I"


def test_better_worse_definitions_and_nan():
    a = attribute_statistics("x", {"A": 1, "O": 2, "M": 3, "I": 4})
    assert a.better == pytest.approx(3 / 10) and a.worse == pytest.approx(-5 / 10)
    only_q = attribute_statistics("q", {"Q": 3})
    assert math.isnan(only_q.better) and math.isnan(only_q.worse)
    assert (only_q.mode, only_q.category, only_q.fong) == ("Q", "Q", None)  # Fong compares M, O, A, I, R only
    assert attribute_statistics("i", {"A": 3}).worse == 0.0 and math.copysign(1, attribute_statistics(
        "i", {"A": 3}).worse) == 1.0
    with pytest.raises(InputError, match="no answers"):
        attribute_statistics("e", {})


def test_b3_continuous_dumouchel_scores():
    # CASES.md B3 (constructed; Berger et al. 1993 §IVa scale): means 2.8 and 2.0
    recs = [(1, "X", "like", "dislike"), (2, "X", "like", "neutral"), (3, "X", "must-be", "dislike"),
            (4, "X", "neutral", "neutral"), (5, "X", "like", "live-with")]
    a = classify(KanoAnswers.from_records(recs)).attributes["X"]
    assert a.functional_score == pytest.approx(2.8) and a.dysfunctional_score == pytest.approx(2.0)
    assert a.functional_score / 4 == pytest.approx(0.70) and a.dysfunctional_score / 4 == pytest.approx(0.50)
    assert (a.counts["O"], a.counts["A"], a.counts["M"], a.counts["I"]) == (1, 2, 1, 1)


def test_self_stated_importance_mean():
    text = "respondent,attribute,functional,dysfunctional,importance\n1,X,1,5,7\n2,X,1,5,9\n3,X,1,5,\n"
    a = classify(parse_answers_csv(text)).attributes["X"]
    assert a.importance == pytest.approx(8.0)


def test_to_frame_and_to_dict():
    result = b2_classification()
    frame = result.to_frame()
    assert frame.loc["Hotline", "category"] == "A" and frame.loc["Hotline", "I"] == 124
    d = result.to_dict()
    assert set(d["attributes"]["Hotline"]) >= {"counts", "category", "better", "worse"}
    assert d["attributes"]["Hotline"]["counts"] == {"A": 121, "O": 24, "M": 15, "I": 124, "R": 6, "Q": 6}
