"""numba kernels for crude Monte Carlo (never the public API; see ``simulation.py``).

A block of samples is processed a batch of rows at a time in per-call scratch buffers laid
out by column (``buffer[variable, row]``), so memory does not depend on the sample count and
every step after the normal draws is a tight loop over contiguous rows (the transforms
vectorize; the rows of the expression are independent, so the CPU overlaps them):

1. :func:`fill_normals` draws standard normals with an inlined SFC64 bit generator and
   NumPy's 256-layer ziggurat, *bit for bit* the stream of
   ``numpy.random.Generator(numpy.random.SFC64(seed)).standard_normal()`` (row after row,
   variable after variable), without the indirect call per number that numba's
   ``Generator.standard_normal`` makes; the state is four ``uint64`` from :func:`sfc64_state`;
2. :func:`correlate_columns` applies the copula's Cholesky factor (correlated problems only);
3. :func:`transform_columns` maps each column to its marginal with the closed-form inverse CDF
   :func:`x_from_z` (codes in :mod:`youzhi.reliability.distributions`), one branch per column;
4. the limit state is evaluated row by row on the scratch columns (no allocation per sample),
   counting ``g <= 0`` and NaNs in one store-free loop; a batch with a NaN is scanned again
   for the first one.

An expression limit state gets its own small generated module (see ``limit_state.py``) whose
``crude_block`` runs those steps with the generated ``g_column``; that module is a real file,
so numba's ``cache=True`` keeps its machine code between processes. :func:`crude_block_generic`
is the same loop taking any numba row function (for numba functions given by the user;
compiled once per process). No ``fastmath``: reassociation would change a user's expression's
rounding against its NumPy evaluation and ``nnan`` would delete the NaN check. numba's
default is already ``boundscheck=False``.

``x_from_z_numpy`` is the NumPy twin of :func:`x_from_z`; the NumPy twin of the whole kernel
is ``Generator(SFC64(seed)).standard_normal((n, d))`` followed by ``problem.u_to_x`` (tests).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# NumPy's ziggurat tables (ziggurat_constants.h), as numba ships them for its own Generator
# support; tests check the draws against NumPy's Generator bit for bit.
from numba.np.random._constants import fi_double as _FI
from numba.np.random._constants import ki_double as _KI
from numba.np.random._constants import wi_double as _WI
from numba.np.random._constants import ziggurat_nor_inv_r as _ZIGGURAT_INV_R
from numba.np.random._constants import ziggurat_nor_r as _ZIGGURAT_R

from youzhi.reliability.distributions import (
    KERNEL_EXPONENTIAL,
    KERNEL_GUMBEL,
    KERNEL_LOGNORMAL,
    KERNEL_NORMAL,
    KERNEL_UNIFORM,
    KERNEL_WEIBULL,
)

_SQRT_HALF = 1.0 / math.sqrt(2.0)
#: About this many float64 per scratch buffer (rows x variables): 32 KiB, cache-resident.
SCRATCH_VALUES = 4096
#: Bounds on the rows per batch.
MIN_ROWS, MAX_ROWS = 16, 512

_U1, _U3, _U8, _U11, _U24, _U40 = (np.uint64(k) for k in (1, 3, 8, 11, 24, 40))
_LOW8 = np.uint64(0xFF)
_LOW52 = np.uint64(0x000FFFFFFFFFFFFF)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def sfc64_state(block_seed: np.random.SeedSequence) -> np.ndarray:
    """The four ``uint64`` words of ``numpy.random.SFC64(block_seed)``, for :func:`fill_normals`."""
    return np.array(np.random.SFC64(block_seed).state["state"]["state"], dtype=np.uint64)


@njit(cache=True, nogil=True)
def scratch_rows(d: int) -> int:
    """Rows per batch for ``d`` variables: buffers of about :data:`SCRATCH_VALUES` values."""
    return max(MIN_ROWS, min(MAX_ROWS, SCRATCH_VALUES // max(d, 1)))


@njit(cache=True, nogil=True, inline="always")
def _sfc64_next(a, b, c, w):  # noqa: ANN001, ANN202
    """One SFC64 step (O'Neill's small fast chaotic generator, as NumPy): ``(value, a, b, c, w)``."""
    value = a + b + w
    return value, b ^ (b >> _U11), c + (c << _U3), ((c << _U24) | (c >> _U40)) + value, w + _U1


@njit(cache=True, nogil=True)
def _standard_normal(a, b, c, w):  # noqa: ANN001, ANN202
    """One standard normal by NumPy's ziggurat (``random_standard_normal``): ``(z, a, b, c, w)``."""
    while True:
        r, a, b, c, w = _sfc64_next(a, b, c, w)
        idx = r & _LOW8
        r = r >> _U8
        rabs = (r >> _U1) & _LOW52
        z = rabs * _WI[idx]
        if r & _U1:
            z = -z
        if rabs < _KI[idx]:
            return z, a, b, c, w
        z, accepted, a, b, c, w = _ziggurat_edge(idx, rabs, z, a, b, c, w)
        if accepted:
            return z, a, b, c, w


@njit(cache=True, nogil=True)
def _ziggurat_edge(idx, rabs, z, a, b, c, w):  # noqa: ANN001, ANN202
    """The ziggurat's rare steps after a point fell outside its box's core: the tail beyond
    ``r`` (layer 0) or the wedge test. Returns ``(z, accepted, a, b, c, w)``."""
    if idx == 0:
        while True:
            u1, a, b, c, w = _sfc64_next(a, b, c, w)
            u2, a, b, c, w = _sfc64_next(a, b, c, w)
            xx = -_ZIGGURAT_INV_R * math.log1p(-((u1 >> _U11) * _TO_UNIT))
            yy = -math.log1p(-((u2 >> _U11) * _TO_UNIT))
            if yy + yy > xx * xx:
                if (rabs >> _U8) & _U1:
                    return -(_ZIGGURAT_R + xx), True, a, b, c, w
                return _ZIGGURAT_R + xx, True, a, b, c, w
    u1, a, b, c, w = _sfc64_next(a, b, c, w)
    accepted = (_FI[idx - 1] - _FI[idx]) * ((u1 >> _U11) * _TO_UNIT) + _FI[idx] < math.exp(-0.5 * z * z)
    return z, accepted, a, b, c, w


@njit(cache=True, nogil=True)
def fill_normals(state, out, m):  # noqa: ANN001
    """Fill ``out[:, :m]`` (``out[variable, row]``) with standard normals drawn row by row.

    ``state`` (four ``uint64``, see :func:`sfc64_state`) is advanced in place. The common
    path of the ziggurat is written out here so the whole draw stays in registers.
    """
    a, b, c, w = state[0], state[1], state[2], state[3]
    d = out.shape[0]
    for i in range(m):
        for j in range(d):
            r = a + b + w  # SFC64 step, as _sfc64_next
            w += _U1
            a = b ^ (b >> _U11)
            b = c + (c << _U3)
            c = ((c << _U24) | (c >> _U40)) + r
            idx = r & _LOW8
            r = r >> _U8
            rabs = (r >> _U1) & _LOW52
            z = rabs * _WI[idx]
            if r & _U1:
                z = -z
            if rabs >= _KI[idx]:
                z, accepted, a, b, c, w = _ziggurat_edge(idx, rabs, z, a, b, c, w)
                if not accepted:
                    z, a, b, c, w = _standard_normal(a, b, c, w)
            out[j, i] = z
    state[0], state[1], state[2], state[3] = a, b, c, w


@njit(cache=True, nogil=True, inline="always")
def log_phi(z: float) -> float:
    """``log Phi(z)``, accurate in both tails."""
    if z < 0.0:
        return math.log(0.5 * math.erfc(-z * _SQRT_HALF))
    return math.log1p(-0.5 * math.erfc(z * _SQRT_HALF))


@njit(cache=True, nogil=True, inline="always")
def x_from_z(code: int, p0: float, p1: float, p2: float, z: float) -> float:
    """One marginal's inverse CDF at ``Phi(z)`` (closed form, both tails accurate)."""
    if code == KERNEL_NORMAL:
        return p0 + p1 * z
    if code == KERNEL_LOGNORMAL:
        return math.exp(p0 + p1 * z)
    if code == KERNEL_UNIFORM:
        return p0 + (p1 - p0) * (0.5 * math.erfc(-z * _SQRT_HALF))
    if code == KERNEL_GUMBEL:  # largest: F(x) = exp(-exp(-(x - loc)/scale))
        return p0 - p1 * math.log(-log_phi(z))
    if code == KERNEL_WEIBULL:  # p0 = scale, p1 = shape, p2 = loc; -log(1 - F) = -log Phi(-z)
        return p2 + p0 * (-log_phi(-z)) ** (1.0 / p1)
    if code == KERNEL_EXPONENTIAL:  # p0 = rate, p1 = loc
        return p1 + (-log_phi(-z)) / p0
    return math.nan


@njit(cache=True, nogil=True)
def correlate_columns(chol, u, z, m):  # noqa: ANN001
    """``z[:, :m] = chol @ u[:, :m]`` for a lower-triangular ``chol``, summing over ``k``
    in increasing order (the same rounding as one row at a time)."""
    d = chol.shape[0]
    for j in range(d):
        zj = z[j]
        for i in range(m):
            zj[i] = 0.0
        for k in range(j + 1):
            weight = chol[j, k]
            uk = u[k]
            for i in range(m):
                zj[i] += weight * uk[i]


@njit(cache=True, nogil=True)
def transform_columns(codes, params, z, x, m):  # noqa: ANN001
    """``x[j, :m]`` = marginal ``j``'s inverse CDF at ``Phi(z[j, :m])`` (``x`` may be ``z``)."""
    for j in range(codes.shape[0]):
        code, p0, p1, p2 = codes[j], params[j, 0], params[j, 1], params[j, 2]
        zj, xj = z[j], x[j]
        if code == KERNEL_NORMAL:
            for i in range(m):
                xj[i] = p0 + p1 * zj[i]
        elif code == KERNEL_LOGNORMAL:
            for i in range(m):
                xj[i] = math.exp(p0 + p1 * zj[i])
        else:
            for i in range(m):
                xj[i] = x_from_z(code, p0, p1, p2, zj[i])


@njit(cache=True, nogil=True)
def count_failures(values, m):  # noqa: ANN001
    """``(failures, first NaN row or -1)`` over ``values[:m]``; counting stops at a NaN."""
    failures = 0
    for i in range(m):
        value = values[i]
        if value != value:
            return failures, i
        if value <= 0.0:
            failures += 1
    return failures, -1


@njit(nogil=True)
def crude_block_generic(g_row, state, n, codes, params, chol, correlated, nan_x):  # noqa: ANN001
    """Count failures ``g <= 0`` over ``n`` samples; stops at the first NaN.

    The same draws, order and transform as the generated ``crude_block``; ``g_row`` is called
    on one row at a time. Returns ``(failures, nan_index)`` with ``nan_index = -1`` when no NaN
    was met; otherwise ``nan_x`` holds the offending point.
    """
    d = codes.shape[0]
    rows = scratch_rows(d)
    u = np.empty((d, rows))
    x = np.empty((d, rows)) if correlated else u
    row = np.empty(d)
    values = np.empty(rows)
    failures = 0
    done = 0
    while done < n:
        m = min(rows, n - done)
        fill_normals(state, u, m)
        if correlated:
            correlate_columns(chol, u, x, m)
        transform_columns(codes, params, x, x, m)
        for i in range(m):
            for j in range(d):
                row[j] = x[j, i]
            values[i] = g_row(row)
        block_failures, bad = count_failures(values, m)
        failures += block_failures
        if bad >= 0:
            nan_x[:] = x[:, bad]
            return failures, done + bad
        done += m
    return failures, -1


@njit(nogil=True)
def rows_generic(g_row, x, out):  # noqa: ANN001
    """Apply a numba row function to every row of ``x``."""
    for i in range(x.shape[0]):
        out[i] = g_row(x[i])


#: Body of the generated, cacheable kernels for an expression (see limit_state.py).
GENERATED_MODULE = '''\
# Generated by youzhi from a checked limit-state expression; do not edit.
# expression: {text}
# _kernels.py version: {version}
import numpy as np
from numba import njit

from youzhi.reliability import _kernels


@njit(cache=True, nogil=True, error_model="numpy")
def g_row(x):
    return float({scalar})


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def g_column(x, i):
    return float({column})


@njit(cache=True, nogil=True, error_model="numpy")
def g_rows(x, out):
    for i in range(x.shape[0]):
        out[i] = g_row(x[i])


@njit(cache=True, nogil=True, error_model="numpy")
def crude_block(state, n, codes, params, chol, correlated, nan_x):
    # the steps of _kernels.crude_block_generic, with the expression evaluated in place; the
    # evaluation loop only reads x and counts (no store), so LLVM vectorizes it across rows
    d = codes.shape[0]
    rows = _kernels.scratch_rows(d)
    u = np.empty((d, rows))
    x = np.empty((d, rows)) if correlated else u
    failures = 0
    done = 0
    while done < n:
        m = min(rows, n - done)
        _kernels.fill_normals(state, u, m)
        if correlated:
            _kernels.correlate_columns(chol, u, x, m)
        _kernels.transform_columns(codes, params, x, x, m)
        block_failures = 0
        nans = 0
        for i in range(m):
            value = g_column(x, i)
            block_failures += 1 if value <= 0.0 else 0
            nans += 1 if value != value else 0
        if nans:
            for i in range(m):
                value = g_column(x, i)
                if value != value:
                    nan_x[:] = x[:, i]
                    return failures, done + i
        failures += block_failures
        done += m
    return failures, -1
'''


def x_from_z_numpy(code: int, params: np.ndarray, z: np.ndarray) -> np.ndarray:
    """NumPy twin of :func:`x_from_z` (for tests)."""
    from scipy import special

    p0, p1, p2 = params
    log_cdf = special.log_ndtr(z)
    log_sf = special.log_ndtr(-z)
    return {
        KERNEL_NORMAL: lambda: p0 + p1 * z,
        KERNEL_LOGNORMAL: lambda: np.exp(p0 + p1 * z),
        KERNEL_UNIFORM: lambda: p0 + (p1 - p0) * special.ndtr(z),
        KERNEL_GUMBEL: lambda: p0 - p1 * np.log(-log_cdf),
        KERNEL_WEIBULL: lambda: p2 + p0 * (-log_sf) ** (1.0 / p1),
        KERNEL_EXPONENTIAL: lambda: p1 + (-log_sf) / p0,
    }[code]()
