"""Fit life distributions to failure data with censoring: MLE or rank regression.

:func:`fit_life` fits one family (see :mod:`youzhi.reliability.life_models`) by maximum
likelihood over exact, right-, left- and interval-censored times, or a Weibull/lognormal/
normal/loglogistic by rank regression on median ranks (:mod:`youzhi.reliability.life_rr`).
The result carries the parameters with confidence intervals (Fisher matrix or likelihood
ratio), mean life and B10 life with bounds, log-likelihood, AIC/AICc/BIC and, for complete
data, the Anderson-Darling statistic. :func:`best_fit` ranks the families by AICc or BIC.

A fit whose optimizer stops without a zero gradient, or whose Fisher matrix is not positive
definite, raises :class:`~youzhi.errors.ConvergenceError`: never a silently wrong number.

Examples
--------
>>> fit = fit_life([16, 34, 53, 75, 93, 120], "weibull")
>>> round(fit.parameters["beta"], 3), round(fit.parameters["eta"], 2)
(1.933, 73.53)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from scipy import optimize

from youzhi._results import Result, to_plain
from youzhi.errors import ConvergenceError, InputError, YouzhiWarning
from youzhi.reliability.life_bounds import fisher_interval, hessian, likelihood_ratio_interval
from youzhi.reliability.life_data import LifeData
from youzhi.reliability.life_models import FAMILIES, Family, _log1mexp

MIN_FAILURES = {"exponential": 1, "weibull3": 3}
BOUND_METHODS = ("fisher", "likelihood")


def _as_data(data: LifeData | Sequence[float]) -> LifeData:
    return data if isinstance(data, LifeData) else LifeData.from_arrays(failures=data)


def log_likelihood(family: Family, p: np.ndarray, data: LifeData) -> float:
    """Log-likelihood of natural parameters ``p`` (``-inf`` outside the support)."""
    with np.errstate(all="ignore"):
        total = 0.0
        if data.failures.size:
            total += float(data.failure_counts @ family.logpdf(data.failures, p))
        if data.right_censored.size:
            total += float(data.right_counts @ family.logsf(data.right_censored, p))
        if data.left_censored.size:
            total += float(data.left_counts @ family.logcdf(data.left_censored, p))
        if data.interval_counts.size:
            lo = family.logsf(data.interval_lower, p)
            hi = family.logsf(data.interval_upper, p)
            total += float(data.interval_counts @ (lo + _log1mexp(hi - lo)))
    return total if math.isfinite(total) else -math.inf


@dataclass(frozen=True, repr=False)
class LifeFit(Result):
    """A fitted life distribution with its bounds and goodness of fit.

    ``confidence_intervals``, ``mean_life_interval`` and ``b10_interval`` are two-sided at
    ``confidence`` by ``bounds`` ("fisher" or "likelihood"). ``anderson_darling`` is taken against the
    Kaplan-Meier estimate (classical for complete data); None for left- or interval-censored data.
    """

    distribution: str
    method: str
    parameters: dict[str, float]
    standard_errors: dict[str, float]
    confidence_intervals: dict[str, tuple[float, float]]
    confidence: float
    bounds: str
    mean_life: float
    mean_life_interval: tuple[float, float]
    b10: float
    b10_interval: tuple[float, float]
    loglik: float
    aic: float
    aicc: float
    bic: float
    anderson_darling: float | None
    n_failures: int
    n_units: int
    covariance: np.ndarray = field(repr=False)
    data: LifeData = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain types for JSON (without the data)."""
        return {k: to_plain(v) for k, v in vars(self).items() if k != "data"}

    def to_frame(self):
        """Parameters, mean life and B10 with their bounds as a pandas DataFrame."""
        import pandas as pd

        rows = [(n, v, *self.confidence_intervals[n]) for n, v in self.parameters.items()]
        rows += [("mean_life", self.mean_life, *self.mean_life_interval), ("b10", self.b10, *self.b10_interval)]
        return pd.DataFrame(rows, columns=["quantity", "estimate", "lower", "upper"]).set_index("quantity")

    @property
    def family(self) -> Family:
        return FAMILIES[self.distribution]

    @property
    def _p(self) -> np.ndarray:
        return np.array([self.parameters[n] for n in self.family.params])

    def reliability(self, t: float | np.ndarray) -> np.ndarray:
        """R(t) = P(T > t) of the fitted distribution."""
        return self.family.sf(np.asarray(t, float), self._p)

    def quantile(self, q: float) -> float:
        """Time by which a fraction ``q`` has failed (``q = 0.1`` is the B10 life)."""
        return float(self.family.quantile(q, self._p))

    def reliability_interval(self, t: float, confidence: float | None = None, bounds: str | None = None) -> tuple[float, float]:
        """Two-sided bounds on R(t); raises if they leave [0, 1] or cannot be computed."""
        c = confidence or self.confidence
        q = lambda p: float(self.family.sf(t, p))  # noqa: E731
        r = q(self._p)
        if not 0.0 < r < 1.0:
            return (r, r)
        lo, hi = self._interval(q, c, bounds or self.bounds, self.family.link, f"R({t:g})")
        if not (0.0 <= lo <= hi <= 1.0):
            raise ConvergenceError(f"bounds on R({t:g}) [{lo}, {hi}] leave [0, 1]")
        return (lo, hi)

    def quantile_interval(self, q: float, confidence: float | None = None, bounds: str | None = None) -> tuple[float, float]:
        """Two-sided bounds on the time by which a fraction ``q`` has failed."""
        scale = "log" if self.family.positive_support and self.distribution != "weibull3" else "none"
        lo, hi = self._interval(lambda p: float(self.family.quantile(q, p)), confidence or self.confidence,
                                bounds or self.bounds, scale, f"B{100 * q:g} life")
        if lo < 0:
            warnings.warn(f"the lower bound on the B{100 * q:g} life is negative ({lo:.4g}): the {self.distribution} "
                          "model puts probability on negative lives here", YouzhiWarning, stacklevel=2)
        return (lo, hi)

    def _interval(self, quantity, confidence: float, bounds: str, scale: str, what: str) -> tuple[float, float]:
        fam, data = self.family, self.data
        if bounds == "fisher":
            return fisher_interval(quantity, self._p, self.covariance, confidence, scale)
        if self.method != "mle":
            raise InputError("bounds: likelihood-ratio bounds need an MLE fit (method='mle'); use bounds='fisher'")
        ctx = _context(data)
        z_hat = fam.to_free(self._p, ctx)
        ll = lambda z: log_likelihood(fam, fam.from_free(z, ctx), data)  # noqa: E731
        z_cov = np.linalg.inv(-hessian(ll, z_hat))
        return likelihood_ratio_interval(lambda z: quantity(fam.from_free(z, ctx)), ll, z_hat, z_cov, confidence, what)


def _context(data: LifeData) -> dict:
    firsts = [a.min() for a in (data.failures, data.left_censored, data.interval_upper) if a.size]
    return {"t_first": min(firsts)}


def _start_sample(data: LifeData) -> tuple[np.ndarray, np.ndarray]:
    t = np.concatenate([data.failures, data.left_censored / 2, (data.interval_lower + data.interval_upper) / 2])
    w = np.concatenate([data.failure_counts, data.left_counts, data.interval_counts])
    keep = t > 0
    if keep.sum() == 0:
        return np.array([1.0]), np.array([1.0])
    return t[keep], w[keep]


def _newton_polish(nll, z: np.ndarray, steps: int = 8) -> tuple[np.ndarray, float, bool]:
    """A few damped Newton steps on ``nll``; True when the Newton decrement is negligible."""
    f = nll(z)
    for _ in range(steps):
        g = np.array([(nll(z + e) - nll(z - e)) / (2 * h) for e, h in
                      ((np.eye(z.size)[i] * 1e-6 * max(abs(z[i]), 1.0), 1e-6 * max(abs(z[i]), 1.0)) for i in range(z.size))])
        h = hessian(nll, z)
        try:
            step = np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            return z, f, False
        decrement = float(g @ step)
        if not math.isfinite(decrement) or decrement < 0:
            return z, f, False
        if decrement < 1e-10:
            return z, f, True
        t = 1.0
        while t > 1e-4:
            z_new = z - t * step
            f_new = nll(z_new)
            if f_new <= f:
                z, f = z_new, f_new
                break
            t /= 2
        else:
            return z, f, False
    return z, f, False


def _maximize(fam: Family, data: LifeData, start: np.ndarray) -> tuple[np.ndarray, float]:
    ctx = _context(data)

    def nll(z: np.ndarray) -> float:
        v = -log_likelihood(fam, fam.from_free(z, ctx), data)
        return v if math.isfinite(v) else 1e300

    jac = None
    if fam.name in ("weibull", "lognormal", "normal"):  # analytic gradient where it is cheap
        def jac(z: np.ndarray) -> np.ndarray:
            g = -fam.loglik_gradient(z, data)
            return g if np.all(np.isfinite(g)) else np.zeros(z.size)

    z, f = fam.to_free(start, ctx), math.inf
    for method in ("BFGS", "Nelder-Mead"):
        opts = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000} if method == "Nelder-Mead" else {"gtol": 1e-6}
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = optimize.minimize(nll, z, method=method, options=opts, jac=jac if method == "BFGS" else None)
            if res.fun <= f:
                z, f = res.x, res.fun
            if f < 1e299:
                z, f, converged = _newton_polish(nll, z)
                if converged:
                    break  # a zero gradient and a positive-definite Hessian: done
    return z, -f


def fit_life(data: LifeData | Sequence[float], distribution: str = "weibull", method: str = "mle",
             confidence: float = 0.9, bounds: str = "fisher", regression: str = "y_on_x",
             median_ranks: str = "exact") -> LifeFit:
    """Fit a life distribution to (censored) failure data.

    Parameters
    ----------
    data : LifeData or sequence of float
        Life data, or exact failure times only.
    distribution : str
        ``exponential``, ``weibull``, ``weibull3``, ``lognormal``, ``normal``, ``gamma`` or
        ``loglogistic``.
    method : str
        ``"mle"`` or ``"rr"`` (rank regression on median ranks; exact failures and
        suspensions only, Johnson's adjusted ranks).
    confidence : float
        Two-sided confidence of the intervals, in (0, 1).
    bounds : str
        ``"fisher"`` or ``"likelihood"`` (likelihood ratio; MLE only).
    regression : str
        For ``rr``: ``"y_on_x"`` (RRY, Weibull++ default) or ``"x_on_y"`` (RRX).
    median_ranks : str
        For ``rr``: ``"exact"`` (beta-binomial median) or ``"bernard"`` ((j-0.3)/(n+0.4)).

    Returns
    -------
    LifeFit

    Examples
    --------
    >>> from youzhi.reliability.life_data import LifeData
    >>> d = LifeData.from_arrays(failures=[120, 190, 260, 340], right_censored=[400] * 6)
    >>> fit = fit_life(d, "exponential")
    >>> round(1 / fit.parameters["rate"], 1), [round(v, 1) for v in fit.mean_life_interval]
    (827.5, [363.6, 1883.4])
    """
    data = _as_data(data)
    fam = FAMILIES.get(distribution)
    if fam is None:
        raise InputError(f"distribution: unknown {distribution!r}; accepted: {', '.join(FAMILIES)}")
    if method not in ("mle", "rr"):
        raise InputError(f"method: must be 'mle' or 'rr', got {method!r}")
    if bounds not in BOUND_METHODS:
        raise InputError(f"bounds: must be 'fisher' or 'likelihood', got {bounds!r}")
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence: must be in (0, 1), got {confidence}")
    need = MIN_FAILURES.get(distribution, 2)
    if data.n_failures < need:
        raise InputError(f"data: the {distribution} model needs at least {need} failure(s), got {data.n_failures}")
    if fam.positive_support and distribution != "weibull3" and data.failures.size and np.any(data.failures[data.failure_counts > 0] <= 0):
        raise InputError(f"data: the {distribution} model needs failure times > 0")
    t_start, w_start = _start_sample(data)
    if need >= 2 and np.unique(t_start).size < 2:
        raise InputError(f"data: the {distribution} model needs at least 2 distinct failure times")

    ctx = _context(data)
    if method == "rr":
        if bounds == "likelihood":
            raise InputError("bounds: likelihood-ratio bounds need method='mle'")
        from youzhi.reliability.life_rr import rank_regression
        p = rank_regression(data, distribution, regression, median_ranks)
        ll = log_likelihood(fam, p, data)
    else:
        p_free, ll = _maximize(fam, data, fam.start(t_start, w_start))
        p = fam.from_free(p_free, ctx)
    if not math.isfinite(ll) or not np.all(np.isfinite(p)):
        raise ConvergenceError(f"{distribution} fit: the likelihood is not finite at the estimate {p.tolist()}")

    z = fam.to_free(p, ctx)
    llz = lambda zz: log_likelihood(fam, fam.from_free(zz, ctx), data)  # noqa: E731
    h = -hessian(llz, z)
    if method == "mle":
        grad = np.array([(llz(z + e) - llz(z - e)) / 2e-6 for e in np.eye(z.size) * 1e-6])
        try:
            z_cov = np.linalg.inv(h)
        except np.linalg.LinAlgError:
            z_cov = None
        bad = (z_cov is None or not np.all(np.isfinite(h)) or not np.all(np.isfinite(grad))
               or np.any(np.linalg.eigvalsh(h) <= 0) or not float(grad @ z_cov @ grad) <= 1e-4)
        if bad:
            if distribution == "weibull3" and ctx["t_first"] - p[2] < 1e-3 * max(abs(ctx["t_first"]), 1e-12):
                raise ConvergenceError(f"weibull3 MLE is degenerate: the location runs up to the first failure "
                                       f"({ctx['t_first']:g}) with shape {p[1]:.3g}; fit the 2-parameter Weibull")
            raise ConvergenceError(f"{distribution} MLE did not converge to a maximum (gradient {grad.tolist()}); "
                                   "the model may not fit these data")
        if distribution == "weibull3" and (ctx["t_first"] - p[2]) < 1e-6 * max(ctx["t_first"], 1e-12) or (distribution == "weibull3" and p[1] <= 1.0):
            warnings.warn("weibull3: the location runs up to the first failure (shape <= 1); the MLE is "
                          "degenerate there, prefer the 2-parameter Weibull", YouzhiWarning, stacklevel=2)
    jac = np.diag(_free_jacobian(fam, z, ctx))
    try:
        cov = jac @ np.linalg.inv(h) @ jac.T
    except np.linalg.LinAlgError:
        raise ConvergenceError(f"{distribution} fit: singular Fisher matrix; bounds cannot be computed") from None
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) < 0):
        raise ConvergenceError(f"{distribution} fit: Fisher matrix not positive definite at the estimate; "
                               "bounds cannot be computed")

    k = len(fam.params)
    n = data.n_units
    aic = 2 * k - 2 * ll
    aicc = aic + (2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf)
    bic = k * math.log(n) - 2 * ll
    names = fam.params
    se = {nm: math.sqrt(cov[i, i]) for i, nm in enumerate(names)}
    prelim = LifeFit(distribution, method, {nm: float(v) for nm, v in zip(names, p)}, se, {}, confidence, bounds,
                     float(fam.mean(p)), (math.nan, math.nan), float(fam.quantile(0.1, p)), (math.nan, math.nan),
                     ll, aic, aicc, bic, _anderson_darling(fam, p, data), data.n_failures, n, cov, data)
    intervals = {}
    for i, nm in enumerate(names):
        scale = "log" if fam.positive[i] else "none"
        intervals[nm] = prelim._interval(lambda pp, i=i: float(pp[i]), confidence, bounds, scale, nm)
    mean_scale = "log" if fam.positive_support and distribution != "weibull3" else "none"
    mean_iv = prelim._interval(lambda pp: float(fam.mean(pp)), confidence, bounds, mean_scale, "mean life") \
        if math.isfinite(prelim.mean_life) else (math.nan, math.nan)
    b10_iv = prelim.quantile_interval(0.1)
    return LifeFit(**{**vars(prelim), "confidence_intervals": intervals, "mean_life_interval": mean_iv, "b10_interval": b10_iv})


def _free_jacobian(fam: Family, z: np.ndarray, ctx: dict) -> np.ndarray:
    """d natural / d free for each coordinate (the maps are coordinate-wise)."""
    out = np.empty(z.size)
    for i in range(z.size):
        e = np.zeros(z.size)
        e[i] = 1e-6
        out[i] = (fam.from_free(z + e, ctx)[i] - fam.from_free(z - e, ctx)[i]) / 2e-6
    return out


def _anderson_darling(fam: Family, p: np.ndarray, data: LifeData) -> float | None:
    """Anderson-Darling A^2 of the fit against the Kaplan-Meier estimate F_n.

    A^2 = n * integral of (F_n - u)^2 / (u (1 - u)) du over u = F(t), up to the largest
    observed time: the classical statistic for complete data, Pettitt's (1976) for singly
    censored samples, and its product-limit extension for multiply right-censored data.
    F_n is a step function, so each step integrates in closed form. None for left- or
    interval-censored data (no product-limit estimate) or a fit that gives F = 0 or 1 at a
    failure.
    """
    if data.has_left_or_interval or data.n_failures == 0:
        return None
    times = np.concatenate([data.failures, data.right_censored])
    counts = np.concatenate([data.failure_counts, data.right_counts]).astype(float)
    is_fail = np.concatenate([np.ones(data.failures.size, bool), np.zeros(data.right_censored.size, bool)])
    order = np.lexsort((~is_fail, times))  # failures before suspensions at a tie
    times, counts, is_fail = times[order], counts[order], is_fail[order]
    at_risk = np.sum(counts) - np.concatenate([[0.0], np.cumsum(counts)[:-1]])
    survival = np.cumprod(np.where(is_fail, 1.0 - counts / at_risk, 1.0))[is_fail]
    steps = np.concatenate([[0.0], 1.0 - survival])             # F_n on each segment
    # ln u and ln(1 - u) at the segment ends, from the family's log functions for accuracy
    t_fail, last = times[is_fail], times[-1:]
    if survival[-1] <= 0.0:                                      # F_n reaches 1: integrate to u = 1
        end_log_u, end_log_s = 0.0, -np.inf
    else:                                                        # up to the last suspension
        end_log_u, end_log_s = fam.logcdf(last, p)[0], fam.logsf(last, p)[0]
    log_u = np.concatenate([[-np.inf], fam.logcdf(t_fail, p), [end_log_u]])
    log_s = np.concatenate([[0.0], fam.logsf(t_fail, p), [end_log_s]])
    c2, d2 = steps**2, (1.0 - steps) ** 2
    with np.errstate(all="ignore"):
        segment = (np.where(c2 > 0, c2 * np.diff(log_u), 0.0) - np.where(d2 > 0, d2 * np.diff(log_s), 0.0)
                   - np.diff(np.exp(log_u)))
        a2 = np.sum(counts) * np.sum(segment)
    return float(a2) if math.isfinite(a2) else None


@dataclass(frozen=True, repr=False)
class BestFit(Result):
    """Families ranked by an information criterion; ``best`` is the first."""

    criterion: str
    ranking: list[dict[str, Any]]
    best: LifeFit

    def to_frame(self):
        """The ranking as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.ranking)


def best_fit(data: LifeData | Sequence[float], candidates: Sequence[str] | None = None, criterion: str = "aicc",
             confidence: float = 0.9, bounds: str = "fisher") -> BestFit:
    """Fit every candidate family by MLE and rank them by ``criterion`` (aicc, aic or bic).

    Families with too few failures, or whose fit does not converge, are listed with their
    reason and left out of the ranking.

    Examples
    --------
    >>> res = best_fit([16, 34, 53, 75, 93, 120], candidates=["weibull", "exponential"])
    >>> [row["distribution"] for row in res.ranking]
    ['exponential', 'weibull']
    """
    data = _as_data(data)
    if criterion not in ("aicc", "aic", "bic"):
        raise InputError(f"criterion: must be aicc, aic or bic, got {criterion!r}")
    names = list(candidates) if candidates else list(FAMILIES)
    rows, fits = [], {}
    for name in names:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", YouzhiWarning)
                fit = fit_life(data, name, "mle", confidence, bounds)
        except (InputError, ConvergenceError, YouzhiWarning) as exc:
            if isinstance(exc, InputError) and name not in FAMILIES:
                raise
            rows.append({"distribution": name, "error": str(exc)})
            continue
        fits[name] = fit
        rows.append({"distribution": name, "loglik": fit.loglik, "aic": fit.aic, "aicc": fit.aicc, "bic": fit.bic,
                     "anderson_darling": fit.anderson_darling})
    if not fits:
        raise ConvergenceError("best fit: no candidate distribution could be fitted: "
                               + "; ".join(f"{r['distribution']}: {r['error']}" for r in rows))
    ok = sorted((r for r in rows if "error" not in r), key=lambda r: r[criterion])
    failed = [r for r in rows if "error" in r]
    return BestFit(criterion, ok + failed, fits[ok[0]["distribution"]])
