"""One exception hierarchy for youzhi.

Every error a user can cause is a :class:`YouzhiError`. Each subclass also derives from the
builtin that fits (``ValueError`` for bad input, ``OSError`` for files), so ordinary
``except ValueError`` code keeps working. Messages name the file, field or line at fault and
say what would be accepted.

Examples
--------
>>> from youzhi.errors import InputError
>>> try:
...     raise InputError("variables[0].std: must be > 0, got -1")
... except ValueError as exc:
...     print(exc)
variables[0].std: must be > 0, got -1
"""

from __future__ import annotations


class YouzhiError(Exception):
    """Base class of every error youzhi raises on purpose."""


class InputError(YouzhiError, ValueError):
    """A value given by the user (argument, file field, CSV cell) is not acceptable."""


class FileFormatError(InputError):
    """A file could not be parsed: malformed TOML, CSV or XML, or a field of the wrong type.

    The message starts with the file name and, where known, the line.
    """


class ExpressionError(InputError):
    """A limit-state or parameter expression uses something outside the allowed grammar."""


class ModelError(InputError):
    """A model is inconsistent: a cycle, an undefined name, a probability outside [0, 1]."""


class ComputationError(YouzhiError, ArithmeticError):
    """A computation could not give a trustworthy number (NaN from a user function,
    a fit that did not converge, a bound outside its range)."""


class ConvergenceError(ComputationError):
    """An iterative method stopped without meeting its tolerance."""


class DataFileError(YouzhiError, OSError):
    """A file could not be read or written (missing, unreadable, not a regular file)."""


class YouzhiWarning(UserWarning):
    """Base class of youzhi's warnings (results to treat with care)."""


__all__ = [
    "YouzhiError",
    "InputError",
    "FileFormatError",
    "ExpressionError",
    "ModelError",
    "ComputationError",
    "ConvergenceError",
    "DataFileError",
    "YouzhiWarning",
]
