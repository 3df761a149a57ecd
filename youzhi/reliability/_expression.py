"""Safe limit-state expressions: a whitelisted ``ast`` walk and code generation from the AST.

The user's text is parsed with :func:`ast.parse` (``mode="eval"``) and every node is checked
against a whitelist: numbers, variable names, ``pi`` and ``e``, arithmetic (``+ - * / **``),
unary minus, comparisons, ``and``/``or``, the ``a if test else b`` ternary and calls of the
functions in :data:`FUNCTIONS`. Anything else (attribute access, subscripts, lambdas, strings,
other names, keyword arguments) is refused with an :class:`~youzhi.errors.ExpressionError`
naming the offending piece. Python source is then *generated from the checked tree* (variable
``k`` becomes ``x[k]`` in one row, ``x[:, k]`` over all rows, or ``x[k, i]`` in row ``i`` of a
column-major buffer), never from the user's text.

Examples
--------
>>> expr = parse_expression("R - S**2 / 2", ["R", "S"])
>>> expr.scalar_source
'(x[0] - np.power(x[1], 2.0) / 2.0)'
>>> expr.column_source
'(x[0, i] - np.power(x[1, i], 2.0) / 2.0)'
>>> parse_expression("R.__class__", ["R"])
Traceback (most recent call last):
...
youzhi.errors.ExpressionError: limit_state.expression: attribute access is not allowed: 'R.__class__'
"""

from __future__ import annotations

import ast
import functools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from youzhi.errors import ExpressionError

#: Allowed functions: name -> (number of arguments or None for 2+, scalar code, vector code).
FUNCTIONS: dict[str, tuple[int | None, str, str]] = {
    "min": (None, "min", "np.minimum"),
    "max": (None, "max", "np.maximum"),
    "abs": (1, "np.abs", "np.abs"),
    "sqrt": (1, "np.sqrt", "np.sqrt"),
    "exp": (1, "np.exp", "np.exp"),
    "log": (1, "np.log", "np.log"),
    "log10": (1, "np.log10", "np.log10"),
    "sin": (1, "np.sin", "np.sin"),
    "cos": (1, "np.cos", "np.cos"),
    "tan": (1, "np.tan", "np.tan"),
    "asin": (1, "np.arcsin", "np.arcsin"),
    "acos": (1, "np.arccos", "np.arccos"),
    "atan": (1, "np.arctan", "np.arctan"),
    "atan2": (2, "np.arctan2", "np.arctan2"),
    "sinh": (1, "np.sinh", "np.sinh"),
    "cosh": (1, "np.cosh", "np.cosh"),
    "tanh": (1, "np.tanh", "np.tanh"),
}
CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_LENGTH = 20_000
MAX_DEPTH = 500

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_REFUSED = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions", ast.DictComp: "comprehensions",
    ast.SetComp: "comprehensions", ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
    ast.Starred: "starred arguments", ast.NamedExpr: "assignment", ast.JoinedStr: "strings",
    ast.Await: "await", ast.Yield: "yield", ast.Slice: "slices",
}


@dataclass(frozen=True)
class ParsedExpression:
    """A checked expression and the Python source generated from it.

    Attributes
    ----------
    text : str
        The user's expression (kept for messages only; never executed).
    names : tuple of str
        Variable names, in the order of the columns of ``x``.
    used : tuple of str
        The variable names the expression uses.
    scalar_source : str
        Python/numba source over one row ``x`` (1-D).
    vector_source : str
        NumPy source over all rows ``x`` (2-D).
    column_source : str
        Python/numba source for row ``i`` of a column-major buffer ``x[variable, row]``
        (the scalar code with ``x[k]`` read as ``x[k, i]``).
    """

    text: str
    names: tuple[str, ...]
    used: tuple[str, ...]
    scalar_source: str
    vector_source: str
    column_source: str


def parse_expression(text: str, names: Sequence[str], field: str = "limit_state.expression") -> ParsedExpression:
    """Parse and check ``text`` over the variable ``names``; return generated sources.

    Raises
    ------
    ExpressionError
        For a syntax error, an unknown name or anything outside the whitelist.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"{field}: expected a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{field}: expression longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError(f"{field}: the expression is empty")
    source = text.strip()
    try:
        with warnings.catch_warnings():  # e.g. "1if x" warns before it fails: one clear error is enough
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        shown = source if len(source) <= 120 else source[:117] + "..."
        raise ExpressionError(f"{field}: invalid syntax{where} ({exc.msg}): {shown!r}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"{field}: expression is too deeply nested or malformed") from None
    walker = _Generator(source, {n: i for i, n in enumerate(names)}, field)
    try:
        scalar = f"({walker.emit(tree.body, vector=False, depth=0)})"
        vector = f"({walker.emit(tree.body, vector=True, depth=0)})"
        walker.column = True
        column = f"({walker.emit(tree.body, vector=False, depth=0)})"
    except RecursionError:
        raise ExpressionError(f"{field}: expression is too deeply nested") from None
    used = tuple(n for n in names if n in walker.used)
    return ParsedExpression(text, tuple(names), used, scalar, vector, column)


class _Generator:
    """Walks a checked tree and writes scalar (one row) or vector (all rows) source; with
    ``column`` set, the scalar source reads row ``i`` of a column-major buffer."""

    def __init__(self, source: str, index: dict[str, int], field: str) -> None:
        self.source, self.index, self.field = source, index, field
        self.used: set[str] = set()
        self.column = False

    def _piece(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node)
        return segment if segment is not None else type(node).__name__

    def fail(self, node: ast.AST, what: str) -> ExpressionError:
        return ExpressionError(f"{self.field}: {what}: {self._piece(node)!r}")

    def emit(self, node: ast.AST, vector: bool, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"{self.field}: expression is nested deeper than {MAX_DEPTH} levels")
        sub = functools.partial(self.emit, vector=vector, depth=depth + 1)  # no extra Python frame per level
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.fail(node, "only numeric constants are allowed")
            try:
                number = float(value)
            except OverflowError:
                raise self.fail(node, "number too large") from None
            if not math.isfinite(number):
                raise self.fail(node, "number must be finite")
            return repr(number)
        if isinstance(node, ast.Name):
            if node.id in self.index:
                self.used.add(node.id)
                i = self.index[node.id]
                return f"x[:, {i}]" if vector else f"x[{i}, i]" if self.column else f"x[{i}]"
            if node.id in CONSTANTS:
                return repr(CONSTANTS[node.id])
            if node.id in FUNCTIONS:
                raise self.fail(node, "a function name must be called")
            known = ", ".join(sorted(self.index)) or "(none)"
            raise self.fail(node, f"unknown name (variables are {known}; constants pi, e)")
        if isinstance(node, ast.BinOp):
            left, right = sub(node.left), sub(node.right)
            if isinstance(node.op, ast.Pow):
                return f"np.power({left}, {right})"
            if type(node.op) not in _BINARY:
                raise self.fail(node, f"operator {type(node.op).__name__} is not allowed (use + - * / **)")
            # parenthesise only where precedence needs it: long sums stay flat for the parser
            mine = _precedence(node)
            left = left if _precedence(node.left) >= mine else f"({left})"
            right = right if _precedence(node.right) > mine else f"({right})"
            if vector and isinstance(node.op, ast.Div):  # numpy semantics (inf/nan) even for two constants
                return f"np.divide({left}, {right})"
            return f"{left} {_BINARY[type(node.op)]} {right}"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                operand = sub(node.operand)
                operand = operand if _precedence(node.operand) == 100 else f"({operand})"
                return f"({'-' if isinstance(node.op, ast.USub) else '+'}{operand})"
            raise self.fail(node, f"unary operator {type(node.op).__name__} is not allowed")
        if isinstance(node, ast.Compare):
            parts, left = [], sub(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                if type(op) not in _COMPARE:
                    raise self.fail(node, f"comparison {type(op).__name__} is not allowed")
                right = sub(comparator)
                parts.append(f"({left} {_COMPARE[type(op)]} {right})")
                left = right
            if len(parts) == 1:
                return parts[0]
            return _join("np.logical_and", parts) if vector else "(" + " and ".join(parts) + ")"
        if isinstance(node, ast.BoolOp):
            parts = [sub(v) for v in node.values]
            if vector:
                return _join("np.logical_and" if isinstance(node.op, ast.And) else "np.logical_or", parts)
            return "(" + (" and " if isinstance(node.op, ast.And) else " or ").join(f"bool({p})" for p in parts) + ")"
        if isinstance(node, ast.IfExp):
            test, body, orelse = sub(node.test), sub(node.body), sub(node.orelse)
            if vector:
                return f"np.where({test}, {body}, {orelse})"
            return f"({body} if {test} else {orelse})"
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                raise self.fail(node.func, "attribute access is not allowed")
            if not isinstance(node.func, ast.Name):
                raise self.fail(node.func, "only calls of the allowed functions by name are allowed")
            name = node.func.id
            if name not in FUNCTIONS:
                raise self.fail(node.func, f"function not allowed (allowed: {', '.join(FUNCTIONS)})")
            if node.keywords:
                raise self.fail(node, "keyword arguments are not allowed")
            arity, scalar_code, vector_code = FUNCTIONS[name]
            args = [sub(a) for a in node.args]
            if arity is None and len(args) < 2 or arity is not None and len(args) != arity:
                expected = "2 or more arguments" if arity is None else f"{arity} argument{'s' if arity > 1 else ''}"
                raise self.fail(node, f"{name} takes {expected}, got {len(args)}")
            if arity is None and vector:
                return _join(vector_code, args)
            if arity is None:
                return f"{scalar_code}({', '.join(f'float({a})' for a in args)})"
            return f"{vector_code if vector else scalar_code}({', '.join(args)})"
        for kind, label in _REFUSED.items():
            if isinstance(node, kind):
                raise self.fail(node, f"{label} {'is' if label in ('attribute access', 'lambda', 'assignment', 'await', 'yield') else 'are'} not allowed")
        raise self.fail(node, f"{type(node).__name__} is not allowed")


def _precedence(node: ast.AST) -> int:
    """Binding strength of the generated code for ``node``: every other node emits an atom."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        return 10
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        return 20
    return 100


def _join(function: str, parts: list[str]) -> str:
    """Nest a binary function over several arguments: f(a, f(b, c))."""
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = f"{function}({part}, {result})"
    return result


def combine(expressions: Sequence[ParsedExpression], system: str) -> ParsedExpression:
    """Join several checked expressions as a ``series`` (min) or ``parallel`` (max) system."""
    scalar = "min" if system == "series" else "max"
    vector = "np.minimum" if system == "series" else "np.maximum"
    names = expressions[0].names
    used = tuple(n for n in names if any(n in e.used for e in expressions))
    text = f"{system}(" + "; ".join(e.text for e in expressions) + ")"
    return ParsedExpression(
        text, names, used,
        f"{scalar}({', '.join(f'float({e.scalar_source})' for e in expressions)})",
        _join(vector, [e.vector_source for e in expressions]),
        f"{scalar}({', '.join(f'float({e.column_source})' for e in expressions)})",
    )
