"""Basic-event models as Open-PSA MEF expressions, evaluated by a small interpreter.

An expression is a tree of :class:`Expr` nodes read from MEF XML (or built in Python):
constants, named parameters (``define-parameter``), the mission time, arithmetic
(``add``, ``mul``, ``exp``, ...), the built-in reliability models and the random deviates used
for uncertainty analysis. Nothing is ever passed to ``eval``.

Built-in models (MEF 0.9, section 7.6) with their probability ``Q(t)`` and their unconditional
failure intensity ``w(t)`` (failures per unit time, used for the top event's frequency):

============================  =====================================================  ===================
model                         Q(t)                                                   w(t)
============================  =====================================================  ===================
exponential(λ, t)             1 - exp(-λt)                                           λ(1 - Q)
GLM(γ, λ, μ, t)               (λ - (λ - γ(λ+μ)) exp(-(λ+μ)t)) / (λ+μ)               λ(1 - Q)
Weibull(α, β, t0, t)          1 - exp(-((t - t0)/α)^β) for t > t0, else 0            f(t) = dQ/dt
periodic-test(λ, τ, θ, t)     1 - exp(-λ s), s = t if t <= θ else (t - θ) mod τ      λ(1 - Q)
============================  =====================================================  ===================

Deviates evaluate to their mean for point estimates and to random samples in
:class:`Context` with a generator (lognormal by mean, error factor and level, normal, uniform,
beta, gamma, histogram).

Examples
--------
>>> e = Builtin("exponential", (Const(1e-3), MissionTime()))
>>> round(e.evaluate(Context(time=100.0)), 6)
0.095163
>>> round(failure_intensity(e, Context(time=100.0)), 8)
0.00090484
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from youzhi.errors import ModelError

Value = Any  # a float, or an ndarray of samples


@dataclass
class Context:
    """What an expression needs to be evaluated.

    Parameters
    ----------
    time : float or ndarray
        The mission time (``system-mission-time``); an array evaluates over a time grid.
    parameters : mapping
        ``define-parameter`` name -> expression.
    rng : numpy.random.Generator or None
        When given, deviates draw ``n`` samples; otherwise they give their mean.
    n : int
        Number of samples drawn by each deviate when ``rng`` is given.
    """

    time: Value = 8760.0
    parameters: Mapping[str, "Expr"] = field(default_factory=dict)
    rng: np.random.Generator | None = None
    n: int = 1
    cache: dict = field(default_factory=dict)

    def parameter(self, name: str) -> Value:
        if name in self.cache:
            return self.cache[name]
        if name not in self.parameters:
            raise ModelError(f"parameter {name!r} is not defined (define-parameter)")
        self.cache[name] = None  # cycle guard
        value = self.parameters[name].evaluate(self)
        self.cache[name] = value
        return value


class Expr:
    """Base class of expression nodes: ``evaluate(ctx)`` gives a float or a sample array."""

    def evaluate(self, ctx: Context) -> Value:  # pragma: no cover - abstract
        raise NotImplementedError

    def children(self) -> Sequence["Expr"]:
        return ()


@dataclass(frozen=True)
class Const(Expr):
    """A numeric constant (``float``, ``int`` or ``bool`` in MEF)."""

    value: float
    kind: str = "float"

    def evaluate(self, ctx: Context) -> Value:
        return float(self.value)


@dataclass(frozen=True)
class Param(Expr):
    """A reference to a ``define-parameter`` (its unit, if any, is ignored)."""

    name: str

    def evaluate(self, ctx: Context) -> Value:
        value = ctx.parameter(self.name)
        if value is None:
            raise ModelError(f"parameter {self.name!r} is defined in terms of itself (a cycle)")
        return value


@dataclass(frozen=True)
class MissionTime(Expr):
    """The ``system-mission-time`` (``Context.time``)."""

    def evaluate(self, ctx: Context) -> Value:
        return ctx.time


def _nary(fn):
    def apply(*xs):
        out = xs[0]
        for x in xs[1:]:
            out = fn(out, x)
        return out
    return apply


#: Arithmetic operators: name -> (minimum arity, maximum arity or None, function).
OPERATORS: dict[str, tuple[int, int | None, Any]] = {
    "neg": (1, 1, lambda a: -a),
    "add": (2, None, _nary(lambda a, b: a + b)),
    "sub": (2, None, _nary(lambda a, b: a - b)),
    "mul": (2, None, _nary(lambda a, b: a * b)),
    "div": (2, None, _nary(lambda a, b: a / b)),
    "abs": (1, 1, np.abs),
    "exp": (1, 1, np.exp),
    "log": (1, 1, np.log),
    "log10": (1, 1, np.log10),
    "sqrt": (1, 1, np.sqrt),
    "pow": (2, 2, np.power),
    "sin": (1, 1, np.sin),
    "cos": (1, 1, np.cos),
    "tan": (1, 1, np.tan),
    "floor": (1, 1, np.floor),
    "ceil": (1, 1, np.ceil),
    "min": (1, None, _nary(np.minimum)),
    "max": (1, None, _nary(np.maximum)),
    "mean": (1, None, lambda *xs: sum(xs) / len(xs)),
    "ite": (3, 3, lambda c, a, b: np.where(np.asarray(c) != 0, a, b)),
}


@dataclass(frozen=True)
class Op(Expr):
    """An arithmetic operator over sub-expressions (MEF numerical operations)."""

    name: str
    args: tuple[Expr, ...]

    def __post_init__(self) -> None:
        if self.name not in OPERATORS:
            raise ModelError(f"unknown operation <{self.name}>; accepted: {', '.join(sorted(OPERATORS))}")
        lo, hi, _ = OPERATORS[self.name]
        if len(self.args) < lo or (hi is not None and len(self.args) > hi):
            raise ModelError(f"<{self.name}> takes {lo}{'' if hi == lo else '+' if hi is None else f'..{hi}'} arguments, got {len(self.args)}")

    def children(self) -> Sequence[Expr]:
        return self.args

    def evaluate(self, ctx: Context) -> Value:
        with np.errstate(all="ignore"):
            out = OPERATORS[self.name][2](*(a.evaluate(ctx) for a in self.args))
        return out if np.ndim(out) else float(out)


def _exponential(lam, t):
    return -np.expm1(-lam * t)


def _glm(gamma, lam, mu, t):
    s = lam + mu
    if np.all(np.asarray(s) == 0):
        return gamma + 0.0 * t
    with np.errstate(all="ignore"):
        q = (lam - (lam - gamma * s) * np.exp(-s * t)) / s
    return np.where(np.asarray(s) == 0, gamma, q)


def _weibull(alpha, beta, t0, t):
    dt = np.maximum(np.asarray(t, dtype=float) - t0, 0.0)
    with np.errstate(all="ignore"):
        return -np.expm1(-((dt / alpha) ** beta))


def _time_since_test(tau, theta, t):
    t = np.asarray(t, dtype=float)
    with np.errstate(all="ignore"):
        after = np.mod(t - theta, tau)
    return np.where(t <= theta, t, after)


def _periodic_test(lam, tau, theta, t):
    return -np.expm1(-lam * _time_since_test(tau, theta, t))


#: Built-in models: name -> (number of arguments, probability function).
BUILTINS: dict[str, tuple[int, Any]] = {
    "exponential": (2, _exponential),
    "GLM": (4, _glm),
    "Weibull": (4, _weibull),
    "periodic-test": (4, _periodic_test),
}

#: Argument names for messages and checks; every one must be >= 0 (alpha, tau > 0).
BUILTIN_ARGS = {
    "exponential": ("lambda", "t"),
    "GLM": ("gamma", "lambda", "mu", "t"),
    "Weibull": ("alpha", "beta", "t0", "t"),
    "periodic-test": ("lambda", "tau", "theta", "t"),
}


@dataclass(frozen=True)
class Builtin(Expr):
    """A built-in reliability model (exponential, GLM, Weibull, periodic-test)."""

    name: str
    args: tuple[Expr, ...]

    def __post_init__(self) -> None:
        if self.name not in BUILTINS:
            raise ModelError(f"unknown model <{self.name}>; accepted: {', '.join(BUILTINS)}")
        if len(self.args) != BUILTINS[self.name][0]:
            extra = " (only the 4-argument form of periodic-test is supported)" if self.name == "periodic-test" else ""
            raise ModelError(f"<{self.name}> takes {BUILTINS[self.name][0]} arguments ({', '.join(BUILTIN_ARGS[self.name])}), got {len(self.args)}{extra}")

    def children(self) -> Sequence[Expr]:
        return self.args

    def values(self, ctx: Context) -> list[Value]:
        vals = [a.evaluate(ctx) for a in self.args]
        for name, v in zip(BUILTIN_ARGS[self.name], vals):
            if np.any(np.asarray(v) < 0):
                raise ModelError(f"<{self.name}> argument {name} must be >= 0, got {np.min(v)}")
        if self.name == "Weibull" and np.any(np.asarray(vals[0]) <= 0):
            raise ModelError(f"<Weibull> argument alpha must be > 0, got {np.min(vals[0])}")
        if self.name == "periodic-test" and np.any(np.asarray(vals[1]) <= 0):
            raise ModelError(f"<periodic-test> argument tau must be > 0, got {np.min(vals[1])}")
        return vals

    def evaluate(self, ctx: Context) -> Value:
        out = BUILTINS[self.name][1](*self.values(ctx))
        return out if np.ndim(out) else float(out)

    def intensity(self, ctx: Context) -> Value:
        """Unconditional failure intensity w(t) of the model (see the module table)."""
        vals = self.values(ctx)
        if self.name == "Weibull":
            alpha, beta, t0, t = vals
            dt = np.maximum(np.asarray(t, dtype=float) - t0, 0.0)
            with np.errstate(all="ignore"):
                hazard = np.where(dt > 0, beta / alpha * (dt / alpha) ** (beta - 1), 0.0)
            out = hazard * (1.0 - _weibull(*vals))
        else:
            out = vals[BUILTIN_ARGS[self.name].index("lambda")] * (1.0 - BUILTINS[self.name][1](*vals))
        return out if np.ndim(out) else float(out)

    def repairable(self, ctx: Context) -> bool:
        """True for GLM with mu > 0 and for periodically tested components."""
        if self.name == "GLM":
            return bool(np.all(np.asarray(self.args[2].evaluate(Context(parameters=ctx.parameters))) > 0))
        return self.name == "periodic-test"


def _normal_quantile(level: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(level))


@dataclass(frozen=True)
class Deviate(Expr):
    """A random deviate: its mean for point estimates, samples under a generator.

    ``lognormal-deviate(mean, error_factor, level)`` has ``sigma = ln(EF) / z(level)`` and
    ``mu = ln(mean) - sigma**2 / 2`` (as SCRAM); the 2-argument form is ``(mu, sigma)`` of the
    underlying normal. ``gamma-deviate(k, theta)``, ``beta-deviate(alpha, beta)``,
    ``normal-deviate(mean, sd)``, ``uniform-deviate(min, max)``.
    """

    name: str
    args: tuple[Expr, ...]

    ARITY = {"uniform-deviate": (2,), "normal-deviate": (2,), "lognormal-deviate": (2, 3),
             "gamma-deviate": (2,), "beta-deviate": (2,)}

    def __post_init__(self) -> None:
        if self.name not in self.ARITY:
            raise ModelError(f"unknown deviate <{self.name}>; accepted: {', '.join(self.ARITY)}, histogram")
        if len(self.args) not in self.ARITY[self.name]:
            raise ModelError(f"<{self.name}> takes {' or '.join(map(str, self.ARITY[self.name]))} arguments, got {len(self.args)}")

    def children(self) -> Sequence[Expr]:
        return self.args

    def _params(self, ctx: Context) -> list[float]:
        point = Context(time=ctx.time, parameters=ctx.parameters)  # deviate parameters: point values
        vals = [float(np.mean(a.evaluate(point))) for a in self.args]
        name = self.name
        if name == "lognormal-deviate" and len(vals) == 3:
            mean, ef, level = vals
            if mean <= 0 or ef < 1 or not 0 < level < 1:
                raise ModelError(f"<lognormal-deviate> needs mean > 0, error factor >= 1, 0 < level < 1, got {vals}")
            sigma = math.log(ef) / _normal_quantile(level)
            return [math.log(mean) - sigma**2 / 2, sigma]
        if name in ("normal-deviate", "lognormal-deviate") and vals[1] < 0:
            raise ModelError(f"<{name}> needs a standard deviation >= 0, got {vals[1]}")
        if name == "uniform-deviate" and vals[0] > vals[1]:
            raise ModelError(f"<uniform-deviate> needs min <= max, got {vals}")
        if name in ("gamma-deviate", "beta-deviate") and min(vals) <= 0:
            raise ModelError(f"<{name}> needs positive parameters, got {vals}")
        return vals

    def mean(self, ctx: Context) -> float:
        a, b = self._params(ctx)
        if self.name == "lognormal-deviate":
            if a + b * b / 2 > 709.0:  # past the largest float
                raise ModelError(f"<lognormal-deviate> mean exp({a} + {b}^2 / 2) is beyond the largest float")
            return math.exp(a + b * b / 2)
        return {"uniform-deviate": (a + b) / 2, "normal-deviate": a, "gamma-deviate": a * b,
                "beta-deviate": a / (a + b)}[self.name]

    def evaluate(self, ctx: Context) -> Value:
        if ctx.rng is None:
            return self.mean(ctx)
        key = ("deviate", id(self))
        if key not in ctx.cache:
            a, b = self._params(ctx)
            rng, n = ctx.rng, ctx.n
            ctx.cache[key] = {"uniform-deviate": lambda: rng.uniform(a, b, n),
                              "normal-deviate": lambda: rng.normal(a, b, n),
                              "lognormal-deviate": lambda: rng.lognormal(a, b, n),
                              "gamma-deviate": lambda: rng.gamma(a, b, n),
                              "beta-deviate": lambda: rng.beta(a, b, n)}[self.name]()
        return ctx.cache[key]


@dataclass(frozen=True)
class Histogram(Expr):
    """``histogram``: a lower boundary and bins ``(upper boundary, weight)``; uniform within a bin."""

    lower: Expr
    bins: tuple[tuple[Expr, Expr], ...]

    def children(self) -> Sequence[Expr]:
        return (self.lower,) + tuple(x for b in self.bins for x in b)

    def _table(self, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        point = Context(time=ctx.time, parameters=ctx.parameters)
        edges = np.array([float(self.lower.evaluate(point))] + [float(u.evaluate(point)) for u, _ in self.bins])
        weights = np.array([float(w.evaluate(point)) for _, w in self.bins])
        if len(weights) == 0 or np.any(np.diff(edges) <= 0) or np.any(weights < 0) or weights.sum() <= 0:
            raise ModelError("<histogram> needs increasing boundaries and non-negative weights with a positive sum")
        return edges, weights / weights.sum()

    def evaluate(self, ctx: Context) -> Value:
        edges, w = self._table(ctx)
        if ctx.rng is None:
            return float(np.sum(w * (edges[:-1] + edges[1:]) / 2))
        key = ("deviate", id(self))
        if key not in ctx.cache:
            k = ctx.rng.choice(len(w), size=ctx.n, p=w)
            ctx.cache[key] = ctx.rng.uniform(edges[k], edges[k + 1])
        return ctx.cache[key]


def walk(expr: Expr):
    """Every node of an expression tree, depth first."""
    yield expr
    for child in expr.children():
        yield from walk(child)


def probability(expr: Expr, ctx: Context, name: str = "expression") -> Value:
    """Evaluate ``expr`` as a probability; a value outside [0, 1] is a :class:`ModelError`."""
    value = expr.evaluate(ctx)
    arr = np.asarray(value, dtype=float)
    bad = ~((arr >= 0) & (arr <= 1))
    if np.any(bad):
        raise ModelError(f"basic event {name!r}: probability must be in [0, 1], got {float(arr[bad].flat[0])!r}")
    return value


def failure_intensity(expr: Expr, ctx: Context, step: float = 1e-6) -> Value:
    """Unconditional failure intensity w(t) of a basic event.

    Built-in models use their closed form (module table); any other expression of the mission
    time uses the derivative dQ/dt (exact for non-repairable events), by central differences;
    a constant gives 0.
    """
    if isinstance(expr, Builtin):
        return expr.intensity(ctx)
    if not depends_on_time(expr, ctx):
        return np.zeros(np.shape(ctx.time)) if np.ndim(ctx.time) else 0.0
    scaled = _time_factor(expr, ctx)
    if scaled is not None:  # c * Q(t): w = c * w_Q (a CCF share of a repairable model, for one)
        factor, constant = scaled
        return constant * np.asarray(failure_intensity(factor, ctx))
    t = np.asarray(ctx.time, dtype=float)
    h = step * np.maximum(np.abs(t), 1.0)
    lo = np.maximum(t - h, 0.0)
    up = Context(time=t + h, parameters=ctx.parameters)
    dn = Context(time=lo, parameters=ctx.parameters)
    return (np.asarray(expr.evaluate(up)) - np.asarray(expr.evaluate(dn))) / (t + h - lo)


def depends_on_time(expr: Expr, ctx: Context, seen: set | None = None) -> bool:
    """True when the expression uses the mission time (directly or through parameters)."""
    seen = set() if seen is None else seen
    for node in walk(expr):
        if isinstance(node, MissionTime):
            return True
        if isinstance(node, Param) and node.name not in seen and node.name in ctx.parameters:
            seen.add(node.name)
            if depends_on_time(ctx.parameters[node.name], ctx, seen):
                return True
    return False


def is_repairable(expr: Expr, ctx: Context) -> bool:
    """True for a basic event modelled by GLM with mu > 0 or by a periodic test, or a constant times one."""
    if isinstance(expr, Builtin):
        return expr.repairable(ctx)
    scaled = _time_factor(expr, ctx)
    return scaled is not None and is_repairable(scaled[0], ctx)


def _time_factor(expr: Expr, ctx: Context) -> tuple[Expr, Value] | None:
    """``(Q, c)`` when ``expr`` is ``c * Q(t)`` (a product, or a quotient by a constant), else None."""
    if not isinstance(expr, Op) or expr.name not in ("mul", "div"):
        return None
    timed = [i for i, a in enumerate(expr.args) if depends_on_time(a, ctx)]
    if len(timed) != 1 or (expr.name == "div" and timed != [0]):
        return None
    i = timed[0]
    rest = expr.args[:i] + expr.args[i + 1:]
    constant = np.prod([np.asarray(a.evaluate(ctx), dtype=float) for a in rest], axis=0) if rest else 1.0
    if expr.name == "div":
        constant = 1.0 / constant
    return expr.args[i], constant


def is_random(expr: Expr, parameters: Mapping[str, Expr], seen: set | None = None) -> bool:
    """True when the expression depends on a deviate (directly or through parameters)."""
    seen = set() if seen is None else seen
    for node in walk(expr):
        if isinstance(node, (Deviate, Histogram)):
            return True
        if isinstance(node, Param) and node.name not in seen and node.name in parameters:
            seen.add(node.name)
            if is_random(parameters[node.name], parameters, seen):
                return True
    return False


__all__ = ["Context", "Expr", "Const", "Param", "MissionTime", "Op", "Builtin", "Deviate",
           "Histogram", "probability", "failure_intensity", "is_repairable", "is_random", "depends_on_time", "walk"]
