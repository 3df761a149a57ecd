"""Life distributions for fitting: log-densities, survivor functions and parameter maps.

Each family maps its natural parameters (``eta``, ``beta``, ...) to an unconstrained vector
for the optimizer (logarithms of positive parameters; for the 3-parameter Weibull the location
is ``gamma = t_first - exp(s)`` so it stays below the first failure) and gives ``logpdf``,
``logsf``, ``logcdf``, ``cdf``, ``quantile`` and ``mean``.

=============== ============================== ===========================================
name            parameters                     F(t)
=============== ============================== ===========================================
exponential     rate                           1 - exp(-rate t)
weibull         eta (scale), beta (shape)      1 - exp(-(t/eta)^beta)
weibull3        eta, beta, gamma (location)    1 - exp(-((t-gamma)/eta)^beta)
lognormal       mu, sigma (of ln t)            Phi((ln t - mu)/sigma)
normal          mu, sigma                      Phi((t - mu)/sigma)
gamma           k (shape), theta (scale)       P(k, t/theta)
loglogistic     alpha (scale), beta (shape)    1/(1 + (t/alpha)^-beta)
=============== ============================== ===========================================

Examples
--------
>>> w = FAMILIES["weibull"]
>>> round(float(w.mean(np.array([1000.0, 2.0]))), 2)   # BENCHMARKS.md B8
886.23
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats


def _log1mexp(x: np.ndarray) -> np.ndarray:
    """log(1 - exp(x)) for x <= 0, accurate on both ends."""
    x = np.minimum(x, 0.0)
    with np.errstate(divide="ignore"):
        return np.where(x > -0.693, np.log(-np.expm1(x)), np.log1p(-np.exp(x)))


class Family:
    """Base class; subclasses fill in the distribution functions."""

    name = ""
    params: tuple[str, ...] = ()
    positive: tuple[bool, ...] = ()
    #: link used for bounds on reliability: "cloglog", "probit" or "logit"
    link = "logit"
    positive_support = True

    def to_free(self, p: np.ndarray, ctx: dict) -> np.ndarray:
        return np.array([np.log(v) if pos else v for v, pos in zip(p, self.positive)])

    def from_free(self, z: np.ndarray, ctx: dict) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.array([np.exp(v) if pos else v for v, pos in zip(z, self.positive)])

    def logsf(self, t, p):
        return _log1mexp(self.logcdf(t, p))

    def logcdf(self, t, p):
        return _log1mexp(self.logsf(t, p))

    def cdf(self, t, p):
        return np.exp(self.logcdf(t, p))

    def sf(self, t, p):
        return np.exp(self.logsf(t, p))


class Exponential(Family):
    name, params, positive, link = "exponential", ("rate",), (True,), "cloglog"

    def logpdf(self, t, p):
        return np.log(p[0]) - p[0] * t

    def logsf(self, t, p):
        return -p[0] * np.asarray(t, float)

    def quantile(self, q, p):
        return -np.log1p(-q) / p[0]

    def mean(self, p):
        return 1.0 / p[0]

    def start(self, t, w):
        return np.array([np.sum(w) / np.sum(w * t)])


class Weibull(Family):
    name, params, positive, link = "weibull", ("eta", "beta"), (True, True), "cloglog"

    def _z(self, t, p):
        return np.maximum(np.asarray(t, float), 0.0) / p[0]

    def logpdf(self, t, p):
        z = self._z(t, p)
        with np.errstate(divide="ignore"):
            return np.log(p[1] / p[0]) + (p[1] - 1) * np.log(z) - z ** p[1]

    def logsf(self, t, p):
        return -self._z(t, p) ** p[1]

    def quantile(self, q, p):
        return p[0] * (-np.log1p(-q)) ** (1 / p[1])

    def loglik_gradient(self, z: np.ndarray, data) -> np.ndarray:
        """Analytic gradient of the log-likelihood in the free parameters (ln eta, ln beta).

        With ``u = beta (ln t - ln eta)`` the cumulative hazard is ``e^u``; each censoring type
        contributes ``d l/du`` times ``du/d ln eta = -beta`` and ``du/d ln beta = u``.
        """
        a, beta = z[0], np.exp(z[1])
        ga = gb = 0.0
        with np.errstate(all="ignore"):
            if data.failures.size:
                u = beta * (np.log(data.failures) - a)
                d = 1 - np.exp(u)
                ga += data.failure_counts @ (-beta * d)
                gb += data.failure_counts @ (1 + d * u)
            if data.right_censored.size:
                u = beta * (np.log(data.right_censored) - a)
                d = -np.exp(u)
                ga += data.right_counts @ (-beta * d)
                gb += data.right_counts @ (d * u)
            if data.left_censored.size:
                u = beta * (np.log(data.left_censored) - a)
                d = np.exp(u) / np.expm1(np.exp(u))
                ga += data.left_counts @ (-beta * d)
                gb += data.left_counts @ (d * u)
            if data.interval_counts.size:
                ul = beta * (np.log(data.interval_lower) - a)
                uh = beta * (np.log(data.interval_upper) - a)
                sl, sh = np.exp(-np.exp(ul)), np.exp(-np.exp(uh))
                dl, dh = -np.exp(ul) * sl, -np.exp(uh) * sh  # dS/du, zero at t = 0
                dl = np.where(data.interval_lower > 0, dl, 0.0)
                ul = np.where(data.interval_lower > 0, ul, 0.0)
                den = sl - sh
                ga += data.interval_counts @ (-beta * (dl - dh) / den)
                gb += data.interval_counts @ ((dl * ul - dh * uh) / den)
        return np.array([ga, gb])

    def mean(self, p):
        return p[0] * special.gamma(1 + 1 / p[1])

    def start(self, t, w):
        lt = np.log(t)
        s = np.sqrt(np.cov(lt, aweights=w)) if len(t) > 1 else 1.0
        beta = 1.2825 / max(s, 1e-3)
        return np.array([np.exp(np.average(lt, weights=w) + 0.5772 / beta), beta])


class Weibull3(Weibull):
    name, params, positive, link = "weibull3", ("eta", "beta", "gamma"), (True, True, False), "cloglog"

    def to_free(self, p, ctx):
        return np.array([np.log(p[0]), np.log(p[1]), np.log(ctx["t_first"] - p[2])])

    def from_free(self, z, ctx):
        return np.array([np.exp(z[0]), np.exp(z[1]), ctx["t_first"] - np.exp(z[2])])

    def _z(self, t, p):
        return np.maximum(np.asarray(t, float) - p[2], 0.0) / p[0]

    def quantile(self, q, p):
        return p[2] + super().quantile(q, p)

    def mean(self, p):
        return p[2] + super().mean(p)

    def start(self, t, w):
        spread = np.ptp(t) if len(t) > 1 else t[0]
        gamma = t.min() - 0.1 * max(spread, 1e-9)
        eta, beta = Weibull.start(self, np.maximum(t - gamma, 1e-12), w)
        return np.array([eta, beta, gamma])


def _location_scale_gradient(z: np.ndarray, data, transform) -> np.ndarray:
    """Gradient of a (log-)normal log-likelihood in the free parameters (mu, ln sigma).

    ``u = (transform(t) - mu)/sigma``; ``du/dmu = -1/sigma``, ``du/d ln sigma = -u``.
    Exact times add ``-u du - d ln sigma``; right, left and interval censoring use the
    normal hazard ratios.
    """
    mu, sigma = z[0], np.exp(z[1])
    g_mu = g_ls = 0.0
    with np.errstate(all="ignore"):
        def u_of(t):
            return (transform(t) - mu) / sigma

        if data.failures.size:
            u = u_of(data.failures)
            g_mu += data.failure_counts @ (u / sigma)
            g_ls += data.failure_counts @ (u * u - 1)
        if data.right_censored.size:
            u = u_of(data.right_censored)
            d = -np.exp(stats.norm.logpdf(u) - special.log_ndtr(-u))
            g_mu += data.right_counts @ (-d / sigma)
            g_ls += data.right_counts @ (-d * u)
        if data.left_censored.size:
            u = u_of(data.left_censored)
            d = np.exp(stats.norm.logpdf(u) - special.log_ndtr(u))
            g_mu += data.left_counts @ (-d / sigma)
            g_ls += data.left_counts @ (-d * u)
        if data.interval_counts.size:
            ul, uh = u_of(data.interval_lower), u_of(data.interval_upper)
            pl, ph = stats.norm.pdf(ul), stats.norm.pdf(uh)
            ul_pl = np.where(np.isfinite(ul), ul * pl, 0.0)
            den = special.ndtr(uh) - special.ndtr(ul)
            g_mu += data.interval_counts @ (-(ph - pl) / sigma / den)
            g_ls += data.interval_counts @ (-(uh * ph - ul_pl) / den)
    return np.array([g_mu, g_ls])


class Lognormal(Family):
    name, params, positive, link = "lognormal", ("mu", "sigma"), (False, True), "probit"

    def _u(self, t, p):
        with np.errstate(divide="ignore"):
            return (np.log(np.asarray(t, float)) - p[0]) / p[1]

    def logpdf(self, t, p):
        u = self._u(t, p)
        with np.errstate(divide="ignore"):
            return -0.5 * u * u - 0.5 * np.log(2 * np.pi) - np.log(p[1] * t)

    def logsf(self, t, p):
        return special.log_ndtr(-self._u(t, p))

    def logcdf(self, t, p):
        return special.log_ndtr(self._u(t, p))

    def quantile(self, q, p):
        return np.exp(p[0] + p[1] * special.ndtri(q))

    def mean(self, p):
        return np.exp(p[0] + 0.5 * p[1] ** 2)

    def loglik_gradient(self, z: np.ndarray, data) -> np.ndarray:
        """Analytic gradient of the log-likelihood in (mu, ln sigma)."""
        return _location_scale_gradient(z, data, np.log)

    def start(self, t, w):
        lt = np.log(t)
        s = np.sqrt(np.cov(lt, aweights=w)) if len(t) > 1 else 1.0
        return np.array([np.average(lt, weights=w), max(s, 1e-3)])


class Normal(Family):
    name, params, positive, link = "normal", ("mu", "sigma"), (False, True), "probit"
    positive_support = False

    def logpdf(self, t, p):
        u = (t - p[0]) / p[1]
        return -0.5 * u * u - 0.5 * np.log(2 * np.pi) - np.log(p[1])

    def logsf(self, t, p):
        return special.log_ndtr(-(np.asarray(t, float) - p[0]) / p[1])

    def logcdf(self, t, p):
        return special.log_ndtr((np.asarray(t, float) - p[0]) / p[1])

    def quantile(self, q, p):
        return p[0] + p[1] * special.ndtri(q)

    def mean(self, p):
        return p[0]

    def loglik_gradient(self, z: np.ndarray, data) -> np.ndarray:
        """Analytic gradient of the log-likelihood in (mu, ln sigma)."""
        return _location_scale_gradient(z, data, lambda t: np.asarray(t, float))

    def start(self, t, w):
        s = np.sqrt(np.cov(t, aweights=w)) if len(t) > 1 else abs(t[0]) / 2 + 1e-9
        return np.array([np.average(t, weights=w), max(s, 1e-9 * (abs(t).max() + 1))])


class Gamma(Family):
    name, params, positive, link = "gamma", ("k", "theta"), (True, True), "logit"

    def logpdf(self, t, p):
        with np.errstate(divide="ignore"):
            return (p[0] - 1) * np.log(t) - t / p[1] - special.gammaln(p[0]) - p[0] * np.log(p[1])

    def logsf(self, t, p):
        with np.errstate(divide="ignore"):
            return np.log(special.gammaincc(p[0], np.asarray(t, float) / p[1]))

    def logcdf(self, t, p):
        with np.errstate(divide="ignore"):
            return np.log(special.gammainc(p[0], np.asarray(t, float) / p[1]))

    def quantile(self, q, p):
        return p[1] * special.gammaincinv(p[0], q)

    def mean(self, p):
        return p[0] * p[1]

    def start(self, t, w):
        m = np.average(t, weights=w)
        v = np.cov(t, aweights=w) if len(t) > 1 else m * m
        k = max(m * m / max(v, 1e-12 * m * m), 1e-2)
        return np.array([k, m / k])


class Loglogistic(Family):
    name, params, positive, link = "loglogistic", ("alpha", "beta"), (True, True), "logit"

    def _y(self, t, p):
        with np.errstate(divide="ignore"):
            return p[1] * (np.log(np.asarray(t, float)) - np.log(p[0]))

    def logpdf(self, t, p):
        y = self._y(t, p)
        with np.errstate(divide="ignore"):
            return np.log(p[1]) - np.log(t) + y - 2 * np.logaddexp(0.0, y)

    def logsf(self, t, p):
        return -np.logaddexp(0.0, self._y(t, p))

    def logcdf(self, t, p):
        return -np.logaddexp(0.0, -self._y(t, p))

    def quantile(self, q, p):
        return p[0] * (q / (1 - q)) ** (1 / p[1])

    def mean(self, p):
        b = p[1]
        return p[0] * (np.pi / b) / np.sin(np.pi / b) if b > 1 else np.inf

    def start(self, t, w):
        lt = np.log(t)
        s = np.sqrt(np.cov(lt, aweights=w)) if len(t) > 1 else 1.0
        return np.array([np.exp(np.average(lt, weights=w)), np.pi / np.sqrt(3) / max(s, 1e-3)])


FAMILIES: dict[str, Family] = {f.name: f for f in (Exponential(), Weibull(), Weibull3(), Lognormal(), Normal(), Gamma(), Loglogistic())}


def link_forward(link: str, r: np.ndarray) -> np.ndarray:
    """Map reliability R in (0, 1) to the real line (the scale bounds are taken on)."""
    r = np.asarray(r, float)
    if link == "cloglog":
        return np.log(-np.log(r))
    if link == "probit":
        return -special.ndtri(r)
    return np.log((1 - r) / r)


def link_inverse(link: str, u: np.ndarray) -> np.ndarray:
    """Inverse of :func:`link_forward`: reliability from the linked value."""
    u = np.asarray(u, float)
    if link == "cloglog":
        return np.exp(-np.exp(u))
    if link == "probit":
        return stats.norm.sf(u)
    return 1.0 / (1.0 + np.exp(u))
