"""The result of a reliability analysis, shared by every method.

Examples
--------
>>> r = ReliabilityResult(pf=0.0786, beta=1.414, cov=0.01, confidence_interval=(0.077, 0.080),
...                       n_evaluations=10**5, method="crude", seed=1)
>>> r.to_dict()["method"]
'crude'
"""

from __future__ import annotations

from dataclasses import dataclass

from youzhi._results import Result


@dataclass(frozen=True, repr=False)
class ReliabilityResult(Result):
    """Probability of failure ``P[g(X) <= 0]`` and how well it is known.

    Attributes
    ----------
    pf : float
        Estimated probability of failure.
    beta : float
        Generalised reliability index ``-Phi^-1(pf)``.
    cov : float
        Coefficient of variation of the estimator (0 for FORM/SORM, which are not sampled).
    confidence_interval : tuple of float
        Two-sided interval on ``pf`` at ``confidence`` (sampling methods), or ``(pf, pf)``.
    n_evaluations : int
        Number of limit-state evaluations (rows of ``g``) used.
    method : str
        ``crude``, ``lhs``, ``importance``, ``subset``, ``form`` or ``sorm``.
    seed : int or None
        The seed given, so the run can be repeated.
    confidence : float
        Level of ``confidence_interval``.
    """

    pf: float
    beta: float
    cov: float
    confidence_interval: tuple[float, float]
    n_evaluations: int
    method: str
    seed: int | None
    confidence: float = 0.95
