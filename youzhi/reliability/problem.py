"""A reliability problem: random variables, their dependence and a limit state; and its file.

:class:`ReliabilityProblem` is plain data plus the maps every method needs: ``u_to_x`` and
``x_to_u`` between standard-normal space and physical space (Nataf), and ``g``/``g_u`` which
evaluate the limit state, count the evaluations and refuse NaN.

:func:`read_problem_file` reads the TOML problem file described in DESIGN.md ("Reliability
problem file"); every error names the file and the field, e.g.
``p.toml: variables[1].std: must be > 0, got -1``.

Examples
--------
>>> from youzhi.reliability.distributions import RandomVariable
>>> problem = ReliabilityProblem(
...     [RandomVariable("R", "normal", mean=4.0, std=1.0), RandomVariable("S", "normal", mean=2.0, std=1.0)],
...     "R - S")
>>> problem.g(np.array([[4.0, 2.0], [1.0, 3.0]])).tolist()
[2.0, -2.0]
>>> problem.n_evaluations
2
>>> problem.u_to_x(np.zeros((1, 2))).tolist()
[[4.0, 2.0]]
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi._files import load_toml
from youzhi.errors import ComputationError, InputError
from youzhi.reliability.distributions import Nataf, RandomVariable, correlation_from_pairs
from youzhi.reliability.limit_state import (
    CallableLimitState,
    ExpressionLimitState,
    LimitState,
    SystemLimitState,
    limit_state_from_import,
)

METHODS = ("crude", "lhs", "importance", "subset", "form", "sorm")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = {"pi", "e"}


class ReliabilityProblem:
    """Random variables, their correlation and a limit state (failure when ``g <= 0``).

    Parameters
    ----------
    variables : sequence of RandomVariable
        The inputs, in the column order of every ``(n, d)`` array.
    limit_state : str, callable or LimitState
        An expression over the variable names, a vectorized Python function ``g(x)`` on an
        ``(n, d)`` array, a numba function on one row, or a :class:`LimitState`.
    correlation : (d, d) array_like or list of [name, name, rho], optional
        Correlation of the physical variables (Gaussian copula with the Nataf correction).

    Attributes
    ----------
    names : tuple of str
    dim : int
    n_evaluations : int
        Rows passed to ``g`` (and ``g_u``) so far; sampling methods add their kernel's rows.
    """

    def __init__(self, variables: Sequence[RandomVariable], limit_state: str | Callable[..., Any] | LimitState,
                 correlation: Any = None) -> None:
        variables = tuple(variables)
        if not variables:
            raise InputError("variables: at least one random variable is needed")
        names = []
        for i, v in enumerate(variables):
            if not isinstance(v, RandomVariable):
                raise InputError(f"variables[{i}]: expected a RandomVariable, got {v!r}")
            if v.name in names:
                raise InputError(f"variables[{i}].name: {v.name!r} is used twice")
            names.append(v.name)
        self.variables = variables
        self.names: tuple[str, ...] = tuple(names)
        self.dim: int = len(names)
        if correlation is not None and not isinstance(correlation, np.ndarray) and _looks_like_pairs(correlation):
            correlation = correlation_from_pairs(self.names, correlation)
        self.nataf = Nataf(variables, correlation)
        if isinstance(limit_state, LimitState):
            if tuple(limit_state.names) != self.names:
                raise InputError(f"limit_state: its variables {limit_state.names} differ from the problem's {self.names}")
            self.limit_state = limit_state
        elif isinstance(limit_state, str):
            self.limit_state = ExpressionLimitState(limit_state, self.names)
        elif callable(limit_state):
            self.limit_state = CallableLimitState(limit_state, self.names)
        else:
            raise InputError(f"limit_state: expected an expression, a function or a LimitState, got {limit_state!r}")
        self.n_evaluations = 0
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ maps
    def u_to_x(self, u: np.ndarray) -> np.ndarray:
        """Physical values ``(n, d)`` for standard-normal ``u`` ``(n, d)`` (Nataf)."""
        return self.nataf.u_to_x(self._check(u, "u"))

    def x_to_u(self, x: np.ndarray) -> np.ndarray:
        """Standard-normal values ``(n, d)`` for physical ``x`` ``(n, d)``."""
        return self.nataf.x_to_u(self._check(x, "x"))

    def g(self, x: np.ndarray) -> np.ndarray:
        """Limit-state values ``(n,)`` at ``x`` ``(n, d)``; counts ``n`` evaluations.

        Raises
        ------
        ComputationError
            If the limit state returns NaN for any row (never counted as failure or safe).
        """
        x = self._check(x, "x")
        values = self.limit_state.evaluate(x)
        self.add_evaluations(x.shape[0])
        bad = np.isnan(values)
        if bad.any():
            raise ComputationError(self.nan_message(x[int(np.argmax(bad))], int(bad.sum()), x.shape[0]))
        return values

    def g_u(self, u: np.ndarray) -> np.ndarray:
        """Limit-state values at standard-normal points: ``g(u_to_x(u))``."""
        return self.g(self.u_to_x(u))

    # ------------------------------------------------------------------ helpers
    def add_evaluations(self, n: int) -> None:
        """Add ``n`` to :attr:`n_evaluations` (thread-safe)."""
        with self._lock:
            self.n_evaluations += int(n)

    def nan_message(self, x_row: np.ndarray, n_nan: int | None = None, n_rows: int | None = None) -> str:
        """The error message for a NaN limit-state value at ``x_row``."""
        point = ", ".join(f"{n}={float(v):.6g}" for n, v in zip(self.names, x_row))
        count = f" ({n_nan} of {n_rows} rows)" if n_nan is not None and n_rows else ""
        return f"limit state {self.limit_state.description!r} returned NaN at {point}{count}; NaN is neither failure nor safe"

    def _check(self, a: np.ndarray, label: str) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        if a.ndim == 1 and a.shape[0] == self.dim:
            a = a[None, :]
        if a.ndim != 2 or a.shape[1] != self.dim:
            raise InputError(f"{label}: expected shape (n, {self.dim}), got {a.shape}")
        return a

    def __repr__(self) -> str:
        return f"ReliabilityProblem(names={self.names}, limit_state={self.limit_state.description!r})"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> ReliabilityProblem:
        """Read a problem file (the ``[analysis]`` table is read by :func:`read_problem_file`)."""
        return read_problem_file(path).problem


def _looks_like_pairs(correlation: Any) -> bool:
    return isinstance(correlation, (list, tuple)) and len(correlation) > 0 and isinstance(correlation[0], (list, tuple)) \
        and len(correlation[0]) == 3 and isinstance(correlation[0][0], str)


# ---------------------------------------------------------------------- the file
@dataclass(frozen=True)
class AnalysisSettings:
    """The ``[analysis]`` table and top-level ``seed`` of a problem file (all optional)."""

    method: str = "crude"
    n_samples: int | None = None
    target_cov: float | None = None
    seed: int | None = None
    confidence: float = 0.95


@dataclass(frozen=True)
class ProblemFile:
    """What :func:`read_problem_file` returns: the problem and the file's analysis settings."""

    problem: ReliabilityProblem
    analysis: AnalysisSettings
    path: str


_TOP_FIELDS = {"seed", "name", "description", "variables", "correlation", "limit_state", "analysis"}
_VARIABLE_META = {"name", "distribution"}


def read_problem_file(path: str | os.PathLike[str]) -> ProblemFile:
    """Read a reliability problem file (TOML); errors name the file and the field.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.toml")
    >>> _ = open(p, "w").write('''
    ... [[variables]]
    ... name = "R"
    ... distribution = "normal"
    ... mean = 4.0
    ... std = -1
    ... [limit_state]
    ... expression = "R"
    ... ''')
    >>> read_problem_file(p)
    Traceback (most recent call last):
    ...
    youzhi.errors.InputError: ...p.toml: variables[0].std: must be > 0, got -1
    """
    file = os.fspath(path)
    label = file
    data = load_toml(file)
    try:
        return _build(data, label)
    except InputError as exc:
        message = str(exc)
        if message.startswith(f"{label}: "):
            raise
        raise type(exc)(f"{label}: {message}") from None


def _refuse_unknown(raw: Mapping[str, Any], prefix: str, accepted: set[str] | frozenset[str]) -> None:
    """An :class:`InputError` naming the first field of ``raw`` that is not in ``accepted``."""
    unknown = sorted(set(raw) - set(accepted))
    if unknown:
        raise InputError(f"{prefix}{unknown[0]}: unknown field; accepted: {', '.join(sorted(accepted))}")


def _build(data: Mapping[str, Any], file: str) -> ProblemFile:
    _refuse_unknown(data, "", _TOP_FIELDS)
    variables = _read_variables(data.get("variables"))
    names = [v.name for v in variables]
    correlation = _read_correlation(data.get("correlation"), names)
    limit_state = _read_limit_state(data.get("limit_state"), names)
    problem = ReliabilityProblem(variables, limit_state, correlation)
    analysis = _read_analysis(data.get("analysis", {}), data.get("seed"))
    return ProblemFile(problem, analysis, file)


def _read_variables(raw: Any) -> list[RandomVariable]:
    if raw is None:
        raise InputError("variables: missing; give one [[variables]] table per random variable")
    if not isinstance(raw, list) or not raw:
        raise InputError("variables: expected one or more [[variables]] tables")
    variables, seen = [], set()
    for i, entry in enumerate(raw):
        here = f"variables[{i}]"
        if not isinstance(entry, Mapping):
            raise InputError(f"{here}: expected a table, got {entry!r}")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise InputError(f"{here}.name: expected a name of letters, digits and _ (not starting with a digit), got {name!r}")
        if name in _RESERVED:
            raise InputError(f"{here}.name: {name!r} is a constant in expressions; choose another name")
        if name in seen:
            raise InputError(f"{here}.name: {name!r} is used twice")
        seen.add(name)
        if "distribution" not in entry:
            raise InputError(f"{here}.distribution: missing (e.g. \"normal\", \"lognormal\", \"weibull\")")
        params = {k: v for k, v in entry.items() if k not in _VARIABLE_META}
        variables.append(RandomVariable(name, entry["distribution"], where=f"{here}.", **params))
    return variables


def _read_correlation(raw: Any, names: list[str]) -> np.ndarray | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InputError("correlation: expected a table with 'pairs' or 'matrix'")
    _refuse_unknown(raw, "correlation.", {"pairs", "matrix"})
    if "pairs" in raw and "matrix" in raw:
        raise InputError("correlation: give either 'pairs' or 'matrix', not both")
    if "pairs" in raw:
        return correlation_from_pairs(names, raw["pairs"])
    matrix = raw.get("matrix")
    try:
        array = np.array(matrix, dtype=float)
    except (TypeError, ValueError):
        raise InputError("correlation.matrix: expected a square table of numbers") from None
    if array.shape != (len(names), len(names)):
        raise InputError(f"correlation.matrix: expected {len(names)} x {len(names)} (one row per variable), got shape {array.shape}")
    return array


def _read_limit_state(raw: Any, names: list[str]) -> LimitState:
    if raw is None:
        raise InputError("limit_state: missing; give [limit_state] with expression = \"...\" or function = \"package.module:g\"")
    if not isinstance(raw, Mapping):
        raise InputError("limit_state: expected a table")
    _refuse_unknown(raw, "limit_state.", {"expression", "expressions", "function", "system"})
    given = [k for k in ("expression", "expressions", "function") if k in raw]
    if len(given) != 1:
        raise InputError("limit_state: give exactly one of expression, expressions (a system) or function")
    system = raw.get("system", "series")
    if "system" in raw and given[0] != "expressions":
        raise InputError("limit_state.system: only used with 'expressions' (a list)")
    if given[0] == "expression":
        return ExpressionLimitState(raw["expression"], names, "limit_state.expression")
    if given[0] == "function":
        return limit_state_from_import(raw["function"], names, "limit_state.function")
    expressions = raw["expressions"]
    if not isinstance(expressions, list) or not expressions:
        raise InputError("limit_state.expressions: expected a list of expressions")
    components = [ExpressionLimitState(e, names, f"limit_state.expressions[{i}]") for i, e in enumerate(expressions)]
    if system not in ("series", "parallel"):
        raise InputError(f"limit_state.system: expected 'series' or 'parallel', got {system!r}")
    return SystemLimitState(components, system)


def _read_analysis(raw: Any, seed: Any) -> AnalysisSettings:
    if not isinstance(raw, Mapping):
        raise InputError("analysis: expected a table")
    _refuse_unknown(raw, "analysis.", {"method", "n_samples", "target_cov", "confidence"})
    method = raw.get("method", "crude")
    if method not in METHODS:
        raise InputError(f"analysis.method: expected one of {', '.join(METHODS)}, got {method!r}")
    n_samples = raw.get("n_samples")
    if n_samples is not None and (isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 1):
        raise InputError(f"analysis.n_samples: expected a positive integer, got {n_samples!r}")
    target_cov = raw.get("target_cov")
    if target_cov is not None and (isinstance(target_cov, bool) or not isinstance(target_cov, (int, float)) or not target_cov >= 0):
        raise InputError(f"analysis.target_cov: expected a number >= 0 (0 turns early stopping off), got {target_cov!r}")
    confidence = raw.get("confidence", 0.95)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise InputError(f"analysis.confidence: expected a number between 0 and 1, got {confidence!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise InputError(f"seed: expected a non-negative integer, got {seed!r}")
    return AnalysisSettings(method, n_samples, None if target_cov is None else float(target_cov), seed, float(confidence))


__all__ = ["ReliabilityProblem", "read_problem_file", "ProblemFile", "AnalysisSettings", "METHODS"]
