"""Limit states ``g(x)`` (failure when ``g <= 0``): expressions, Python and numba functions, systems.

* :class:`ExpressionLimitState` — a string over the variable names, checked by a whitelisted
  AST walk (:mod:`youzhi.reliability._expression`) and turned into generated code: a NumPy
  function for ``evaluate`` and a cached numba kernel for crude Monte Carlo. Never ``eval``'d.
* :class:`CallableLimitState` — a vectorized Python function ``g(x)`` on an ``(n, d)`` array
  returning ``(n,)``, or a numba-jitted function ``g(row)`` on one row returning a float.
  :func:`limit_state_from_import` loads one from ``"package.module:function"``.
* :class:`SystemLimitState` — several limit states as a ``series`` system (fails when any
  fails: ``min``) or a ``parallel`` system (fails when all fail: ``max``).

Examples
--------
>>> import numpy as np
>>> g = ExpressionLimitState("R - S", ["R", "S"])
>>> g.evaluate(np.array([[5.0, 2.0], [1.0, 3.0]])).tolist()
[3.0, -2.0]
>>> series = SystemLimitState([g, ExpressionLimitState("4 - S", ["R", "S"])], "series")
>>> series.evaluate(np.array([[9.0, 5.0]])).tolist()
[-1.0]
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from youzhi.errors import ComputationError, ExpressionError, InputError
from youzhi.reliability._expression import ParsedExpression, combine, parse_expression

_IMPORT_SPEC = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*$")
_module_lock = threading.Lock()


class LimitState:
    """Base class: ``evaluate(x)`` on an ``(n, d)`` array returns ``(n,)`` values."""

    names: tuple[str, ...]
    description: str = ""

    def evaluate(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def crude_kernel(self, codes: tuple[int, ...], correlated: bool) -> Callable[..., tuple[int, int]] | None:
        """A numba ``crude_block(state, n, codes, params, chol, correlated, nan_x)`` (see
        :mod:`youzhi.reliability._kernels`) for marginals with these kernel ``codes``, or
        ``None`` when this limit state cannot run inside the fused kernel."""
        return None


class ExpressionLimitState(LimitState):
    """A limit state written as an expression over the variable names.

    Parameters
    ----------
    expression : str
        E.g. ``"R - S"`` or ``"min(3 - x1, 4 - x2)"``.
    names : sequence of str
        Variable names, in column order.
    field : str
        Where the expression came from, for error messages.

    Examples
    --------
    >>> g = ExpressionLimitState("max(a, b) - sqrt(4)", ["a", "b"])
    >>> g.evaluate(np.array([[1.0, 3.0]])).tolist()
    [1.0]
    """

    def __init__(self, expression: str, names: Sequence[str], field: str = "limit_state.expression") -> None:
        self.names = tuple(names)
        self.parsed = parse_expression(expression, self.names, field)
        self.description = expression.strip() if isinstance(expression, str) else ""
        self._vector: Callable[[np.ndarray], np.ndarray] | None = None
        self._module: ModuleType | None = None

    @classmethod
    def from_parsed(cls, parsed: ParsedExpression) -> ExpressionLimitState:
        self = cls.__new__(cls)
        self.names, self.parsed, self.description = parsed.names, parsed, parsed.text
        self._vector, self._module = None, None
        return self

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        if self._vector is None:
            namespace: dict[str, Any] = {"np": np, "__builtins__": {}}
            # The source is generated from the checked AST (only x[:, i], numbers and np.* calls).
            exec(compile(f"def g(x):\n    return {self.parsed.vector_source}\n", "<youzhi limit state>", "exec"), namespace)
            self._vector = namespace["g"]
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(self._vector(x), dtype=float), (x.shape[0],)).copy()

    def numba_module(self) -> ModuleType:
        """The generated module with ``g_row``, ``g_column``, ``g_rows`` and ``crude_block``
        (numba, cached); marginals and correlation are arguments of ``crude_block``."""
        if self._module is None:
            self._module = _generated_module(self.parsed)
        return self._module

    def crude_kernel(self, codes: tuple[int, ...], correlated: bool) -> Callable[..., tuple[int, int]]:
        return self.numba_module().crude_block

    def __getstate__(self) -> dict[str, Any]:
        return {"names": self.names, "parsed": self.parsed, "description": self.description}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _vector=None, _module=None)


class CallableLimitState(LimitState):
    """A limit state given as a function.

    Parameters
    ----------
    function : callable
        Either a vectorized Python function ``g(x)`` with ``x`` of shape ``(n, d)`` returning
        shape ``(n,)``, or a numba-jitted function ``g(row)`` on one row returning a float.
    names : sequence of str
        Variable names, in column order.
    label : str, optional
        How to name the function in messages.
    vectorized : bool, optional
        ``False`` for a Python function of one row (slow; for tests and quick checks).
        Default: ``False`` for numba functions, ``True`` otherwise.

    Examples
    --------
    >>> g = CallableLimitState(lambda x: x[:, 0] - x[:, 1], ["R", "S"])
    >>> g.evaluate(np.array([[3.0, 1.0]])).tolist()
    [2.0]
    """

    def __init__(self, function: Callable[..., Any], names: Sequence[str], label: str | None = None,
                 vectorized: bool | None = None) -> None:
        if not callable(function):
            raise InputError(f"limit_state: expected a callable, got {function!r}")
        self.function = function
        self.names = tuple(names)
        self.description = label or getattr(function, "__qualname__", repr(function))
        self.is_numba = _is_numba_dispatcher(function)
        self.vectorized = (not self.is_numba) if vectorized is None else bool(vectorized)
        if self.is_numba and self.vectorized:
            raise InputError("limit_state: a numba function is evaluated one row at a time; pass vectorized=False")

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=float)
        n = x.shape[0]
        if self.is_numba:
            from youzhi.reliability import _kernels

            out = np.empty(n)
            _kernels.rows_generic(self.function, x, out)
            return out
        try:
            with np.errstate(all="ignore"):
                if not self.vectorized:
                    return np.array([float(self.function(row)) for row in x], dtype=float).reshape(n)
                values = np.asarray(self.function(x), dtype=float)
        except Exception as exc:  # the user's function failed: say which, keep the cause (--debug)
            raise ComputationError(f"limit state {self.description} raised {type(exc).__name__}: {exc}") from exc
        if values.shape not in ((n,), (n, 1)):
            raise InputError(f"limit_state: {self.description} returned shape {values.shape} for {n} rows; "
                             f"a vectorized limit state must return one value per row, shape ({n},)")
        return values.reshape(n)

    def crude_kernel(self, codes: tuple[int, ...], correlated: bool) -> Callable[..., tuple[int, int]] | None:
        if not self.is_numba:
            return None
        from youzhi.reliability import _kernels

        function = self.function
        return lambda state, n, codes, params, chol, correlated, nan_x: _kernels.crude_block_generic(
            function, state, n, codes, params, chol, correlated, nan_x)


class SystemLimitState(LimitState):
    """Several limit states as a series (any fails: ``min``) or parallel (all fail: ``max``) system.

    Examples
    --------
    >>> a = ExpressionLimitState("3 - x", ["x", "y"]); b = ExpressionLimitState("3 - y", ["x", "y"])
    >>> SystemLimitState([a, b], "parallel").evaluate(np.array([[4.0, 1.0]])).tolist()
    [2.0]
    """

    def __init__(self, components: Sequence[LimitState], system: str = "series") -> None:
        if system not in ("series", "parallel"):
            raise InputError(f"limit_state.system: expected 'series' or 'parallel', got {system!r}")
        if len(components) < 1:
            raise InputError("limit_state: a system needs at least one limit state")
        self.components = tuple(components)
        self.system = system
        self.names = self.components[0].names
        self.description = f"{system}(" + "; ".join(c.description for c in self.components) + ")"
        self._fused: ExpressionLimitState | None = None
        if len(self.components) > 1 and all(isinstance(c, ExpressionLimitState) for c in self.components):
            parsed = combine([c.parsed for c in self.components], system)  # type: ignore[attr-defined]
            self._fused = ExpressionLimitState.from_parsed(parsed)
        elif len(self.components) == 1 and isinstance(self.components[0], ExpressionLimitState):
            self._fused = self.components[0]

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        if self._fused is not None:
            return self._fused.evaluate(x)
        combine_two = np.minimum if self.system == "series" else np.maximum
        result = self.components[0].evaluate(x)
        for component in self.components[1:]:
            result = combine_two(result, component.evaluate(x))
        return result

    def crude_kernel(self, codes: tuple[int, ...], correlated: bool) -> Callable[..., tuple[int, int]] | None:
        return self._fused.crude_kernel(codes, correlated) if self._fused is not None else None


def limit_state_from_import(spec: str, names: Sequence[str], field: str = "limit_state.function") -> CallableLimitState:
    """Load ``"package.module:function"`` as a limit state (Python or numba function).

    Examples
    --------
    >>> g = limit_state_from_import("numpy:sum", ["a"])
    >>> g.description
    'numpy:sum'
    """
    if not isinstance(spec, str) or not _IMPORT_SPEC.match(spec.strip()):
        raise InputError(f"{field}: expected 'package.module:function', got {spec!r}")
    module_name, _, attr = spec.strip().partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(f"{field}: cannot import module {module_name!r} ({exc})") from None
    function = getattr(module, attr, None)
    if function is None or not callable(function):
        raise InputError(f"{field}: module {module_name!r} has no function {attr!r}")
    return CallableLimitState(function, names, label=spec.strip())


def _is_numba_dispatcher(function: Any) -> bool:
    return type(function).__module__.startswith("numba") and hasattr(function, "py_func")


def cache_dir() -> Path:
    """Where generated kernel modules are written: ``$YOUZHI_CACHE_DIR`` or ``~/.cache/youzhi``."""
    base = os.environ.get("YOUZHI_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "youzhi")
    return Path(base) / "kernels"


def _generated_module(parsed: ParsedExpression) -> ModuleType:
    from youzhi.reliability import _kernels

    safe_text = parsed.text.replace("\n", " ").replace("\r", " ")[:200]
    # numba's cache does not see changes in the kernels a cached function calls: name the
    # version of _kernels.py in the source, so a changed kernel gives a new module.
    kernels_version = hashlib.sha256(Path(_kernels.__file__).read_bytes()).hexdigest()[:16]
    source = _kernels.GENERATED_MODULE.format(text=ascii(safe_text), scalar=parsed.scalar_source,
                                              column=parsed.column_source, version=kernels_version)
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    module_name = f"youzhi_generated_g_{digest}"
    with _module_lock:
        if module_name in sys.modules:
            return sys.modules[module_name]
        path = _write_once(source, f"{module_name}.py")
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        return module


def _write_once(source: str, filename: str) -> Path:
    """Write ``source`` to the cache (only if absent, so numba's cache stays valid)."""
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / f"youzhi-kernels-{os.getuid() if hasattr(os, 'getuid') else 0}"):
        path = folder / filename
        try:
            if path.is_file() and path.read_text() == source:
                return path
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                fh.write(source)
            os.replace(tmp, path)
            return path
        except OSError:
            continue
    raise ComputationError("cannot write the generated limit-state kernel to any cache folder")


__all__ = ["LimitState", "ExpressionLimitState", "CallableLimitState", "SystemLimitState",
           "limit_state_from_import", "ExpressionError"]
