"""Nonparametric estimate of the failure-time distribution under any censoring (Turnbull).

Turnbull's (1976) self-consistency algorithm finds the nonparametric maximum-likelihood
estimate (NPMLE) of F from exact, right-, left- and interval-censored failures. With only
exact failures and suspensions it is the Kaplan-Meier estimate; with only left- and
right-censored units (current-status data) it is the isotonic regression of the failure
indicators. The probability plot uses it to place the data of left- and interval-censored
samples, where median ranks do not exist.

The time axis is cut at every observed time ``e_k`` into cells: the open gap below
``e_k``, the point ``e_k``, and the tail past the last time. Each unit's observation covers a
run of consecutive cells (an exact failure its point; a suspension at ``e_k`` everything
after it; a left-censored unit ``(0, e_k]``; an interval ``(lower, upper]``), so one EM step
costs two cumulative sums.

Examples
--------
One unit failed by 10, one in (10, 20], two removed running at 10 and 20. The likelihood
``p1 (1 - p1) p2 p3`` with ``p1 + p2 + p3 = 1`` peaks at ``p1 = 1/4``, ``p2 = p3 = 3/8``:

>>> import numpy as np
>>> from youzhi.reliability.life_data import LifeData
>>> data = LifeData.from_arrays(left_censored=[10.0], right_censored=[10.0, 20.0], interval=[(10.0, 20.0)])
>>> npmle = turnbull(data)
>>> npmle.times.tolist(), np.round(npmle.cdf, 4).tolist()
([10.0, 20.0], [0.25, 0.625])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from youzhi.errors import ConvergenceError
from youzhi.reliability.life_data import LifeData


@dataclass(frozen=True)
class Npmle:
    """``cdf[k]`` is the estimated F at ``times[k]``, at each time where the estimate rises."""

    times: np.ndarray
    cdf: np.ndarray
    iterations: int


def turnbull(data: LifeData, tol: float = 1e-10, max_iterations: int = 20_000) -> Npmle:
    """Turnbull's NPMLE of F for ``data`` (see the module docstring).

    Iterates the self-consistency (EM) equations, accelerated by SQUAREM, from uniform masses
    until the estimate of F moves by no more than ``tol`` anywhere; :class:`ConvergenceError` after ``max_iterations``. F is reported at
    the observed times where it rises, that is at the right end of each interval that holds
    mass (inside such an interval the NPMLE does not say how the mass is spread), where it rises by
    more than 1e-6.
    """
    edges = np.unique(np.concatenate([data.failures, data.right_censored, data.left_censored,
                                      data.interval_lower, data.interval_upper]))
    k = {name: np.searchsorted(edges, values) for name, values in [
        ("F", data.failures), ("S", data.right_censored), ("L", data.left_censored),
        ("lo", data.interval_lower), ("hi", data.interval_upper)]}
    # cell 2k: the gap below edges[k]; 2k + 1: the point edges[k]; 2m: the tail
    lo = np.concatenate([2 * k["F"] + 1, 2 * k["S"] + 2, 0 * k["L"], 2 * k["lo"] + 2])
    hi = np.concatenate([2 * k["F"] + 1, 2 * edges.size + 0 * k["S"], 2 * k["L"] + 1, 2 * k["hi"] + 1])
    weight = np.concatenate([data.failure_counts, data.right_counts, data.left_counts, data.interval_counts])
    weight = weight / weight.sum()
    cells = 2 * edges.size + 1
    covered = np.zeros(cells + 1)
    np.add.at(covered, lo, 1.0)
    np.add.at(covered, hi + 1, -1.0)
    mass = (np.cumsum(covered[:-1]) > 0).astype(float)  # cells no unit covers get no mass
    mass /= mass.sum()

    def em_step(mass: np.ndarray) -> np.ndarray:
        cumulative = np.concatenate([[0.0], np.cumsum(mass)])
        share = weight / (cumulative[hi + 1] - cumulative[lo])
        pull = np.zeros(cells + 1)
        np.add.at(pull, lo, share)
        np.add.at(pull, hi + 1, -share)
        return mass * np.cumsum(pull[:-1])

    for iteration in range(1, max_iterations + 1):
        # SQUAREM (Varadhan & Roland 2008): extrapolate two EM steps, then one plain step
        first = em_step(mass)
        step = first - mass
        curve = em_step(first) - first - step
        alpha = -np.sqrt(np.sum(step**2) / max(np.sum(curve**2), 1e-300))
        jumped = np.maximum(mass - 2 * alpha * step + alpha**2 * curve, 0.0)
        updated = em_step(jumped / jumped.sum())
        if np.max(np.abs(np.cumsum(updated) - np.cumsum(mass))) <= tol:
            mass = updated
            break
        mass = updated
    else:
        raise ConvergenceError(f"Turnbull estimate: not converged in {max_iterations} iterations")
    through_point = np.cumsum(mass)[1::2][: edges.size]  # F(edges[k]): mass up to and with the point
    rises = np.diff(np.concatenate([[0.0], through_point])) > 1e-6  # not EM's slowly vanishing crumbs
    return Npmle(edges[rises], np.minimum(through_point[rises], 1.0), iteration)
