"""Life data: failure times with right, left and interval censoring, and their CSV layout.

A life-data CSV has a header row and one row per unit (or group of identical units):

=============  ============================================================================
column         meaning
=============  ============================================================================
``time``       failure time (F), censoring time (S), upper limit (L), or lower limit (I)
``time_upper`` only for I rows: upper end of the interval (optional column otherwise)
``status``     ``F`` failure, ``S`` suspension (right-censored), ``L`` left-censored
               (failed before ``time``), ``I`` interval-censored (failed in
               [``time``, ``time_upper``]); optional column, default ``F``; any case,
               and the words failure/failed, suspension/suspended/censored, left,
               interval, and X (failure), C and R (suspension) as other tools write them
``count``      number of identical units on that row (optional, default 1)
=============  ============================================================================

Examples
--------
>>> data = LifeData.from_arrays(failures=[10, 20, 30], right_censored=[40, 40])
>>> data.n_failures, data.n_units
(3, 5)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from youzhi._files import csv_rows, read_csv_text
from youzhi.errors import FileFormatError, InputError

#: status codes accepted in the ``status`` column (case-insensitive) and their meaning.
STATUS_CODES = {"F": "failure", "S": "right-censored (suspension)", "L": "left-censored", "I": "interval-censored"}
_ALIASES = {"F": "F", "FAILURE": "F", "FAILED": "F", "X": "F", "S": "S", "C": "S", "R": "S",
            "SUSPENSION": "S", "SUSPENDED": "S", "CENSORED": "S", "L": "L", "LEFT": "L",
            "I": "I", "INTERVAL": "I"}
_ALIAS_LIST = ", ".join(f"{k} ({v})" for k, v in _ALIASES.items() if k not in STATUS_CODES)


@dataclass(frozen=True, repr=False)
class LifeData:
    """Life data grouped by censoring type; every array is 1-D, counts are positive.

    ``failures`` exact failure times; ``right_censored`` times at which units were removed
    still running; ``left_censored`` times before which units failed (inspection found them
    failed); ``interval_lower``/``interval_upper`` bounds of interval-censored failures.
    """

    failures: np.ndarray
    failure_counts: np.ndarray
    right_censored: np.ndarray
    right_counts: np.ndarray
    left_censored: np.ndarray
    left_counts: np.ndarray
    interval_lower: np.ndarray
    interval_upper: np.ndarray
    interval_counts: np.ndarray

    @classmethod
    def from_arrays(
        cls,
        failures: Sequence[float] = (),
        right_censored: Sequence[float] = (),
        left_censored: Sequence[float] = (),
        interval: Sequence[tuple[float, float]] = (),
        failure_counts: Sequence[float] | None = None,
        right_counts: Sequence[float] | None = None,
        left_counts: Sequence[float] | None = None,
        interval_counts: Sequence[float] | None = None,
    ) -> "LifeData":
        """Build and validate life data from plain sequences (counts default to 1)."""
        f = _times(failures, "failures")
        r = _times(right_censored, "right_censored")
        left = _times(left_censored, "left_censored")
        iv = np.asarray(interval, dtype=float).reshape(-1, 2) if len(interval) else np.empty((0, 2))
        if iv.size and (not np.all(np.isfinite(iv)) or np.any(iv < 0)):
            raise InputError("interval: bounds must be finite and >= 0")
        if iv.size and np.any(iv[:, 1] <= iv[:, 0]):
            i = int(np.argmax(iv[:, 1] <= iv[:, 0]))
            raise InputError(f"interval[{i}]: upper bound must exceed lower bound, got {iv[i].tolist()}")
        if left.size and np.any(left <= 0):
            raise InputError("left_censored: times must be > 0")
        data = cls(
            f, _counts(failure_counts, f.size, "failure_counts"),
            r, _counts(right_counts, r.size, "right_counts"),
            left, _counts(left_counts, left.size, "left_counts"),
            iv[:, 0].copy(), iv[:, 1].copy(), _counts(interval_counts, len(iv), "interval_counts"),
        )
        if data.n_units == 0:
            raise InputError("life data: no units given")
        return data

    @property
    def n_failures(self) -> int:
        """Number of failures of any kind (exact, left- or interval-censored)."""
        return int(round(self.failure_counts.sum() + self.left_counts.sum() + self.interval_counts.sum()))

    @property
    def n_exact(self) -> int:
        """Number of exactly observed failures."""
        return int(round(self.failure_counts.sum()))

    @property
    def n_units(self) -> int:
        """Number of units (failures plus suspensions)."""
        return self.n_failures + int(round(self.right_counts.sum()))

    @property
    def is_complete(self) -> bool:
        """True when every unit failed at an exactly observed time."""
        return self.n_exact == self.n_units

    @property
    def has_left_or_interval(self) -> bool:
        """True when some failures are left- or interval-censored."""
        return bool(self.left_counts.size or self.interval_counts.size)

    def __repr__(self) -> str:
        return (f"LifeData(failures={self.n_exact}, right_censored={int(self.right_counts.sum())}, "
                f"left_censored={int(self.left_counts.sum())}, interval={int(self.interval_counts.sum())})")


def read_life_csv(path: str | os.PathLike[str]) -> LifeData:
    """Read life data from a CSV file (layout in the module docstring).

    Errors name the file, the row (1-based line number) and the column.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(p, "w").write("time,status,count\\n100,F,1\\n150,S,2\\n")
    >>> read_life_csv(p)
    LifeData(failures=1, right_censored=2, left_censored=0, interval=0)
    """
    name = os.fspath(path)
    text = read_csv_text(path)
    return parse_life_csv(text, name)


def parse_life_csv(text: str, name: str = "<csv>") -> LifeData:
    """Parse life-data CSV text; ``name`` is used in error messages."""
    rows = [(i + 1, row) for i, row in enumerate(csv_rows(text, name)) if row and any(c.strip() for c in row)]
    if not rows:
        raise FileFormatError(f"{name}: empty file, expected a header row with a 'time' column")
    header = [c.strip().lower() for c in rows[0][1]]
    if "time" not in header:
        raise FileFormatError(f"{name}: line {rows[0][0]}: header must have a 'time' column "
                              f"(and optionally time_upper, status, count), got {rows[0][1]}")
    col = {c: header.index(c) for c in ("time", "time_upper", "status", "count") if c in header}
    groups: dict[str, tuple[list, list]] = {k: ([], []) for k in "FSLI"}
    for line, row in rows[1:]:
        def cell(key: str) -> str:
            j = col[key]
            if j >= len(row):
                raise FileFormatError(f"{name}: line {line}, column '{key}': missing value")
            return row[j].strip()

        code = cell("status").upper() if "status" in col else "F"
        status = _ALIASES.get(code)
        if status is None:
            raise FileFormatError(f"{name}: line {line}, column 'status': unknown code {code!r}; "
                                  f"accepted: F (failure), S (suspension), L (left-censored), I (interval), or {_ALIAS_LIST}")
        t = _number(cell("time"), name, line, "time")
        count = _number(cell("count"), name, line, "count") if "count" in col and cell("count") else 1.0
        if count <= 0 or count != int(count):
            raise FileFormatError(f"{name}: line {line}, column 'count': must be > 0 and a whole number of units, got {count:g}")
        if status == "I":
            if "time_upper" not in col or not cell("time_upper"):
                raise FileFormatError(f"{name}: line {line}, column 'time_upper': needed for an interval (I) row")
            upper = _number(cell("time_upper"), name, line, "time_upper")
            if upper <= t:
                raise FileFormatError(f"{name}: line {line}, column 'time_upper': must exceed time {t:g}, got {upper:g}")
            groups["I"][0].append((t, upper))
        else:
            j = col.get("time_upper", len(row))
            if j < len(row) and row[j].strip():
                raise FileFormatError(f"{name}: line {line}, column 'time_upper': only for interval (I) rows, "
                                      f"this row's status is {code!r}")
            if status == "L" and t == 0:
                raise FileFormatError(f"{name}: line {line}, column 'time': a left-censored time must be > 0")
            groups[status][0].append(t)
        groups[status][1].append(count)
    if not any(groups[k][0] for k in groups):
        raise FileFormatError(f"{name}: no data rows after the header")
    return LifeData.from_arrays(
        failures=groups["F"][0], right_censored=groups["S"][0], left_censored=groups["L"][0],
        interval=groups["I"][0], failure_counts=groups["F"][1], right_counts=groups["S"][1],
        left_counts=groups["L"][1], interval_counts=groups["I"][1],
    )


def _number(text: str, name: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FileFormatError(f"{name}: line {line}, column '{column}': not a number: {text!r}") from None
    if not math.isfinite(value):
        raise FileFormatError(f"{name}: line {line}, column '{column}': must be finite, got {text!r}")
    if value < 0:
        raise FileFormatError(f"{name}: line {line}, column '{column}': must be >= 0, got {value:g}")
    return value


def _times(values: Sequence[float], field: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InputError(f"{field}: times must be numbers") from None
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr < 0)):
        i = int(np.argmax(~np.isfinite(arr) | (arr < 0)))
        raise InputError(f"{field}[{i}]: times must be finite and >= 0, got {arr[i]}")
    return arr


def _counts(values: Sequence[float] | None, n: int, field: str) -> np.ndarray:
    if values is None:
        return np.ones(n)
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size != n:
        raise InputError(f"{field}: expected {n} counts, got {arr.size}")
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr <= 0)):
        raise InputError(f"{field}: counts must be > 0")
    return arr
