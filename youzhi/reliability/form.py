"""FORM and SORM: the design point and the failure probability from the surface around it.

:func:`form` finds the design point ``u*`` (the point of the limit state ``g = 0`` nearest to
the origin of standard-normal space) with the improved Hasofer-Lind-Rackwitz-Fiessler
iteration (iHL-RF: the HL-RF direction with an Armijo line search on the merit function
``m(u) = |u|^2 / 2 + c |G(u)|``, Zhang & Der Kiureghian 1995). Gradients are forward finite
differences in ``u``-space, evaluated with the trial point in one batched ``g_u`` call per
iteration. ``pf = Phi(-beta)``.

:func:`sorm` adds the principal curvatures of the limit state at ``u*``: the Hessian of
``G`` in the tangent plane (central differences, one batched call), divided by ``|grad G|``,
and applies Breitung's, Tvedt's or Hohenbichler-Rackwitz's formula.

Sign conventions: ``alpha = -grad G / |grad G|`` at ``u*``, so ``u* = beta * alpha`` and a
positive ``alpha_i`` marks a variable whose increase leads to failure (a load); a negative
one, a resistance. A positive curvature bends the failure surface away from the origin
(``pf`` below FORM's).

Examples
--------
>>> from youzhi.reliability.distributions import RandomVariable
>>> from youzhi.reliability.problem import ReliabilityProblem
>>> problem = ReliabilityProblem([RandomVariable("R", "normal", mean=200.0, std=20.0),
...                               RandomVariable("S", "normal", mean=150.0, std=10.0)],
...                              "R - S", [["R", "S", 0.5]])
>>> result = form(problem)
>>> round(result.beta, 4), result.converged
(2.8868, True)
>>> {k: round(v, 3) for k, v in result.importance.items()}
{'R': -0.8, 'S': 0.2}
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special

from youzhi.errors import ComputationError, ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability._rare import beta_from_pf, check_float, check_int, check_problem, evaluate
from youzhi.reliability.result import ReliabilityResult

SORM_METHODS = ("breitung", "tvedt", "hohenbichler")


@dataclass(frozen=True, repr=False)
class FormResult(ReliabilityResult):
    """FORM's answer: ``pf = Phi(-beta)`` and the design point.

    Attributes
    ----------
    design_point_u : tuple of float
        ``u*`` in standard-normal space.
    design_point_x : dict
        ``u*`` mapped to physical values, by variable name.
    alpha : dict
        Unit vector ``-grad G / |grad G|`` at ``u*``, by ``u`` coordinate (named after the
        variables; for correlated inputs coordinate ``i`` is the ``i``-th decorrelated one).
    importance : dict
        Signed importance factors ``sign(gamma_i) gamma_i^2`` by variable (they sum to 1 in
        absolute value); ``gamma`` is Der Kiureghian's vector, equal to ``alpha`` for
        independent inputs and accounting for correlation otherwise.
    gradient_u : tuple of float
        ``grad G`` at ``u*`` (finite differences).
    iterations : int
        HL-RF steps taken.
    converged : bool
        ``False`` only when ``form(..., raise_on_failure=False)`` stopped early (with a warning).
    """

    design_point_u: tuple[float, ...] = ()
    design_point_x: dict[str, float] = field(default_factory=dict)
    alpha: dict[str, float] = field(default_factory=dict)
    importance: dict[str, float] = field(default_factory=dict)
    gradient_u: tuple[float, ...] = ()
    iterations: int = 0
    converged: bool = True

    def to_frame(self) -> Any:
        """One row per variable: design point, ``alpha`` and importance factor."""
        import pandas as pd

        names = list(self.design_point_x)
        return pd.DataFrame({"design_point_u": list(self.design_point_u), "design_point_x": list(self.design_point_x.values()),
                             "alpha": [self.alpha[n] for n in names], "importance": [self.importance[n] for n in names]},
                            index=pd.Index(names, name="variable"))


@dataclass(frozen=True, repr=False)
class SormResult(ReliabilityResult):
    """SORM's answer: ``pf`` corrected for the curvatures at FORM's design point.

    Attributes
    ----------
    form : FormResult
        The FORM run it builds on.
    curvatures : tuple of float
        Principal curvatures at ``u*`` (positive: surface bends away from the origin).
    formula : str
        ``breitung``, ``tvedt`` or ``hohenbichler``.
    beta_form : float
    """

    form: FormResult | None = None
    curvatures: tuple[float, ...] = ()
    formula: str = "breitung"
    beta_form: float = math.nan


# ----------------------------------------------------------------------------- FORM
def form(problem: Any, *, max_iter: int = 100, tol: float = 1e-6, u0: Any = None, fd_step: float = 1e-6,
         raise_on_failure: bool = True) -> FormResult:
    """First-order reliability method (iHL-RF with an Armijo line search).

    Parameters
    ----------
    problem : ReliabilityProblem
        Anything with ``names``, ``dim``, ``u_to_x`` and ``g_u``.
    max_iter : int
        Most HL-RF steps (each costs ``dim + 1`` limit-state evaluations, more when the line
        search shortens the step).
    tol : float
        Convergence: ``|G(u)| / |grad G| <= tol`` (distance to the linearised surface) and
        ``|u - (alpha . u) alpha| <= tol`` (``u`` parallel to the normal), both in ``u`` units.
    u0 : array_like, optional
        Starting point in standard-normal space (the origin by default).
    fd_step : float
        Forward-difference step in ``u`` space.
    raise_on_failure : bool
        ``True``: raise :class:`ConvergenceError` when ``max_iter`` is reached. ``False``:
        return the last iterate with ``converged=False`` and a :class:`YouzhiWarning`.

    Returns
    -------
    FormResult

    Raises
    ------
    ConvergenceError
        No convergence in ``max_iter`` iterations, or the gradient vanished.
    ComputationError
        The limit state returned NaN.

    Examples
    --------
    >>> from youzhi.reliability.distributions import RandomVariable
    >>> from youzhi.reliability.problem import ReliabilityProblem
    >>> xs = [RandomVariable(f"x{i}", "normal", mean=0.0, std=1.0) for i in range(1, 4)]
    >>> r = form(ReliabilityProblem(xs, "3 - (x1 + x2 + x3) / sqrt(3)"))
    >>> round(r.beta, 6), f"{r.pf:.4e}", r.n_evaluations
    (3.0, '1.3499e-03', 8)
    """
    d = check_problem(problem)
    max_iter = check_int("max_iter", max_iter)
    tol = check_float("tol", tol, 0.0, 1.0)
    fd_step = check_float("fd_step", fd_step, 0.0, 1.0)
    u = np.zeros(d) if u0 is None else _as_point(u0, d, "u0")
    _warn_if_system(problem)

    G, grad = _value_and_gradient(problem, u, fd_step)
    n_eval = d + 1
    converged = False
    iterations = 0  # HL-RF steps taken
    while True:
        alpha = _unit_normal(grad, u)
        norm_grad = float(np.linalg.norm(grad))
        if abs(G) / norm_grad <= tol and np.linalg.norm(u - (alpha @ u) * alpha) <= tol:
            converged = True
            break
        if iterations == max_iter:
            break
        iterations += 1
        direction = (float(alpha @ u) + G / norm_grad) * alpha - u  # to the HL-RF point
        c = (2.0 * np.linalg.norm(u) + 10.0) / norm_grad
        merit = 0.5 * float(u @ u) + c * abs(G)
        slope = float(u @ direction) - c * abs(G)  # directional derivative of the merit (grad G . d = -G)
        step = 1.0
        trial = u + direction
        G_new, grad_new = _value_and_gradient(problem, trial, fd_step)
        n_eval += d + 1
        if 0.5 * float(trial @ trial) + c * abs(G_new) > merit + 1e-4 * step * slope:
            for _ in range(20):  # Armijo: halve the step until the merit decreases enough
                step *= 0.5
                trial = u + step * direction
                G_new = float(evaluate(problem, trial[None, :])[0])
                n_eval += 1
                if 0.5 * float(trial @ trial) + c * abs(G_new) <= merit + 1e-4 * step * slope:
                    break
            G_new, grad_new = _value_and_gradient(problem, trial, fd_step, value=G_new)
            n_eval += d
        u, G, grad = trial, G_new, grad_new
    if not converged:
        message = (f"FORM did not converge in {max_iter} iterations (tol={tol:g}): last point u={_fmt(u)}, "
                   f"G={G:.6g}; try a larger max_iter, another u0, or a sampling method")
        if raise_on_failure:
            raise ConvergenceError(message)
        warnings.warn(message, YouzhiWarning, stacklevel=2)
    alpha = _unit_normal(grad, u)
    beta = float(alpha @ u)
    pf = float(special.ndtr(-beta))
    names = tuple(problem.names)
    x_star = np.asarray(problem.u_to_x(u[None, :]), dtype=float)[0]
    gamma = _gamma_vector(problem, u, alpha)
    return FormResult(
        pf=pf, beta=beta, cov=0.0, confidence_interval=(pf, pf), n_evaluations=n_eval, method="form", seed=None,
        design_point_u=tuple(float(v) for v in u),
        design_point_x={n: float(v) for n, v in zip(names, x_star)},
        alpha={n: float(v) for n, v in zip(names, alpha)},
        importance={n: float(np.sign(v) * v * v) for n, v in zip(names, gamma)},
        gradient_u=tuple(float(v) for v in grad), iterations=iterations, converged=converged)


def _as_point(value: Any, d: int, name: str) -> np.ndarray:
    try:
        u = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected {d} numbers (a point in standard-normal space), got {value!r}") from None
    if u.shape != (d,) or not np.all(np.isfinite(u)):
        raise InputError(f"{name}: expected {d} finite numbers (a point in standard-normal space), got {value!r}")
    return u


def _value_and_gradient(problem: Any, u: np.ndarray, h: float, value: float | None = None) -> tuple[float, np.ndarray]:
    """``G(u)`` and its forward-difference gradient, in one batched call."""
    d = u.shape[0]
    points = u + h * np.eye(d)
    if value is None:
        points = np.vstack([u, points])
    g = evaluate(problem, points)
    G = float(g[0]) if value is None else float(value)
    shifted = g[1:] if value is None else g
    return G, (shifted - G) / h


def _unit_normal(grad: np.ndarray, u: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(grad))
    if not math.isfinite(norm) or norm == 0.0:
        raise ConvergenceError(f"FORM: the limit state's gradient is {'zero' if norm == 0.0 else 'not finite'} at u={_fmt(u)}; "
                               "the design point cannot be found from here (try another u0 or a sampling method)")
    return -grad / norm


def _gamma_vector(problem: Any, u: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Der Kiureghian's importance vector ``gamma = alpha^T J_ux S / |alpha^T J_ux S|``.

    ``J_xu`` (the Jacobian of ``u_to_x``) by forward differences; ``S`` holds the standard
    deviations of the linearised variables, ``sqrt(diag(J_xu J_xu^T))``.
    """
    d = u.shape[0]
    h = 1e-6
    x = np.asarray(problem.u_to_x(np.vstack([u, u + h * np.eye(d)])), dtype=float)
    jac_xu = ((x[1:] - x[0]) / h).T  # jac_xu[i, j] = dx_i / du_j
    if not np.all(np.isfinite(jac_xu)):
        return alpha
    try:
        jac_ux = np.linalg.inv(jac_xu)
    except np.linalg.LinAlgError:
        return alpha
    s = np.sqrt(np.sum(jac_xu * jac_xu, axis=1))
    gamma = (alpha @ jac_ux) * s
    norm = np.linalg.norm(gamma)
    return gamma / norm if norm > 0 and math.isfinite(norm) else alpha


def _fmt(u: np.ndarray) -> str:
    shown = ", ".join(f"{v:.4g}" for v in u[:6])
    return f"[{shown}{', ...' if u.shape[0] > 6 else ''}]"


# ----------------------------------------------------------------------------- SORM
def _warn_if_system(problem: Any) -> None:
    """FORM/SORM linearise one design point: a system of several limit states is undercounted."""
    components = getattr(getattr(problem, "limit_state", None), "components", ())
    if len(components) > 1:
        warnings.warn(f"FORM/SORM on a {problem.limit_state.system} system of {len(components)} limit states "
                      "approximates only the surface through the single design point; the other limit states' "
                      "failure regions are not counted (use crude, subset or importance sampling)",
                      YouzhiWarning, stacklevel=3)


def sorm(problem: Any, *, method: str = "breitung", form_result: FormResult | None = None, max_iter: int = 100,
         tol: float = 1e-6, u0: Any = None, fd_step: float = 1e-4) -> SormResult:
    """Second-order reliability method at FORM's design point.

    Parameters
    ----------
    problem : ReliabilityProblem
    method : {"breitung", "tvedt", "hohenbichler"}
        Breitung (1984) ``Phi(-b) prod (1 + b k)^-1/2``; Tvedt's (1990) three-term formula;
        Hohenbichler-Rackwitz (1988) ``Phi(-b) prod (1 + psi k)^-1/2``, ``psi = phi(b)/Phi(-b)``.
    form_result : FormResult, optional
        A FORM result for this problem (run with ``max_iter``, ``tol``, ``u0`` otherwise).
    fd_step : float
        Central-difference step in ``u`` space for the Hessian in the tangent plane
        (``2 (d-1)^2 + 1`` evaluations, one batched call).

    Returns
    -------
    SormResult
        ``n_evaluations`` includes FORM's (when FORM was run here).

    Raises
    ------
    ComputationError
        A curvature makes the formula invalid (``1 + beta kappa <= 0``, or its Tvedt or
        Hohenbichler counterpart): the surface wraps round the origin more tightly than a
        sphere of radius beta, and the asymptotic formula does not hold; or Tvedt's three
        terms add up to a value outside [0, 1] (many large curvatures).

    Examples
    --------
    >>> from youzhi.reliability.distributions import RandomVariable
    >>> from youzhi.reliability.problem import ReliabilityProblem
    >>> xs = [RandomVariable(f"u{i}", "normal", mean=0.0, std=1.0) for i in range(1, 4)]
    >>> p = ReliabilityProblem(xs, "3 - u3 + 0.1 * (u1**2 + u2**2)")   # curvatures 0.2, 0.2
    >>> r = sorm(p, method="breitung")
    >>> [round(k, 4) for k in r.curvatures], f"{r.pf:.4e}"
    ([0.2, 0.2], '8.4369e-04')
    """
    if method not in SORM_METHODS:
        raise InputError(f"method: expected one of {', '.join(SORM_METHODS)}, got {method!r}")
    fd_step = check_float("fd_step", fd_step, 0.0, 1.0)
    d = check_problem(problem)
    n_form = 0
    if form_result is None:
        form_result = form(problem, max_iter=max_iter, tol=tol, u0=u0)
        n_form = form_result.n_evaluations
    elif not isinstance(form_result, FormResult) or len(form_result.design_point_u) != d:
        raise InputError(f"form_result: expected a FormResult of this {d}-variable problem, got {form_result!r}")
    curvatures, n_hess = principal_curvatures(problem, form_result, fd_step)
    pf = sorm_probability(form_result.beta, curvatures, method)
    return SormResult(
        pf=pf, beta=beta_from_pf(pf), cov=0.0, confidence_interval=(pf, pf), n_evaluations=n_form + n_hess,
        method="sorm", seed=None, form=form_result, curvatures=tuple(float(k) for k in curvatures), formula=method,
        beta_form=form_result.beta)


def principal_curvatures(problem: Any, form_result: FormResult, fd_step: float = 1e-4) -> tuple[np.ndarray, int]:
    """Principal curvatures of ``G = 0`` at the design point and the evaluations used.

    The Hessian of ``G`` along an orthonormal basis of the tangent plane (a Householder
    reflection taking ``alpha`` to the last axis) by central differences, divided by
    ``|grad G|``; its eigenvalues are the curvatures.
    """
    u = np.asarray(form_result.design_point_u, dtype=float)
    grad = np.asarray(form_result.gradient_u, dtype=float)
    alpha = -grad / np.linalg.norm(grad)
    d = u.shape[0]
    if d == 1:
        return np.zeros(0), 0
    tangent = _tangent_basis(alpha)  # (d, d-1), orthonormal, perpendicular to alpha
    m = d - 1
    h = fd_step
    rows = [u]
    for i in range(m):
        rows += [u + h * tangent[:, i], u - h * tangent[:, i]]
    pairs = [(i, j) for i in range(m) for j in range(i + 1, m)]
    for i, j in pairs:
        a, b = tangent[:, i], tangent[:, j]
        rows += [u + h * (a + b), u + h * (a - b), u - h * (a - b), u - h * (a + b)]
    g = evaluate(problem, np.array(rows))
    g0 = g[0]
    hess = np.empty((m, m))
    for i in range(m):
        hess[i, i] = (g[1 + 2 * i] - 2.0 * g0 + g[2 + 2 * i]) / (h * h)
    base = 1 + 2 * m
    for k, (i, j) in enumerate(pairs):
        pp, pm, mp, mm = g[base + 4 * k: base + 4 * k + 4]
        hess[i, j] = hess[j, i] = (pp - pm - mp + mm) / (4.0 * h * h)
    if not np.all(np.isfinite(hess)):
        raise ComputationError("SORM: the limit state's second differences at the design point are not finite")
    curvatures = np.linalg.eigvalsh(hess) / np.linalg.norm(grad)
    return curvatures, len(rows)


def _tangent_basis(alpha: np.ndarray) -> np.ndarray:
    d = alpha.shape[0]
    v = alpha.copy()
    v[-1] -= 1.0
    norm2 = float(v @ v)
    reflection = np.eye(d) if norm2 < 1e-24 else np.eye(d) - 2.0 * np.outer(v, v) / norm2
    return reflection[:, :-1]  # reflection maps e_d to alpha; the other columns span its complement


def sorm_probability(beta: float, curvatures: Any, method: str = "breitung") -> float:
    """SORM failure probability from ``beta`` and the principal curvatures.

    For ``beta < 0`` the formula is applied to the safe set (``-beta``, ``-kappa``) and
    ``pf = 1 - P(safe)``.

    Examples
    --------
    >>> f"{sorm_probability(3.0, [0.2, 0.2], 'breitung'):.6e}"
    '8.436863e-04'
    """
    kappa = np.asarray(curvatures, dtype=float)
    if beta < 0:
        return 1.0 - sorm_probability(-beta, -kappa, method)
    phi_minus = float(special.ndtr(-beta))
    if method == "breitung":
        return phi_minus * _product(1.0 + beta * kappa, "1 + beta*kappa", beta, kappa)
    if method == "hohenbichler":
        psi = math.exp(-0.5 * beta * beta - 0.5 * math.log(2 * math.pi) - float(special.log_ndtr(-beta)))
        return phi_minus * _product(1.0 + psi * kappa, "1 + psi*kappa", beta, kappa)
    if method == "tvedt":
        density = math.exp(-0.5 * beta * beta) / math.sqrt(2 * math.pi)
        a1 = phi_minus * _product(1.0 + beta * kappa, "1 + beta*kappa", beta, kappa)
        bracket = beta * phi_minus - density
        a2 = bracket * (a1 / phi_minus - _product(1.0 + (beta + 1.0) * kappa, "1 + (beta+1)*kappa", beta, kappa))
        complex_product = np.prod(1.0 / np.sqrt(1.0 + (beta + 1j) * kappa.astype(complex)))
        a3 = (beta + 1.0) * bracket * (a1 / phi_minus - float(complex_product.real))
        pf = float(a1 + a2 + a3)
        if not 0.0 <= pf <= 1.0:
            raise ComputationError(f"SORM: Tvedt's formula gives pf={pf:.6g}, outside [0, 1], at beta={beta:.6g} with "
                                   f"{kappa.shape[0]} curvatures up to {float(kappa.max()):.6g}; it does not apply here "
                                   "(use another SORM formula or a sampling method)")
        return pf
    raise InputError(f"method: expected one of {', '.join(SORM_METHODS)}, got {method!r}")


def _product(terms: np.ndarray, label: str, beta: float, kappa: np.ndarray) -> float:
    if np.any(terms <= 0):
        k = float(kappa[int(np.argmin(terms))])
        raise ComputationError(f"SORM: curvature {k:.6g} at beta={beta:.6g} gives {label} <= 0; the asymptotic formula "
                               "does not apply (use another SORM formula or a sampling method)")
    return float(np.prod(1.0 / np.sqrt(terms)))


__all__ = ["form", "sorm", "FormResult", "SormResult", "principal_curvatures", "sorm_probability", "SORM_METHODS"]
