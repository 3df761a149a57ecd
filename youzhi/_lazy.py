"""Lazy package exports: names resolve to their module on first use.

A subpackage lists ``{name: module}`` and gets a module ``__getattr__`` and ``__dir__``, so
``from youzhi.reliability import RandomVariable`` works while ``import youzhi.reliability``
loads neither numba nor scipy.

Examples
--------
>>> getattr_, dir_ = lazy_exports("youzhi", {"YouzhiError": "errors"})
>>> getattr_("YouzhiError").__name__
'YouzhiError'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package`` exporting ``name -> submodule``."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
