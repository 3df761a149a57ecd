"""Turnbull's NPMLE against the Kaplan-Meier product limit and against isotonic regression."""

import numpy as np
import pytest
from scipy.optimize import isotonic_regression

from youzhi.reliability.life_data import LifeData
from youzhi.reliability.life_npmle import turnbull


def test_right_censored_data_gives_kaplan_meier():
    rng = np.random.default_rng(3)
    life = np.round(rng.weibull(1.5, 60) * 100, 1)
    removal = np.round(rng.uniform(20, 200, 60), 1)
    failed = life <= removal
    data = LifeData.from_arrays(failures=life[failed], right_censored=removal[~failed])
    # product limit, unit by unit, failures before suspensions at a tie
    units = sorted([(t, 0) for t in life[failed]] + [(t, 1) for t in removal[~failed]])
    s, at_risk, km = 1.0, len(units), {}
    for t, suspended in units:
        if not suspended:
            s *= 1 - 1 / at_risk
            km[t] = 1 - s
        at_risk -= 1
    npmle = turnbull(data)
    assert npmle.times.tolist() == sorted(km)
    assert npmle.cdf == pytest.approx([km[t] for t in sorted(km)], abs=1e-8)


def test_current_status_data_gives_isotonic_regression():
    """Each unit inspected once: failed by then (left-censored) or still running (suspended).
    The NPMLE of F at the inspection times is the increasing least-squares fit of the
    failure indicators (Groeneboom & Wellner 1992)."""
    rng = np.random.default_rng(7)
    inspection = np.sort(rng.uniform(1, 100, 80))
    failed = rng.weibull(2.0, 80) * 50 <= inspection
    data = LifeData.from_arrays(left_censored=inspection[failed], right_censored=inspection[~failed])
    fitted = isotonic_regression(failed.astype(float)).x
    npmle = turnbull(data)
    at = np.searchsorted(inspection, npmle.times)
    assert npmle.cdf == pytest.approx(fitted[at], abs=1e-6)
    assert npmle.cdf == pytest.approx(np.unique(fitted[fitted > 0]), abs=1e-6)  # each rise once


def test_small_interval_sample_by_hand():
    data = LifeData.from_arrays(left_censored=[10.0], right_censored=[10.0, 20.0], interval=[(10.0, 20.0)],
                                left_counts=[2])
    # likelihood p1^2 (1 - p1) p2 p3: p1 = 2/5, p2 = p3 = 3/10
    npmle = turnbull(data)
    assert npmle.cdf == pytest.approx([0.4, 0.7], abs=1e-8)
