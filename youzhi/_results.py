"""The common behaviour of youzhi's result objects.

Results are frozen dataclasses. :class:`Result` gives them ``to_dict()`` (plain Python types
only, what ``--json`` prints) and a short readable ``__repr__``.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, repr=False)
... class Demo(Result):
...     pf: float
...     n: int
>>> Demo(pf=np.float64(0.5), n=3).to_dict()
{'pf': 0.5, 'n': 3}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


def to_plain(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples, mappings and nested results to JSON-ready types.

    Non-finite floats stay floats here (``to_dict()`` keeps ``inf`` and ``nan`` for Python
    users); the CLI's ``--json`` writes them as ``null``, since JSON has neither.
    """
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def _short(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return f"{v:.6g}" if math.isfinite(v) else str(v)
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape})" if value.size > 6 else np.array2string(value, precision=4)
    if isinstance(value, (list, tuple, dict)) and len(value) > 6:
        return f"<{type(value).__name__} of {len(value)}>"
    return repr(value)


class Result:
    """Mixin for frozen-dataclass results: ``to_dict()`` and a compact ``__repr__``."""

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python types (what ``--json`` prints)."""
        return {f.name: to_plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def __repr__(self) -> str:
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        body = ", ".join(f"{f.name}={_short(getattr(self, f.name))}" for f in fields if f.repr)
        return f"{type(self).__name__}({body})"
