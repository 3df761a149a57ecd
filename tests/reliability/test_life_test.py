"""MTBF from exponential tests and demonstration planning: BENCHMARKS.md B14, B15, closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from youzhi.errors import InputError
from youzhi.reliability.life_test import demonstration_test_time, mtbf_from_test, zero_failure_sample_size


def test_b14_time_terminated_two_sided():
    # BENCHMARKS.md B14 (`reliability` docs, Reliability test planner Example 1): T = 19520, r = 7,
    # 80 % two-sided, time-terminated: lower 1658.32; upper 2T/chi2(0.1, 14) = 5011.85
    res = mtbf_from_test(19520, 7, "time", 0.8, "two")
    assert res.lower == pytest.approx(1658.32, abs=0.005)
    assert res.upper == pytest.approx(2 * 19520 / 7.78953, rel=1e-5)
    assert res.mtbf == pytest.approx(19520 / 7)


def test_b14_one_sided():
    # BENCHMARKS.md B14 Example 2: T = 10000, r = 6, 80 % one-sided: 1101.88
    res = mtbf_from_test(10000, 6, "time", 0.8, "one")
    assert res.lower == pytest.approx(1101.88, abs=0.005)
    assert math.isinf(res.upper)


def test_failure_terminated_uses_2r_degrees_of_freedom():
    # chi2(0.9, 14) = 21.0641 (table value)
    res = mtbf_from_test(10000, 7, "failure", 0.8, "two")
    assert res.lower == pytest.approx(20000 / 21.0641, rel=1e-5)


def test_b15_zero_failure_sample_size():
    # BENCHMARKS.md B15 (`reliability` docs, Sample size required for no failures): 2995
    assert zero_failure_sample_size(0.999, 0.95).n_units == 2995


def test_demonstration_time_inverts_the_lower_bound():
    # a test of the planned length with r failures gives lower bound exactly = target
    for r in (0, 1, 3):
        t = demonstration_test_time(5000, 0.9, r).test_time
        assert mtbf_from_test(t, r, "time", 0.9, "one").lower == pytest.approx(5000, rel=1e-10)
    assert demonstration_test_time(1000, 0.9).test_time == pytest.approx(1000 * math.log(10))


@pytest.mark.slow
def test_lower_bound_coverage_by_simulation():
    # time-terminated test of 10 units for 2000 h each, MTBF 1000 (replacement: Poisson failures)
    rng = np.random.default_rng(7)
    reps, total, mtbf = 4000, 20000.0, 1000.0
    r = rng.poisson(total / mtbf, reps)
    covered = np.mean([mtbf_from_test(total, int(k), "time", 0.9, "one").lower <= mtbf for k in r])
    # conservative for a discrete count: coverage >= 0.9 within 3 binomial standard errors
    assert covered >= 0.9 - 3 * math.sqrt(0.09 / reps)


def test_bad_input():
    with pytest.raises(InputError, match="failures must be >= 1"):
        mtbf_from_test(100, 0, "failure")
    with pytest.raises(InputError, match="time"):
        mtbf_from_test(-1, 2)
    with pytest.raises(InputError, match="confidence"):
        zero_failure_sample_size(0.9, 1.5)
