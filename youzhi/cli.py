"""The ``youzhi`` command line: a thin shell over the library.

Each subpackage registers its own commands in a ``_cli`` module with a function
``register(subparsers)``; this module only assembles them, runs the chosen handler and turns a
:class:`~youzhi.errors.YouzhiError` into one line on stderr with exit status 2
(``--debug`` shows the traceback instead).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

from youzhi import __version__
from youzhi.errors import YouzhiError

#: Modules that register commands, in the order ``youzhi --help`` lists them.
COMMAND_MODULES = (
    "youzhi.reliability._cli_mc",
    "youzhi.reliability._cli_life",
    "youzhi.reliability._cli_system",
    "youzhi.fta._cli",
    "youzhi.qfd._cli",
)

EPILOG = """examples:
  youzhi mc run examples/cantilever.toml --json
  youzhi fta analyze model.xml --importance
  youzhi kano classify answers.csv --plot kano.svg
  youzhi COMMAND --help     details and examples for one command
"""


class _Parser(argparse.ArgumentParser):
    """argparse with a usage mistake reported in one line, like every other youzhi error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered command."""
    parser = _Parser(
        prog="youzhi",
        description="youzhi (优质): design-stage reliability and robust optimization.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"youzhi {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0 if args.command is None else 2
    python_format = warnings.formatwarning  # catch_warnings() does not restore it
    if not args.debug:
        warnings.formatwarning = _one_line_warning
    try:
        return int(handler(args) or 0)
    except YouzhiError as exc:
        if args.debug:
            raise
        print(f"youzhi: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("youzhi: interrupted", file=sys.stderr)
        return 130
    finally:
        warnings.formatwarning = python_format


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    """A warning on stderr as one line, like an error (``--debug`` keeps Python's format)."""
    return f"youzhi: warning: {message}\n"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
