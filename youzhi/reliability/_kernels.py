"""numba kernels for crude Monte Carlo (never the public API; see ``simulation.py``).

A block of samples is processed a batch of rows at a time in per-call scratch buffers laid
out by column (``buffer[variable, row]``), so memory does not depend on the sample count and
every step after the normal draws is a tight loop over contiguous rows (the transforms
vectorize; the rows of the expression are independent, so the CPU overlaps them):

1. :func:`fill_normals` draws the batch's standard normals in two passes over the buffer:
   :func:`lane_words` fills it with raw 64-bit words from :data:`LANES` independent SFC64
   streams advanced side by side (the loop over lanes vectorizes; one SFC64 stream is a
   serial chain of dependent steps), then NumPy's 256-layer ziggurat turns each word into a
   normal in place; the rare words that fall outside the ziggurat's boxes finish on a
   separate SFC64 stream, the *fix-up* stream. The block's ``LANES + 1`` streams are seeded
   by :func:`block_state` from the block's ``SeedSequence``. These are not the normals of
   ``numpy.random.Generator(SFC64(seed))``; :func:`block_normals_numpy` is their NumPy twin;
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
is :func:`block_normals_numpy` followed by ``problem.u_to_x`` (tests).
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
#: SFC64 streams per block advanced side by side, and words each lane gives per pass. LLVM
#: vectorizes the loop over lanes only from 32 lanes on (8 uint64 per AVX-512 register, 4
#: registers at a time); with fewer it stays scalar.
LANES, STEPS = 32, 8
#: Normals are drawn in whole chunks of this many (one pass of every lane).
CHUNK = LANES * STEPS

_U1, _U3, _U8, _U9, _U11, _U24, _U40 = (np.uint64(k) for k in (1, 3, 8, 9, 11, 24, 40))
_LOW8 = np.uint64(0xFF)
_LOW9 = np.uint64(0x1FF)
_LOW52 = np.uint64(0x000FFFFFFFFFFFFF)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
#: The ziggurat's box widths with the sign folded in: ``_WS[r & 0x1FF]`` is ``wi[r & 0xFF]``
#: negated when bit 8 (NumPy's sign bit) is set; ``rabs * -w == -(rabs * w)`` exactly.
_WS = np.concatenate([_WI, -_WI])


def block_state(block_seed: np.random.SeedSequence) -> np.ndarray:
    """The SFC64 states of one block's streams, for :func:`fill_normals`: ``(4, LANES + 1)``
    ``uint64`` (rows ``a, b, c, w``; columns the lanes, then the fix-up stream).

    Stream ``k`` is seeded as ``numpy.random.SFC64`` seeds itself, from words ``3k .. 3k+2``
    of ``block_seed.generate_state`` (one call; spawning a ``SeedSequence`` per stream would
    cost more than drawing a block of normals).
    """
    state = np.empty((4, LANES + 1), dtype=np.uint64)
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps by design (NUMBA_DISABLE_JIT)
        seed_streams(block_seed.generate_state(3 * (LANES + 1), np.uint64), state)
    return state


@njit(cache=True, nogil=True)
def seed_streams(words, state):  # noqa: ANN001
    """``state[:, k]`` = SFC64 seeded with ``words[3k:3k+3]`` as NumPy's ``sfc64_set_seed``
    does: ``(a, b, c, w) = (words..., 1)``, then 12 steps."""
    for k in range(state.shape[1]):
        a, b, c, w = words[3 * k], words[3 * k + 1], words[3 * k + 2], _U1
        for _ in range(12):
            _, a, b, c, w = _sfc64_next(a, b, c, w)
        state[0, k], state[1, k], state[2, k], state[3, k] = a, b, c, w


@njit(cache=True, nogil=True)
def scratch_rows(d: int) -> int:
    """Rows per batch for ``d`` variables: buffers of about :data:`SCRATCH_VALUES` values."""
    return max(MIN_ROWS, min(MAX_ROWS, SCRATCH_VALUES // max(d, 1)))


@njit(cache=True, nogil=True)
def draws_per_batch(d: int) -> int:
    """Normals drawn per batch of ``d`` columns of :func:`scratch_rows` rows: ``d * rows``
    rounded up to whole :data:`CHUNK` (the batch uses the first ``d * rows``)."""
    return -(-d * scratch_rows(d) // CHUNK) * CHUNK


@njit(cache=True, nogil=True, inline="always")
def _sfc64_next(a, b, c, w):  # noqa: ANN001, ANN202
    """One SFC64 step (O'Neill's small fast chaotic generator, as NumPy): ``(value, a, b, c, w)``."""
    value = a + b + w
    return value, b ^ (b >> _U11), c + (c << _U3), ((c << _U24) | (c >> _U40)) + value, w + _U1


@njit(cache=True, nogil=True)
def _ziggurat_tail(rabs, a, b, c, w):  # noqa: ANN001, ANN202
    """NumPy's ziggurat beyond ``r`` (layer 0, outside its core): Marsaglia's tail method on
    the fix-up stream, signed by bit 8 of ``rabs`` as NumPy does. Returns ``(z, a, b, c, w)``."""
    while True:
        u1, a, b, c, w = _sfc64_next(a, b, c, w)
        u2, a, b, c, w = _sfc64_next(a, b, c, w)
        xx = -_ZIGGURAT_INV_R * math.log1p(-((u1 >> _U11) * _TO_UNIT))
        yy = -math.log1p(-((u2 >> _U11) * _TO_UNIT))
        if yy + yy > xx * xx:
            if (rabs >> _U8) & _U1:
                return -(_ZIGGURAT_R + xx), a, b, c, w
            return _ZIGGURAT_R + xx, a, b, c, w


@njit(cache=True, nogil=True)
def lane_words(state, raw):  # noqa: ANN001
    """Fill ``raw[s, p, k]`` (shape ``(STEPS, passes, LANES)``) with word ``p * STEPS + s``
    of lane ``k``'s SFC64 stream, advancing ``state[:, :LANES]`` in place.

    The loop over lanes vectorizes: each lane's state stays in registers for its ``STEPS``
    words, and the ``STEPS`` stores of one pass go to disjoint rows of ``raw``.
    """
    sa, sb, sc, sw = state[0], state[1], state[2], state[3]
    for p in range(raw.shape[1]):
        for k in range(LANES):
            a, b, c, w = sa[k], sb[k], sc[k], sw[k]
            for s in range(STEPS):
                r = a + b + w  # SFC64 step, as _sfc64_next
                raw[s, p, k] = r
                a = b ^ (b >> _U11)
                b = c + (c << _U3)
                c = ((c << _U24) | (c >> _U40)) + r
                w += _U1
            sa[k], sb[k], sc[k], sw[k] = a, b, c, w


@njit(cache=True, nogil=True)
def fill_normals(state, out, edges, work):  # noqa: ANN001
    """Fill the 1-d ``out`` (a whole number of :data:`CHUNK`) with standard normals.

    ``state`` (from :func:`block_state`) is advanced in place; ``edges`` (``int64``) and
    ``work`` (``float64``, shape ``(3, len(out))``) are scratch. ``out`` first holds the lanes'
    raw words (:func:`lane_words`). The common path of NumPy's ziggurat
    (``random_standard_normal``) turns a word into ``z`` in place; the 1.5 % of words outside
    their box's core stay in ``out`` and are listed in ``edges`` for :func:`_finish_edges`, so
    this loop has one well-predicted branch.
    """
    n = out.shape[0]
    raw = out.view(np.uint64)
    lane_words(state, raw.reshape((STEPS, n // CHUNK, LANES)))
    n_edges = 0
    for i in range(n):
        r = raw[i]
        rabs = (r >> _U9) & _LOW52
        if rabs < _KI[r & _LOW8]:
            out[i] = rabs * _WS[r & _LOW9]
        else:
            edges[n_edges] = i
            n_edges += 1
    _finish_edges(state[:, LANES], raw, out, edges, n_edges, work)


@njit(cache=True, nogil=True)
def _finish_edges(fixup, raw, out, edges, n_edges, work):  # noqa: ANN001
    """Finish the ziggurat at the positions ``edges[:n_edges]`` (raw words still in ``raw``,
    the ``uint64`` view of ``out``) on the fix-up stream ``fixup`` (advanced in place).

    In rounds, in list order: layer 0 takes :func:`_ziggurat_tail`; any other layer takes two
    words, ``u`` for the wedge test and a fresh word for a new draw if the test rejects. The
    fresh word's common path gives ``z`` at once; a fresh word outside its core waits for the
    next round. Each position ends with NumPy's ziggurat on independent words. A round is three
    loops: draw the words and set up the wedge tests (``work`` holds ``y``, ``exp``'s argument
    then its value, and ``z``), take the ``exp`` in a loop of its own (nothing to save around
    the call), decide; about 2/3 of the time of one loop doing it all.
    """
    a, b, c, w = fixup[0], fixup[1], fixup[2], fixup[3]
    y, e, z = work[0], work[1], work[2]
    while n_edges:
        for k in range(n_edges):
            i = edges[k]
            r = raw[i]
            idx = r & _LOW8
            rabs = (r >> _U9) & _LOW52
            e[k] = 0.0
            if idx == 0:  # tail: done here, skipped below
                out[i], a, b, c, w = _ziggurat_tail(rabs, a, b, c, w)
                edges[k] = -1
                continue
            u, a, b, c, w = _sfc64_next(a, b, c, w)
            raw[i], a, b, c, w = _sfc64_next(a, b, c, w)  # the fresh word, if the test rejects
            z[k] = rabs * _WS[r & _LOW9]
            y[k] = (_FI[idx - 1] - _FI[idx]) * ((u >> _U11) * _TO_UNIT) + _FI[idx]
            e[k] = -0.5 * z[k] * z[k]
        for k in range(n_edges):
            e[k] = math.exp(e[k])
        waiting = 0
        for k in range(n_edges):
            i = edges[k]
            if i < 0:
                continue
            fresh = raw[i]
            fresh_abs = (fresh >> _U9) & _LOW52
            accepted = y[k] < e[k]
            out[i] = z[k] if accepted else fresh_abs * _WS[fresh & _LOW9]
            if not accepted and fresh_abs >= _KI[fresh & _LOW8]:
                raw[i] = fresh
                edges[waiting] = i
                waiting += 1
        n_edges = waiting
    fixup[0], fixup[1], fixup[2], fixup[3] = a, b, c, w


def block_normals_numpy(block_seed: np.random.SeedSequence, d: int, n: int) -> np.ndarray:
    """NumPy twin of the kernels' draws (for tests): the ``(n, d)`` standard normals that a
    block of ``n`` samples of ``d`` variables uses, from the words of NumPy's own SFC64 (C)
    and the ziggurat written with NumPy arrays.

    Each batch draws :func:`draws_per_batch` normals into ``u[variable, row]`` (the first
    ``d * rows`` values), its rows are the next samples (the last batch may use fewer).
    """
    words = block_seed.generate_state(3 * (LANES + 1), np.uint64).reshape(LANES + 1, 3)
    streams = []
    for seed_words in words:
        bit_generator = np.random.SFC64()
        bit_generator.state = {"bit_generator": "SFC64", "state": {"state": np.append(seed_words, np.uint64(1))},
                               "has_uint32": 0, "uinteger": 0}
        bit_generator.random_raw(12)  # NumPy's seeding ends with 12 steps
        streams.append(bit_generator)
    lanes, fixup = streams[:LANES], streams[LANES]
    rows, size = int(scratch_rows(d)), int(draws_per_batch(d))
    batches = []
    for _ in range(-(-n // rows)):
        raw = np.stack([lane.random_raw(size // LANES) for lane in lanes], axis=1)  # [word of lane, lane]
        raw = raw.reshape(size // CHUNK, STEPS, LANES).transpose(1, 0, 2).ravel()  # as lane_words lays it out
        z, core = _ziggurat_core_numpy(raw)
        waiting = [(int(i), int(raw[i])) for i in np.flatnonzero(~core)]
        while waiting:  # the rounds of _finish_edges, on NumPy's SFC64
            waiting_next = []
            for i, r in waiting:
                idx, rabs = r & 0xFF, (r >> 9) & 0x000FFFFFFFFFFFFF
                if idx == 0:
                    z[i] = _ziggurat_tail_numpy(rabs, fixup)
                    continue
                u, fresh = fixup.random_raw(2)
                z_old = rabs * float(_WS[r & 0x1FF])
                if (_FI[idx - 1] - _FI[idx]) * ((int(u) >> 11) * _TO_UNIT) + _FI[idx] < math.exp(-0.5 * z_old * z_old):
                    z[i] = z_old
                    continue
                fresh_z, fresh_core = _ziggurat_core_numpy(np.array([fresh]))
                z[i] = fresh_z[0]
                if not fresh_core[0]:
                    waiting_next.append((i, int(fresh)))
            waiting = waiting_next
        batches.append(z[:d * rows].reshape(d, rows).T)
    return np.concatenate(batches)[:n]


def _ziggurat_core_numpy(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NumPy's ziggurat common path on raw words: ``(z, in_core)`` (for tests)."""
    rabs = (raw >> _U9) & _LOW52
    return rabs * _WS[(raw & _LOW9).astype(np.intp)], rabs < _KI[(raw & _LOW8).astype(np.intp)]


def _ziggurat_tail_numpy(rabs: int, fixup: np.random.SFC64) -> float:
    """NumPy's ziggurat tail (``random_standard_normal``, layer 0) on ``fixup`` (for tests)."""
    while True:
        u1, u2 = (int(v) >> 11 for v in fixup.random_raw(2))
        xx = -_ZIGGURAT_INV_R * math.log1p(-u1 * _TO_UNIT)
        if -math.log1p(-u2 * _TO_UNIT) * 2 > xx * xx:
            return -(_ZIGGURAT_R + xx) if (rabs >> 8) & 1 else _ZIGGURAT_R + xx


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
def transform_columns(codes, params, x, m):  # noqa: ANN001
    """``x[j, :m]`` = marginal ``j``'s inverse CDF at ``Phi(x[j, :m])``, in place (one array,
    so LLVM needs no overlap check and the normal and lognormal loops vectorize)."""
    for j in range(codes.shape[0]):
        code, p0, p1, p2 = codes[j], params[j, 0], params[j, 1], params[j, 2]
        xj = x[j]
        if code == KERNEL_NORMAL and p0 == 0.0 and p1 == 1.0:
            continue  # standard normal: already there
        if code == KERNEL_NORMAL:
            for i in range(m):
                xj[i] = p0 + p1 * xj[i]
        elif code == KERNEL_LOGNORMAL:
            for i in range(m):
                xj[i] = math.exp(p0 + p1 * xj[i])
        else:
            for i in range(m):
                xj[i] = x_from_z(code, p0, p1, p2, xj[i])


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
    draws = np.empty(draws_per_batch(d))
    edges, work = np.empty(draws.shape[0], dtype=np.int64), np.empty((3, draws.shape[0]))
    u = draws[:d * rows].reshape((d, rows))
    x = np.empty((d, rows)) if correlated else u
    row = np.empty(d)
    values = np.empty(rows)
    failures = 0
    done = 0
    while done < n:
        m = min(rows, n - done)
        fill_normals(state, draws, edges, work)
        if correlated:
            correlate_columns(chol, u, x, m)
        transform_columns(codes, params, x, m)
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
    draws = np.empty(_kernels.draws_per_batch(d))
    edges, work = np.empty(draws.shape[0], dtype=np.int64), np.empty((3, draws.shape[0]))
    u = draws[:d * rows].reshape((d, rows))
    x = np.empty((d, rows)) if correlated else u
    failures = 0
    done = 0
    while done < n:
        m = min(rows, n - done)
        _kernels.fill_normals(state, draws, edges, work)
        if correlated:
            _kernels.correlate_columns(chol, u, x, m)
        _kernels.transform_columns(codes, params, x, m)
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
