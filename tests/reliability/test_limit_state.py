"""Limit states: the expression whitelist (fuzzed), generated code, callables and systems."""

from __future__ import annotations

import ast
import math
import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from youzhi.errors import ExpressionError, InputError
from youzhi.reliability._expression import FUNCTIONS, parse_expression
from youzhi.reliability.limit_state import (
    CallableLimitState,
    ExpressionLimitState,
    SystemLimitState,
    limit_state_from_import,
)

NAMES = ["a", "b", "c"]


def g_importable(x):
    """A vectorized limit state for the import-string test."""
    return x[:, 0] - 2.0 * x[:, 1]


@pytest.mark.parametrize("text, expected", [
    ("a + b * c - a / b", 1.5 + 2.0 * -0.5 - 1.5 / 2.0),
    ("a ** 2 - -b", 1.5**2 + 2.0),
    ("sqrt(b) + exp(c) + log(a) + log10(b)", math.sqrt(2) + math.exp(-0.5) + math.log(1.5) + math.log10(2)),
    ("sin(a) + cos(b) + tan(c) + asin(c) + acos(c) + atan(a)",
     math.sin(1.5) + math.cos(2) + math.tan(-0.5) + math.asin(-0.5) + math.acos(-0.5) + math.atan(1.5)),
    ("atan2(c, a) + sinh(a) + cosh(c) + tanh(b)", math.atan2(-0.5, 1.5) + math.sinh(1.5) + math.cosh(-0.5) + math.tanh(2)),
    ("min(a, b, c) + max(a, b) + abs(c)", -0.5 + 2.0 + 0.5),
    ("pi * e", math.pi * math.e),
    ("a if c < 0 else b", 1.5),
    ("a if c > 0 or b >= 3 else b", 2.0),
    ("(a < b) * 3.0 + (0 < a <= b)", 4.0),
    ("2.5", 2.5),
])
def test_expressions_evaluate_like_python_math(text, expected):
    g = ExpressionLimitState(text, NAMES)
    assert g.evaluate(np.array([[1.5, 2.0, -0.5]]))[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text, message", [
    ("a.__class__", "attribute access is not allowed: 'a.__class__'"),
    ("__import__('os').system('true')", "attribute access is not allowed: \"__import__\\('os'\\).system\""),
    ("__import__('os')", "function not allowed.*'__import__'"),
    ("(lambda: 1)()", "only calls of the allowed functions by name"),
    ("lambda: 1", "lambda is not allowed"),
    ("a[0]", "subscripts are not allowed: 'a\\[0\\]'"),
    ("'text'", "only numeric constants"),
    ("open('f')", "function not allowed.*'open'"),
    ("q + a", "unknown name \\(variables are a, b, c; constants pi, e\\): 'q'"),
    ("sqrt(a, b)", "sqrt takes 1 argument, got 2"),
    ("min(a)", "min takes 2 or more arguments"),
    ("sqrt(x=a)", "keyword arguments"),
    ("a // b", "operator FloorDiv is not allowed"),
    ("not a", "unary operator Not"),
    ("[a for a in b]", "comprehensions are not allowed"),
    ("a +", "invalid syntax"),
    ("", "empty"),
    ("sqrt", "a function name must be called"),
    ("1e999", "number must be finite"),
    ("True", "only numeric constants"),
    ("(y := 3)", "assignment is not allowed"),
    ("f'{a}'", "strings are not allowed"),
])
def test_whitelist_refuses_and_names_the_piece(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse_expression(text, NAMES)


def test_deep_nesting_is_an_error_not_a_crash():
    for text in ("-" * 600 + "a", "(" * 300 + "a" + ")" * 300, " + ".join(["a"] * 2000)):
        with pytest.raises(ExpressionError, match="nested"):
            parse_expression(text, NAMES)
    # a long sum such as a 300-variable limit state is fine
    names = [f"x{i}" for i in range(300)]
    g = ExpressionLimitState(" + ".join(names), names)
    assert g.evaluate(np.ones((2, 300))).tolist() == [300.0, 300.0]


# --------------------------------------------------------------------- fuzzing
_PAYLOAD_FILE = os.path.join(tempfile.gettempdir(), f"youzhi_fuzz_marker_{os.getpid()}")
_TOKENS = ["a", "b", "c", "1", "2.5", "+", "-", "*", "/", "**", "(", ")", ",", " ", "sqrt", "min", "max", "if", "else",
           "<", ">=", "==", "and", "or", "not", ".", "[", "]", "'", "__import__", "os", "system", "lambda", ":", "pi",
           "exp", "__class__", "open", "x", "=", "{", "}", "%", "//", "@", ";", "\n", "e", "1e999", "j"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join)))
def test_fuzz_random_text_either_compiles_or_is_refused(text):
    try:
        parsed = parse_expression(text, NAMES)
    except ExpressionError:
        return
    # accepted: the generated source must be valid Python and only reference x and np
    compile(parsed.scalar_source, "<scalar>", "eval")
    compile(parsed.vector_source, "<vector>", "eval")
    ExpressionLimitState(text, NAMES).evaluate(np.array([[0.3, 1.7, -2.0], [5.0, 0.0, 1.0]]))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([
    "__import__('os').system('touch {f}')", "open('{f}', 'w')", "a.__class__.__bases__[0].__subclasses__()",
    "(lambda: __import__('os').system('touch {f}'))()", "[open('{f}', 'w') for a in b]",
    "exec(\"open('{f}','w')\")", "eval('1')", "getattr(a, 'real')", "globals()", "a if open('{f}','w') else b",
]), st.sampled_from(["", "1 + ", "min(a, ", "a * ("]), st.sampled_from(["", ")", " + b", "))"]))
def test_fuzz_payloads_never_execute(payload, prefix, suffix):
    text = prefix + payload.format(f=_PAYLOAD_FILE) + suffix
    with pytest.raises(ExpressionError):
        ExpressionLimitState(text, NAMES).evaluate(np.ones((1, 3)))
    assert not os.path.exists(_PAYLOAD_FILE)


_leaf = st.one_of(st.sampled_from(NAMES), st.floats(0.1, 10.0).map(lambda v: repr(round(v, 3))), st.just("pi"))


def _node(children):
    unary = st.tuples(st.sampled_from([f for f, spec in FUNCTIONS.items() if spec[0] == 1]), children).map(lambda t: f"{t[0]}({t[1]})")
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    two = st.tuples(st.sampled_from(["min", "max", "atan2"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
    ternary = st.tuples(children, children, children, children).map(lambda t: f"({t[0]} if {t[1]} < {t[2]} else {t[3]})")
    return st.one_of(unary, binary, two, ternary, children.map(lambda s: f"-{s}"))


class _NumpyConstants(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Call(ast.Name("f64", ast.Load()), [node], [])


@settings(max_examples=150, deadline=None)
@given(st.recursive(_leaf, _node, max_leaves=8))
@example("(pi / (pi - pi))").via("found by CI: a constant division by zero")
def test_fuzz_valid_trees_evaluate_like_python(text):
    # second, independent evaluation: Python itself on the test's own (trusted) string,
    # row by row with math-like numpy scalars
    g = ExpressionLimitState(text, NAMES)
    rows = np.array([[0.7, 1.9, 2.3], [3.1, 0.4, 1.2]])
    got = g.evaluate(rows)
    namespace = {f: getattr(np, spec[1].split(".")[-1]) if spec[1].startswith("np.") else None for f, spec in FUNCTIONS.items()}
    namespace.update(min=lambda *v: np.min(v), max=lambda *v: np.max(v), pi=math.pi, e=math.e, __builtins__={})
    namespace.update(pi=np.float64(math.pi), e=np.float64(math.e), f64=np.float64)
    # numbers as numpy scalars so that a constant 1 / (pi - pi) is inf, as in the kernels, not ZeroDivisionError
    numpy_text = compile(ast.fix_missing_locations(_NumpyConstants().visit(ast.parse(text, mode="eval"))), "<t>", "eval")
    with np.errstate(all="ignore"):
        for row, value in zip(rows, got):
            scope = dict(namespace, **{n: np.float64(v) for n, v in zip(NAMES, row)})
            expected = float(eval(numpy_text, scope))  # noqa: S307 - the test's own generated string
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-12, nan_ok=True)


def test_numba_scalar_code_matches_numpy_code():
    # the two generated codes (numba row kernel, NumPy columns) must agree
    text = "min(a * sqrt(abs(b)) - c**2, 3 - exp(c) / (1 + b**2)) if a > 0 else atan2(b, c) + tanh(a)"
    g = ExpressionLimitState(text, NAMES)
    x = np.random.default_rng(1).normal(size=(500, 3))
    out = np.empty(500)
    g.numba_module().g_rows(x, out)
    np.testing.assert_allclose(out, g.evaluate(x), rtol=1e-12)
    # the column form used by the crude kernel reads the same values from a transposed buffer
    columns = np.ascontiguousarray(x.T)
    np.testing.assert_array_equal([g.numba_module().g_column(columns, i) for i in range(500)], out)


# --------------------------------------------------------------------- callables and systems
def test_callables_python_numba_and_import():
    x = np.array([[3.0, 1.0], [1.0, 2.0]])
    assert CallableLimitState(lambda v: v[:, 0] - v[:, 1], ["R", "S"]).evaluate(x).tolist() == [2.0, -1.0]
    assert CallableLimitState(lambda row: row[0] - row[1], ["R", "S"], vectorized=False).evaluate(x).tolist() == [2.0, -1.0]
    from numba import njit

    @njit
    def row_g(row):
        return row[0] - row[1]

    assert CallableLimitState(row_g, ["R", "S"], vectorized=False).evaluate(x).tolist() == [2.0, -1.0]
    g = limit_state_from_import("tests.reliability.test_limit_state:g_importable", ["R", "S"])
    assert g.evaluate(x).tolist() == [1.0, -3.0]


@pytest.mark.parametrize("spec, message", [
    ("no_colon", "expected 'package.module:function'"),
    ("os.path:join; rm", "expected 'package.module:function'"),
    ("youzhi_no_such_module:g", "cannot import module"),
    ("math:no_such_function", "has no function 'no_such_function'"),
])
def test_import_string_errors(spec, message):
    with pytest.raises(InputError, match=message):
        limit_state_from_import(spec, ["a"])


def test_vectorized_callable_with_wrong_shape_is_an_error():
    with pytest.raises(InputError, match="one value per row"):
        CallableLimitState(lambda v: v, ["R", "S"]).evaluate(np.ones((3, 2)))


def test_series_and_parallel_systems():
    x = np.random.default_rng(2).normal(size=(200, 3))
    g1, g2 = ExpressionLimitState("1 - a", NAMES), ExpressionLimitState("1 - b * c", NAMES)
    g3 = CallableLimitState(lambda v: 0.5 - v[:, 2], NAMES)
    np.testing.assert_allclose(SystemLimitState([g1, g2], "series").evaluate(x), np.minimum(1 - x[:, 0], 1 - x[:, 1] * x[:, 2]))
    np.testing.assert_allclose(SystemLimitState([g1, g2, g3], "parallel").evaluate(x),
                               np.maximum.reduce([1 - x[:, 0], 1 - x[:, 1] * x[:, 2], 0.5 - x[:, 2]]))
    with pytest.raises(InputError, match="'series' or 'parallel'"):
        SystemLimitState([g1], "mixed")


def test_a_failing_user_function_is_a_computation_error():
    from youzhi.errors import ComputationError

    def broken(x):
        raise KeyError("boom")

    with pytest.raises(ComputationError, match="limit state .*broken raised KeyError: 'boom'"):
        CallableLimitState(broken, ["R"]).evaluate(np.ones((2, 1)))
