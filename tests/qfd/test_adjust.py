"""Kano-adjusted importance: CASES.md C (constructed; the formula variant is named per test)."""

from __future__ import annotations

import pytest

from tests.qfd.test_kano import b2_classification
from youzhi.errors import InputError
from youzhi.qfd.adjust import better_worse_weighting, category_multipliers, from_classification, tan_shen

NAMES = ["Service app", "Excellent service", "Hotline", "Loan machine", "Ready-to-use return"]
W = [4, 5, 3, 4, 2]
CURRENT = [3, 4, 2, 3, 3]
GOAL = [4, 5, 4, 4, 3]

# CASES.md C table: (exponent, k_attractive) -> raw, normalized (6 decimals, exact-arithmetic oracle)
VARIANTS = {
    ("1/k", 2.0): ([5.333333, 7.8125, 4.242641, 5.333333, 2], [0.215734, 0.316017, 0.171615, 0.215734, 0.080900]),
    ("k", 2.0): ([5.333333, 5.590170, 12, 5.333333, 2], [0.176269, 0.184757, 0.396605, 0.176269, 0.066101]),
    ("1/k", 1.5): ([5.333333, 7.8125, 4.762203, 5.333333, 2], [0.211293, 0.309512, 0.188667, 0.211293, 0.079235]),
    ("k", 1.5): ([5.333333, 5.590170, 8.485281, 5.333333, 2], [0.199436, 0.209040, 0.317300, 0.199436, 0.074788]),
}


def b2_categories():
    return from_classification(b2_classification(), NAMES)


def test_categories_come_from_the_b2_tie_rule():
    assert b2_categories()["categories"] == ["O", "M", "A", "O", "I"]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_c_tan_shen_all_tabulated_variants(variant):
    exponent, k_a = variant
    res = tan_shen(W, b2_categories()["categories"], current=CURRENT, goal=GOAL, exponent=exponent,
                   k_must_be=0.5, k_one_dimensional=1.0, k_attractive=k_a)
    raw, norm = VARIANTS[variant]
    assert [round(v, 6) for v in res.raw] == pytest.approx(raw, abs=0)
    assert [round(v, 6) for v in res.normalized] == pytest.approx(norm, abs=0)
    assert res.constants["exponent"] == exponent


def test_tan_shen_default_is_the_cited_form_k_half_one_two():
    res = tan_shen(W, b2_categories()["categories"], current=CURRENT, goal=GOAL)
    assert [round(v, 6) for v in res.raw] == VARIANTS[("1/k", 2.0)][0]


def test_c_better_worse_weighting():
    # CASES.md C: w * (1 + max(Better, |Worse|)) with B2's coefficients
    bw = b2_categories()
    res = better_worse_weighting(W, bw["better"], bw["worse"], bw["categories"])
    assert [round(v, 6) for v in res.raw] == [6.945946, 7.672414, 4.531690, 6.432432, 2.703833]
    assert sum(res.normalized) == pytest.approx(1.0)


def test_category_multipliers_by_hand():
    res = category_multipliers([4, 5, 3, 2], ["O", "M", "A", "I"], must_be=2.0, one_dimensional=1.0,
                               attractive=1.5, indifferent=0.0, improvement_ratio=[1, 1, 2, 1])
    assert res.raw == (4.0, 10.0, 9.0, 0.0)
    assert res.normalized == pytest.approx((4 / 23, 10 / 23, 9 / 23, 0.0))


@pytest.mark.parametrize("kwargs,match", [
    ({"exponent": "k2"}, "exponent"), ({"k_must_be": 0}, "k_must_be"), ({"k_attractive": float("nan")}, "k_attr"),
])
def test_tan_shen_bad_constants(kwargs, match):
    with pytest.raises(InputError, match=match):
        tan_shen(W, ["O"] * 5, current=CURRENT, goal=GOAL, **kwargs)


def test_bad_vectors():
    with pytest.raises(InputError, match="current: expected 5 values"):
        tan_shen(W, ["O"] * 5, current=[1, 2], goal=GOAL)
    with pytest.raises(InputError, match=r"categories\[1\]"):
        tan_shen(W, ["O", "Z", "O", "O", "O"], current=CURRENT, goal=GOAL)
    with pytest.raises(InputError, match="not in the Kano survey: 'Nope'"):
        from_classification(b2_classification(), ["Nope"])


def test_adjusted_weights_feed_the_house():
    from youzhi.qfd.hoq import analyze_house
    from youzhi.qfd.house import Characteristic, House, Requirement

    cats = b2_categories()["categories"]
    adjusted = tan_shen(W, cats, current=CURRENT, goal=GOAL)
    house = House.build([Requirement(n, w) for n, w in zip(NAMES, W)], [Characteristic("X"), Characteristic("Y")],
                        {NAMES[0]: {"X": 9}, NAMES[1]: {"Y": 9}, NAMES[2]: {"X": 3, "Y": 1}})
    res = analyze_house(house, weights=adjusted.normalized)
    n = adjusted.normalized
    assert res.technical_importance.absolute["X"] == pytest.approx(9 * n[0] + 3 * n[2])
    assert res.technical_importance.absolute["Y"] == pytest.approx(9 * n[1] + 1 * n[2])


def test_categories_by_letter_or_full_name_and_nothing_else():
    by_name = tan_shen([4, 3], ["must-be", "One dimensional"], current=[1, 1], goal=[2, 2])
    by_letter = tan_shen([4, 3], ["M", "o"], current=[1, 1], goal=[2, 2])
    assert by_name.categories == by_letter.categories == ("M", "O")
    assert by_name.raw == by_letter.raw
    for wrong in ("Rubbish", "Quantum", "Ordinary"):  # first letters of real categories, not categories
        with pytest.raises(InputError, match=r"categories\[0\]: expected one of A, O, M, I, R, Q"):
            tan_shen([4], [wrong], current=[1], goal=[2])
