"""Random variables for reliability problems, and their dependence by a Gaussian copula (Nataf).

A :class:`RandomVariable` is a named, frozen scipy.stats distribution given either by its mean
and standard deviation or by the distribution's own parameters:

========================  =============================================================
distribution              parameters (one set)
========================  =============================================================
``normal``                ``mean, std``  or  ``mu, sigma``
``lognormal``             ``mean, std``  or  ``mu_log, sigma_log`` (of ``ln X``)
``uniform``               ``lower, upper``  or  ``mean, std``
``gumbel`` (largest)      ``mean, std``  or  ``loc, scale``
``weibull``               ``shape, scale`` [``loc``]  or  ``mean, std`` [``loc``]
``exponential``           ``rate`` [``loc``]  or  ``mean`` [``loc``]
``gamma``                 ``shape, scale``  or  ``shape, rate``  or  ``mean, std``
``beta``                  ``alpha, beta`` [``lower, upper``]  or  ``mean, std`` [``lower, upper``]
``truncated_normal``      ``mu, sigma, lower, upper`` (parent normal)  or  ``mean, std, lower, upper``
any scipy.stats name      its shape parameters by name, and ``loc``, ``scale``
========================  =============================================================

:class:`Nataf` joins the marginals with a Gaussian copula. The correlations given are those
of the physical variables; for non-normal marginals the copula's correlation is found from
the Nataf integral equation (2-D Gauss-Hermite quadrature solved with ``brentq``).

Examples
--------
>>> r = RandomVariable("R", "lognormal", mean=5.0, std=0.5)
>>> round(r.mean, 6), round(r.std, 6)
(5.0, 0.5)
>>> s = RandomVariable("S", "gumbel", mean=2.0, std=0.6)
>>> nataf = Nataf([r, s], [[1.0, 0.3], [0.3, 1.0]])
>>> round(float(nataf.z_correlation[0, 1]), 4)
0.3086
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from youzhi.errors import InputError

EULER_GAMMA = 0.5772156649015329

# Codes understood by the fused numba kernel (youzhi.reliability._kernels.x_from_z).
KERNEL_NORMAL, KERNEL_LOGNORMAL, KERNEL_UNIFORM, KERNEL_GUMBEL, KERNEL_WEIBULL, KERNEL_EXPONENTIAL = range(6)
KERNEL_NONE = -1

#: Accepted parameter sets per named distribution (the first matching set wins).
PARAMETER_SETS: dict[str, tuple[tuple[frozenset[str], frozenset[str]], ...]] = {}


def _sets(*alternatives: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    return tuple((frozenset(req), frozenset(opt)) for req, opt in alternatives)


PARAMETER_SETS.update(
    normal=_sets((("mean", "std"), ()), (("mu", "sigma"), ())),
    lognormal=_sets((("mean", "std"), ()), (("mu_log", "sigma_log"), ())),
    uniform=_sets((("lower", "upper"), ()), (("mean", "std"), ())),
    gumbel=_sets((("mean", "std"), ()), (("loc", "scale"), ())),
    weibull=_sets((("shape", "scale"), ("loc",)), (("mean", "std"), ("loc",))),
    exponential=_sets((("rate",), ("loc",)), (("mean",), ("loc",))),
    gamma=_sets((("shape", "scale"), ()), (("shape", "rate"), ()), (("mean", "std"), ())),
    beta=_sets((("alpha", "beta"), ("lower", "upper")), (("mean", "std"), ("lower", "upper"))),
    truncated_normal=_sets((("mu", "sigma", "lower", "upper"), ()), (("mean", "std", "lower", "upper"), ())),
)
ALIASES = {"gaussian": "normal", "log-normal": "lognormal", "gumbel_max": "gumbel", "gumbel-max": "gumbel",
           "truncnorm": "truncated_normal", "truncated-normal": "truncated_normal", "exp": "exponential"}


class RandomVariable:
    """A named random variable: a frozen scipy.stats distribution plus what the kernels need.

    Parameters
    ----------
    name : str
        The variable's name, as used in limit-state expressions.
    distribution : str
        One of the names in the module table, or any continuous distribution of scipy.stats.
    where : str, optional
        Prefix for error messages (the file and field being read); defaults to the name.
    **params : float
        One accepted parameter set for the distribution.

    Attributes
    ----------
    dist : scipy.stats frozen distribution
    kernel_code : int
        Marginal code for the fused numba kernel, ``-1`` when it has no closed-form inverse there.
    kernel_params : tuple of float
        Parameters for the kernel's inverse CDF.

    Examples
    --------
    >>> v = RandomVariable("E", "weibull", mean=10.0, std=2.0)
    >>> round(v.params_used["shape"], 4), round(v.mean, 6)
    (5.7974, 10.0)
    >>> RandomVariable("X", "normal", mean=1.0, std=-1.0)
    Traceback (most recent call last):
    ...
    youzhi.errors.InputError: variable 'X': std: must be > 0, got -1.0
    """

    def __init__(self, name: str, distribution: str, *, where: str | None = None, **params: float) -> None:
        self.name = str(name)
        self.where = f"variable {self.name!r}: " if where is None else where
        if not isinstance(distribution, str):
            raise InputError(f"{self.where}distribution: expected a name, got {distribution!r}")
        key = distribution.strip().lower()
        key = ALIASES.get(key, key)
        self.distribution = key
        one_sided = key == "truncated_normal"  # lower = -inf or upper = inf is a one-sided truncation
        self._given = dict(params)
        self.params = {k: _number(self.where, k, v, allow_infinite=one_sided and k in ("lower", "upper")) for k, v in params.items()}
        self.kernel_code = KERNEL_NONE
        self.kernel_params: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self.params_used: dict[str, float] = {}
        if key in PARAMETER_SETS:
            chosen = self._pick_set(PARAMETER_SETS[key])
            self.dist = getattr(self, f"_make_{key}")(chosen)
        else:
            self.dist = self._make_scipy(distribution.strip())
        mean, std = self.dist.mean(), self.dist.std()
        self.mean, self.std = float(mean), float(std)

    # ---------------------------------------------------------------- parameter handling
    def _pick_set(self, alternatives: Sequence[tuple[frozenset[str], frozenset[str]]]) -> str:
        given = set(self.params)
        for required, optional in alternatives:
            if required <= given and given <= required | optional:
                return ",".join(sorted(required))
        accepted = " | ".join(", ".join(sorted(r)) + "".join(f" [, {o}]" for o in sorted(opt)) for r, opt in alternatives)
        unknown = given - set().union(*(r | o for r, o in alternatives))
        what = f"unknown parameter {sorted(unknown)[0]!r}" if unknown else f"parameters {sorted(given)} do not form a set"
        raise InputError(f"{self._here()}{what} for distribution {self.distribution!r}; accepted: {accepted}")

    def _here(self) -> str:
        """``where`` as a prefix for a message about the whole variable (not one field)."""
        return self.where.rstrip(" ").rstrip(":").rstrip(".") + ": "

    def _positive(self, field: str, value: float | None = None) -> float:
        v = self.params[field] if value is None else value
        if not v > 0:
            shown = self._given.get(field, v) if value is None else v  # echo what the user wrote
            raise InputError(f"{self.where}{field}: must be > 0, got {shown!r}")
        return v

    def _mean_std(self) -> tuple[float, float]:
        return self.params["mean"], self._positive("std")

    def _make_normal(self, chosen: str) -> Any:
        mu, sigma = self._mean_std() if "mean" in chosen else (self.params["mu"], self._positive("sigma"))
        self.params_used = {"mean": mu, "std": sigma}
        self.kernel_code, self.kernel_params = KERNEL_NORMAL, (mu, sigma, 0.0)
        return stats.norm(mu, sigma)

    def _make_lognormal(self, chosen: str) -> Any:
        if "mean" in chosen:
            mean, std = self._mean_std()
            if not mean > 0:
                raise InputError(f"{self.where}mean: must be > 0 for a lognormal variable, got {mean!r}")
            zeta = math.sqrt(math.log1p((std / mean) ** 2))
            lam = math.log(mean) - 0.5 * zeta * zeta
        else:
            lam, zeta = self.params["mu_log"], self._positive("sigma_log")
        self.params_used = {"mu_log": lam, "sigma_log": zeta}
        self.kernel_code, self.kernel_params = KERNEL_LOGNORMAL, (lam, zeta, 0.0)
        return stats.lognorm(zeta, scale=math.exp(lam))

    def _make_uniform(self, chosen: str) -> Any:
        if "mean" in chosen:
            mean, std = self._mean_std()
            half = std * math.sqrt(3.0)
            lower, upper = mean - half, mean + half
        else:
            lower, upper = self.params["lower"], self.params["upper"]
            if not upper > lower:
                raise InputError(f"{self.where}upper: must be > lower ({lower!r}), got {upper!r}")
        self.params_used = {"lower": lower, "upper": upper}
        self.kernel_code, self.kernel_params = KERNEL_UNIFORM, (lower, upper, 0.0)
        return stats.uniform(lower, upper - lower)

    def _make_gumbel(self, chosen: str) -> Any:
        if "mean" in chosen:
            mean, std = self._mean_std()
            scale = std * math.sqrt(6.0) / math.pi
            loc = mean - EULER_GAMMA * scale
        else:
            loc, scale = self.params["loc"], self._positive("scale")
        self.params_used = {"loc": loc, "scale": scale}
        self.kernel_code, self.kernel_params = KERNEL_GUMBEL, (loc, scale, 0.0)
        return stats.gumbel_r(loc, scale)

    def _make_weibull(self, chosen: str) -> Any:
        loc = self.params.get("loc", 0.0)
        if "mean" in chosen:
            mean, std = self._mean_std()
            if not mean > loc:
                raise InputError(f"{self.where}mean: must be > loc ({loc!r}) for a Weibull variable, got {mean!r}")
            cov = std / (mean - loc)

            def cov_gap(log_k: float) -> float:
                k = math.exp(log_k)
                g1, g2 = special.gammaln(1 + 1 / k), special.gammaln(1 + 2 / k)
                return math.sqrt(max(math.exp(g2 - 2 * g1) - 1.0, 0.0)) - cov

            try:
                shape = math.exp(optimize.brentq(cov_gap, math.log(0.02), math.log(500.0), xtol=1e-14))
            except ValueError:
                raise InputError(f"{self.where}std: coefficient of variation {cov:.4g} is outside what a Weibull variable can have") from None
            scale = (mean - loc) / math.exp(special.gammaln(1 + 1 / shape))
        else:
            shape, scale = self._positive("shape"), self._positive("scale")
        self.params_used = {"shape": shape, "scale": scale, "loc": loc}
        self.kernel_code, self.kernel_params = KERNEL_WEIBULL, (scale, shape, loc)
        return stats.weibull_min(shape, loc=loc, scale=scale)

    def _make_exponential(self, chosen: str) -> Any:
        loc = self.params.get("loc", 0.0)
        if "mean" in chosen:
            mean = self.params["mean"]
            if not mean > loc:
                raise InputError(f"{self.where}mean: must be > loc ({loc!r}), got {mean!r}")
            rate = 1.0 / (mean - loc)
        else:
            rate = self._positive("rate")
        self.params_used = {"rate": rate, "loc": loc}
        self.kernel_code, self.kernel_params = KERNEL_EXPONENTIAL, (rate, loc, 0.0)
        return stats.expon(loc, 1.0 / rate)

    def _make_gamma(self, chosen: str) -> Any:
        if "mean" in chosen:
            mean, std = self._mean_std()
            if not mean > 0:
                raise InputError(f"{self.where}mean: must be > 0 for a gamma variable, got {mean!r}")
            shape, scale = (mean / std) ** 2, std * std / mean
        elif "rate" in chosen:
            shape, scale = self._positive("shape"), 1.0 / self._positive("rate")
        else:
            shape, scale = self._positive("shape"), self._positive("scale")
        self.params_used = {"shape": shape, "scale": scale}
        return stats.gamma(shape, scale=scale)

    def _make_beta(self, chosen: str) -> Any:
        lower, upper = self.params.get("lower", 0.0), self.params.get("upper", 1.0)
        if not upper > lower:
            raise InputError(f"{self.where}upper: must be > lower ({lower!r}), got {upper!r}")
        if "mean" in chosen:
            mean, std = self._mean_std()
            m, s = (mean - lower) / (upper - lower), std / (upper - lower)
            if not 0 < m < 1:
                raise InputError(f"{self.where}mean: must lie strictly between lower and upper, got {mean!r}")
            common = m * (1 - m) / (s * s) - 1
            if not common > 0:
                raise InputError(f"{self.where}std: too large for a beta variable with this mean (max {(upper - lower) * math.sqrt(m * (1 - m)):.6g}), got {std!r}")
            alpha, beta = m * common, (1 - m) * common
        else:
            alpha, beta = self._positive("alpha"), self._positive("beta")
        self.params_used = {"alpha": alpha, "beta": beta, "lower": lower, "upper": upper}
        return stats.beta(alpha, beta, loc=lower, scale=upper - lower)

    def _make_truncated_normal(self, chosen: str) -> Any:
        lower, upper = self.params["lower"], self.params["upper"]
        if not upper > lower:
            raise InputError(f"{self.where}upper: must be > lower ({lower!r}), got {upper!r}")
        if "mean" in chosen:
            mu, sigma = self._truncated_normal_parent(*self._mean_std(), lower, upper)
        else:
            mu, sigma = self.params["mu"], self._positive("sigma")
        a, b = (lower - mu) / sigma, (upper - mu) / sigma
        if special.ndtr(b) - special.ndtr(a) <= 1e-300:
            raise InputError(f"{self.where}lower, upper: the interval [{lower}, {upper}] has no probability under N({mu}, {sigma})")
        self.params_used = {"mu": mu, "sigma": sigma, "lower": lower, "upper": upper}
        return stats.truncnorm(a, b, loc=mu, scale=sigma)

    def _truncated_normal_parent(self, mean: float, std: float, lower: float, upper: float) -> tuple[float, float]:
        """The parent normal's (mu, sigma) giving this mean and std on [lower, upper]."""
        if not lower < mean < upper:
            raise InputError(f"{self.where}mean: must lie strictly between lower and upper, got {mean!r}")
        if math.isfinite(lower) and math.isfinite(upper) and not std < (upper - lower) / math.sqrt(12.0):
            raise InputError(f"{self.where}std: must be below that of a uniform variable on [lower, upper] "
                             f"({(upper - lower) / math.sqrt(12.0):.6g}), got {std!r}")

        def gap(p: np.ndarray) -> list[float]:
            mu, sigma = p[0] * std + mean, math.exp(p[1]) * std
            dist = stats.truncnorm((lower - mu) / sigma, (upper - mu) / sigma, loc=mu, scale=sigma)
            return [(dist.mean() - mean) / std, dist.std() / std - 1.0]

        solution = optimize.least_squares(gap, [0.0, 0.0], xtol=1e-14, ftol=1e-14, gtol=1e-14)
        if not solution.success or max(abs(v) for v in solution.fun) > 1e-8:
            raise InputError(f"{self.where}mean, std: no truncated normal on [{lower}, {upper}] has mean {mean} and std {std}")
        return float(solution.x[0] * std + mean), float(math.exp(solution.x[1]) * std)

    def _make_scipy(self, name: str) -> Any:
        attr = name[len("scipy."):] if name.startswith("scipy.") else name
        dist = getattr(stats, attr, None) if attr.isidentifier() and not attr.startswith("_") else None
        if not isinstance(dist, stats.rv_continuous):
            accepted = ", ".join(PARAMETER_SETS)
            raise InputError(f"{self.where}distribution: unknown distribution {name!r}; accepted: {accepted}, or a continuous scipy.stats distribution name")
        shapes = [s.strip() for s in (dist.shapes or "").split(",") if s.strip()]
        allowed = set(shapes) | {"loc", "scale"}
        for key in self.params:
            if key not in allowed:
                raise InputError(f"{self._here()}unknown parameter {key!r} for scipy.stats.{attr}; accepted: {', '.join(shapes + ['loc', 'scale'])}")
        missing = [s for s in shapes if s not in self.params]
        if missing:
            raise InputError(f"{self.where}{missing[0]}: missing; scipy.stats.{attr} needs {', '.join(shapes)} (and optional loc, scale)")
        if "scale" in self.params:
            self._positive("scale")
        kwargs = dict(self.params)
        if not dist._argcheck(*[kwargs[s] for s in shapes]):
            raise InputError(f"{self._here()}parameters {', '.join(f'{s}={kwargs[s]!r}' for s in shapes)} are not valid for scipy.stats.{attr}")
        self.params_used = dict(kwargs)
        self.distribution = f"scipy.{attr}"
        frozen = dist(**kwargs)
        if not (np.isfinite(frozen.mean()) and np.isfinite(frozen.std())):
            raise InputError(f"{self.where}distribution: scipy.stats.{attr} with these parameters has no finite mean and std")
        return frozen

    # ---------------------------------------------------------------- transforms
    def from_u(self, u: np.ndarray) -> np.ndarray:
        """Physical values for standard-normal values ``u`` (``F^-1(Phi(u))``, exact in both tails)."""
        u = np.asarray(u, dtype=float)
        if self.kernel_code == KERNEL_NORMAL:
            return self.kernel_params[0] + self.kernel_params[1] * u
        if self.kernel_code == KERNEL_LOGNORMAL:
            return np.exp(self.kernel_params[0] + self.kernel_params[1] * u)
        low = u <= 0
        with np.errstate(all="ignore"):
            return np.where(low, self.dist.ppf(special.ndtr(np.where(low, u, 0.0))), self.dist.isf(special.ndtr(-np.where(low, 0.0, u))))

    def to_u(self, x: np.ndarray) -> np.ndarray:
        """Standard-normal values for physical values ``x`` (``Phi^-1(F(x))``)."""
        x = np.asarray(x, dtype=float)
        if self.kernel_code == KERNEL_NORMAL:
            return (x - self.kernel_params[0]) / self.kernel_params[1]
        if self.kernel_code == KERNEL_LOGNORMAL:
            with np.errstate(divide="ignore", invalid="ignore"):
                return (np.log(x) - self.kernel_params[0]) / self.kernel_params[1]
        cdf, sf = self.dist.cdf(x), self.dist.sf(x)
        return np.where(cdf < 0.5, special.ndtri(cdf), -special.ndtri(sf))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return f"RandomVariable({self.name!r}, {self.distribution!r}, {params})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_variable, (self.name, self.distribution, self.params, self.where))


def _rebuild_variable(name: str, distribution: str, params: dict[str, float], where: str) -> RandomVariable:
    return RandomVariable(name, distribution, where=where, **params)


def _number(where: str, field: str, value: Any, allow_infinite: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"{where}{field}: expected a number, got {value!r}")
    v = float(value)
    if math.isnan(v) or not (allow_infinite or math.isfinite(v)):
        raise InputError(f"{where}{field}: must be finite, got {v!r}")
    return v


# -------------------------------------------------------------------- Nataf
_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(64)
_GH_WEIGHTS = _GH_WEIGHTS / math.sqrt(2.0 * math.pi)


def nataf_correlation(a: RandomVariable, b: RandomVariable, rho: float) -> float:
    """Correlation of the Gaussian copula that gives correlation ``rho`` between ``a`` and ``b``.

    Solves ``rho = E[(Xa - ma)(Xb - mb)] / (sa sb)`` with ``(Za, Zb)`` standard bivariate normal
    of correlation ``rho_z`` (2-D Gauss-Hermite quadrature, 64 x 64 nodes, and ``brentq``).

    Examples
    --------
    >>> a = RandomVariable("a", "lognormal", mean=1.0, std=0.5)
    >>> b = RandomVariable("b", "lognormal", mean=1.0, std=0.5)
    >>> round(nataf_correlation(a, b, 0.5), 4)
    0.5278
    """
    if a.kernel_code == KERNEL_NORMAL and b.kernel_code == KERNEL_NORMAL or rho == 0.0:
        return float(rho)
    u1, u2 = np.meshgrid(_GH_NODES, _GH_NODES, indexing="ij")
    w = np.outer(_GH_WEIGHTS, _GH_WEIGHTS)
    xa = (a.from_u(u1) - a.mean) / a.std

    def gap(rho_z: float) -> float:
        zb = rho_z * u1 + math.sqrt(max(1.0 - rho_z * rho_z, 0.0)) * u2
        xb = (b.from_u(zb) - b.mean) / b.std
        return float(np.sum(w * xa * xb)) - rho

    lo, hi = -0.999999, 0.999999
    g_lo, g_hi = gap(lo), gap(hi)
    if not (g_lo <= 0.0 <= g_hi):
        reach = (g_lo + rho, g_hi + rho)
        raise InputError(f"correlation({a.name}, {b.name}): {rho} cannot be reached with these marginals "
                         f"(a Gaussian copula gives correlations in [{reach[0]:.4f}, {reach[1]:.4f}])")
    return float(optimize.brentq(gap, lo, hi, xtol=1e-12))


class Nataf:
    """Marginals joined by a Gaussian copula: the map between standard-normal ``u`` and ``x``.

    Parameters
    ----------
    variables : sequence of RandomVariable
    correlation : (d, d) array_like, optional
        Correlation matrix of the physical variables (identity when omitted).

    Attributes
    ----------
    z_correlation : ndarray
        Corrected correlation of the copula's normal variables.
    cholesky : ndarray
        Lower Cholesky factor of ``z_correlation``.

    Examples
    --------
    >>> n = Nataf([RandomVariable("a", "normal", mean=0, std=1), RandomVariable("b", "uniform", lower=0, upper=1)])
    >>> n.u_to_x(np.array([[0.0, 0.0]])).round(3).tolist()
    [[0.0, 0.5]]
    """

    def __init__(self, variables: Sequence[RandomVariable], correlation: Any = None) -> None:
        self.variables = tuple(variables)
        d = len(self.variables)
        if correlation is None:
            rx = np.eye(d)
        else:
            rx = np.array(correlation, dtype=float)
            if rx.shape != (d, d):
                raise InputError(f"correlation: expected a {d} x {d} matrix, got shape {rx.shape}")
            if not np.all(np.isfinite(rx)) or not np.allclose(rx, rx.T, atol=1e-12) or not np.allclose(np.diag(rx), 1.0):
                raise InputError("correlation: must be symmetric with ones on the diagonal and finite entries")
            if np.any(np.abs(rx[~np.eye(d, dtype=bool)]) >= 1.0):
                raise InputError("correlation: off-diagonal entries must lie strictly between -1 and 1")
        _require_positive_definite(rx, "correlation")
        self.x_correlation = rx
        rz = np.eye(d)
        for i in range(d):
            for j in range(i + 1, d):
                if rx[i, j] != 0.0:
                    rz[i, j] = rz[j, i] = nataf_correlation(self.variables[i], self.variables[j], rx[i, j])
        self.z_correlation = rz
        self.cholesky = _require_positive_definite(rz, "correlation (after the Nataf correction for non-normal marginals)")
        self.is_independent = bool(np.all(rz == np.eye(d)))

    def u_to_x(self, u: np.ndarray) -> np.ndarray:
        """Physical values ``(n, d)`` for independent standard-normal ``u`` ``(n, d)``."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        z = u if self.is_independent else u @ self.cholesky.T
        return np.column_stack([v.from_u(z[:, j]) for j, v in enumerate(self.variables)]) if len(self.variables) else z

    def x_to_u(self, x: np.ndarray) -> np.ndarray:
        """Independent standard-normal values ``(n, d)`` for physical values ``x`` ``(n, d)``."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        z = np.column_stack([v.to_u(x[:, j]) for j, v in enumerate(self.variables)])
        if self.is_independent:
            return z
        from scipy.linalg import solve_triangular

        return solve_triangular(self.cholesky, z.T, lower=True).T


def _require_positive_definite(matrix: np.ndarray, field: str) -> np.ndarray:
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        smallest = float(np.linalg.eigvalsh(matrix).min())
        raise InputError(f"{field}: matrix is not positive definite (smallest eigenvalue {smallest:.4g})") from None


def correlation_from_pairs(names: Sequence[str], pairs: Any, where: str = "correlation.pairs") -> np.ndarray:
    """Build a correlation matrix from ``[[name_a, name_b, rho], ...]``.

    Examples
    --------
    >>> correlation_from_pairs(["R", "S"], [["R", "S", 0.3]]).tolist()
    [[1.0, 0.3], [0.3, 1.0]]
    """
    index = {n: i for i, n in enumerate(names)}
    matrix = np.eye(len(names))
    if isinstance(pairs, Mapping) or not isinstance(pairs, (list, tuple)):
        raise InputError(f"{where}: expected a list of [name, name, correlation], got {pairs!r}")
    seen: set[tuple[int, int]] = set()
    for k, pair in enumerate(pairs):
        here = f"{where}[{k}]"
        if not isinstance(pair, (list, tuple)) or len(pair) != 3:
            raise InputError(f"{here}: expected [name, name, correlation], got {pair!r}")
        a, b, rho = pair
        for name in (a, b):
            if name not in index:
                raise InputError(f"{here}: unknown variable {name!r}; variables are {', '.join(names)}")
        if a == b:
            raise InputError(f"{here}: a variable cannot be correlated with itself ({a!r})")
        rho = _number(f"{here}", "", rho) if not isinstance(rho, bool) and isinstance(rho, (int, float)) else _bad_rho(here, rho)
        if not -1.0 < rho < 1.0:
            raise InputError(f"{here}: correlation must lie strictly between -1 and 1, got {rho!r}")
        i, j = sorted((index[a], index[b]))
        if (i, j) in seen:
            raise InputError(f"{here}: the pair ({a}, {b}) is given twice")
        seen.add((i, j))
        matrix[i, j] = matrix[j, i] = rho
    return matrix


def _bad_rho(where: str, value: Any) -> float:
    raise InputError(f"{where}: correlation must be a number, got {value!r}")


__all__ = ["RandomVariable", "Nataf", "nataf_correlation", "correlation_from_pairs"]
