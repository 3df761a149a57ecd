"""Helpers shared by the subpackages' ``_cli`` modules: flags and output.

A handler returns an exit status; it prints either the result's ``to_dict()`` as one JSON
object (``--json``) or text for people.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from typing import Any

from youzhi._results import to_plain


def add_command(subparsers: Any, name: str, help: str, examples: str, handler: Callable[[argparse.Namespace], int] | None = None) -> argparse.ArgumentParser:
    """Add a command (or a command group when ``handler`` is None) with examples in its help."""
    parser = subparsers.add_parser(
        name,
        help=help,
        description=help,
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
        parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    return parser


def add_group(subparsers: Any, name: str, help: str, examples: str) -> Any:
    """Add a command group such as ``youzhi mc``; returns its own subparsers."""
    parser = add_command(subparsers, name, help, examples)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])
    return parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")


def emit(result: Any, args: argparse.Namespace, text: Callable[[Any], str] | None = None) -> int:
    """Print ``result`` as JSON (``--json``) or as text; returns exit status 0.

    JSON has no NaN or infinity: a non-finite number (an undefined value, an unbounded interval
    end) is written as ``null``, so every JSON parser reads the output.
    """
    if getattr(args, "json", False):
        json.dump(_finite_or_null(to_plain(result)), sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write((text(result) if text else str(result)).rstrip("\n") + "\n")
    return 0


def chosen_seed(*candidates: int | None) -> int:
    """The first seed given (flag, then file), else a fresh random one, so every run reports a
    seed that reproduces it."""
    for seed in candidates:
        if seed is not None:
            return seed
    import secrets

    return secrets.randbits(63)


def _finite_or_null(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_or_null(v) for v in value]
    return value


def positive(text: str) -> float:
    """argparse type: a finite number > 0."""
    return _checked(text, float, lambda v: v > 0, "a number > 0")


def non_negative(text: str) -> float:
    """argparse type: a finite number >= 0."""
    return _checked(text, float, lambda v: v >= 0, "a number >= 0")


def fraction(text: str) -> float:
    """argparse type: a number strictly between 0 and 1 (a confidence, a reliability)."""
    return _checked(text, float, lambda v: 0 < v < 1, "a number in (0, 1)")


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1; ``1e6`` is accepted for a count."""
    return _checked(text, int, lambda v: v >= 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (a seed)."""
    return _checked(text, int, lambda v: v >= 0, "a non-negative integer")


def _checked(text: str, kind: type, accept: Callable[[float], bool], expected: str) -> Any:
    try:
        value = int(text) if kind is int and text.strip().lstrip("+-").isdigit() else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if not math.isfinite(value) or (kind is int and value != int(value)) or not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return int(value) if kind is int else value  # digits stay exact: a 63-bit seed survives
