"""numba kernels over a flattened BDD (see :meth:`youzhi.fta.bdd.Bdd.flatten`).

Arrays only, never the public API. ``var[i]``, ``high[i]``, ``low[i]`` describe node ``i``
(node 0 is the terminal ONE); an edge is ``2 * node + complemented``; nodes are stored
children before parents. The plain-Python twins (``*_py``) define the same numbers for tests.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


def probability_one_py(var, high, low, root, p):
    """P(root) by one bottom-up pass (Shannon: P = p P(high) + (1 - p) P(low))."""
    m = len(var)
    val = [1.0] * m
    for i in range(1, m):
        h, lo = high[i], low[i]
        ph = val[h >> 1]
        if h & 1:
            ph = 1.0 - ph
        pl = val[lo >> 1]
        if lo & 1:
            pl = 1.0 - pl
        q = p[var[i]]
        val[i] = q * ph + (1.0 - q) * pl
    r = val[root >> 1]
    return 1.0 - r if root & 1 else r


@njit(cache=True, nogil=True)
def _probability_into(var, high, low, root, p, val):
    m = var.shape[0]
    val[0] = 1.0
    for i in range(1, m):
        h = high[i]
        lo = low[i]
        ph = val[h >> 1]
        if h & 1:
            ph = 1.0 - ph
        pl = val[lo >> 1]
        if lo & 1:
            pl = 1.0 - pl
        q = p[var[i]]
        val[i] = q * ph + (1.0 - q) * pl
    r = val[root >> 1]
    if root & 1:
        r = 1.0 - r
    return r


@njit(cache=True, nogil=True)
def probability_one(var, high, low, root, p):
    """P(root) for one probability vector ``p`` (kernel twin of :func:`probability_one_py`)."""
    val = np.empty(var.shape[0])
    return _probability_into(var, high, low, root, p, val)


@njit(cache=True, nogil=True, parallel=True)
def probability_many(var, high, low, root, P):
    """P(root) for each row of ``P``; rows are split in fixed blocks (result independent of threads)."""
    n = P.shape[0]
    out = np.empty(n)
    block = 64
    nblocks = (n + block - 1) // block
    for b in prange(nblocks):
        val = np.empty(var.shape[0])
        for s in range(b * block, min(n, (b + 1) * block)):
            out[s] = _probability_into(var, high, low, root, P[s], val)
    return out


def birnbaum_py(var, high, low, root, p):
    """(P(root), dP/dp_j for every variable j): bottom-up values, top-down partial derivatives.

    ``d[i]`` is dP(root)/dP(node i). Through an edge to node ``c`` with coefficient ``a``
    (``p`` on the high edge, ``1 - p`` on the low edge) the parent adds ``+-a d[parent]``
    (minus through a complemented edge). The variable of node ``i`` gets
    ``d[i] (P(high) - P(low))``.
    """
    m = len(var)
    val = [1.0] * m
    for i in range(1, m):
        ph = val[high[i] >> 1]
        ph = 1.0 - ph if high[i] & 1 else ph
        pl = val[low[i] >> 1]
        pl = 1.0 - pl if low[i] & 1 else pl
        val[i] = p[var[i]] * ph + (1.0 - p[var[i]]) * pl
    top = val[root >> 1]
    top = 1.0 - top if root & 1 else top
    d = [0.0] * m
    d[root >> 1] = -1.0 if root & 1 else 1.0
    b = [0.0] * len(p)
    for i in range(m - 1, 0, -1):
        if d[i] == 0.0:
            continue
        q = p[var[i]]
        ph = val[high[i] >> 1]
        ph = 1.0 - ph if high[i] & 1 else ph
        pl = val[low[i] >> 1]
        pl = 1.0 - pl if low[i] & 1 else pl
        b[var[i]] += d[i] * (ph - pl)
        d[high[i] >> 1] += -d[i] * q if high[i] & 1 else d[i] * q
        d[low[i] >> 1] += -d[i] * (1.0 - q) if low[i] & 1 else d[i] * (1.0 - q)
    return top, np.array(b, dtype=float)


@njit(cache=True, nogil=True)
def birnbaum(var, high, low, root, p):
    """Kernel twin of :func:`birnbaum_py`."""
    m = var.shape[0]
    val = np.empty(m)
    top = _probability_into(var, high, low, root, p, val)
    d = np.zeros(m)
    d[root >> 1] = -1.0 if root & 1 else 1.0
    b = np.zeros(p.shape[0])
    for i in range(m - 1, 0, -1):
        di = d[i]
        if di == 0.0:
            continue
        q = p[var[i]]
        h = high[i]
        lo = low[i]
        ph = val[h >> 1]
        if h & 1:
            ph = 1.0 - ph
        pl = val[lo >> 1]
        if lo & 1:
            pl = 1.0 - pl
        b[var[i]] += di * (ph - pl)
        if h & 1:
            d[h >> 1] -= di * q
        else:
            d[h >> 1] += di * q
        if lo & 1:
            d[lo >> 1] -= di * (1.0 - q)
        else:
            d[lo >> 1] += di * (1.0 - q)
    return top, b


# -- BDD manager kernels (see youzhi.fta.fastbdd) ---------------------------------------------
# Nodes live in arrays ``lv`` (level; the terminal's is the number of variables), ``hi``, ``lo``
# (edges); ``meta[0]`` is the number of nodes in use. ``table`` is an open-addressing unique
# table of node ids (0 = empty slot; node 0 is the terminal and is never stored); ``cache`` a
# lossy direct-mapped table of AND results (one row per entry: f, g, result, one cache line). A
# kernel returns -1 when the node arrays are full: the caller grows them and calls again (nodes
# made so far are kept).

@njit(cache=True, nogil=True, inline="always")
def _slot(level, high, low, mask):
    h = level * 0x9E3779B1 + high * 0x85EBCA77 + low * 0xC2B2AE3D
    h ^= h >> 29
    return h & mask


@njit(cache=True, nogil=True)
def _make_node(level, high, low, lv, hi, lo, meta, table):
    """Edge of the reduced node (level, high, low); -1 when the arrays are full."""
    if high == low:
        return high
    flip = high & 1
    if flip:
        high ^= 1
        low ^= 1
    mask = table.shape[0] - 1
    s = _slot(level, high, low, mask)
    while True:
        n = table[s]
        if n == 0:
            break
        if lv[n] == level and hi[n] == high and lo[n] == low:
            return (n << 1) | flip
        s = (s + 1) & mask
    n = meta[0]
    if n >= lv.shape[0] or 2 * n > table.shape[0]:
        return -1
    lv[n] = level
    hi[n] = high
    lo[n] = low
    table[s] = n
    meta[0] = n + 1
    return (n << 1) | flip


@njit(cache=True, nogil=True)
def bdd_and(f, g, lv, hi, lo, meta, table, cache):
    """Edge of ``f AND g`` (iterative Shannon recursion with an explicit stack); -1 when full."""
    depth = 2 * lv[0] + 8
    sf = np.empty(depth, np.int64)
    sg = np.empty(depth, np.int64)
    sv = np.empty(depth, np.int64)
    sf0 = np.empty(depth, np.int64)
    sg0 = np.empty(depth, np.int64)
    shigh = np.empty(depth, np.int64)
    stage = np.empty(depth, np.int64)
    cmask = cache.shape[0] - 1
    sp = 0
    sf[0] = f
    sg[0] = g
    stage[0] = 0
    ret = 0
    while sp >= 0:
        st = stage[sp]
        if st == 0:
            a = sf[sp]
            b = sg[sp]
            if a == b or b == 0:
                ret = a
                sp -= 1
                continue
            if a == 0:
                ret = b
                sp -= 1
                continue
            if a == 1 or b == 1 or a == (b ^ 1):
                ret = 1
                sp -= 1
                continue
            if a > b:
                a, b = b, a
            c = ((a * 0x9E3779B1) ^ (b * 0x85EBCA77)) & cmask
            if cache[c, 0] == a and cache[c, 1] == b:
                ret = cache[c, 2]
                sp -= 1
                continue
            na = a >> 1
            nb = b >> 1
            la = lv[na]
            lb = lv[nb]
            if la <= lb:
                top = la
                ca = a & 1
                a1 = hi[na] ^ ca
                a0 = lo[na] ^ ca
            else:
                top = lb
                a1 = a
                a0 = a
            if lb <= la:
                cb = b & 1
                b1 = hi[nb] ^ cb
                b0 = lo[nb] ^ cb
            else:
                b1 = b
                b0 = b
            sf[sp] = a
            sg[sp] = b
            sv[sp] = top
            sf0[sp] = a0
            sg0[sp] = b0
            stage[sp] = 1
            sp += 1
            sf[sp] = a1
            sg[sp] = b1
            stage[sp] = 0
        elif st == 1:
            shigh[sp] = ret
            stage[sp] = 2
            a0 = sf0[sp]
            b0 = sg0[sp]
            sp += 1
            sf[sp] = a0
            sg[sp] = b0
            stage[sp] = 0
        else:
            r = _make_node(sv[sp], shigh[sp], ret, lv, hi, lo, meta, table)
            if r < 0:
                return -1
            a = sf[sp]
            b = sg[sp]
            c = ((a * 0x9E3779B1) ^ (b * 0x85EBCA77)) & cmask
            cache[c, 0] = a
            cache[c, 1] = b
            cache[c, 2] = r
            ret = r
            sp -= 1
    return ret


@njit(cache=True, nogil=True)
def bdd_rehash(lv, hi, lo, n, table):
    """Fill an empty unique ``table`` with nodes ``1 .. n - 1``."""
    mask = table.shape[0] - 1
    for i in range(1, n):
        s = _slot(lv[i], hi[i], lo[i], mask)
        while table[s] != 0:
            s = (s + 1) & mask
        table[s] = i


@njit(cache=True, nogil=True)
def bdd_reachable(roots, hi, lo, n):
    """Mask of the nodes reachable from the edges ``roots`` (node ids grow upwards)."""
    mark = np.zeros(n, np.bool_)
    for r in roots:
        mark[r >> 1] = True
    for i in range(n - 1, 0, -1):
        if mark[i]:
            mark[hi[i] >> 1] = True
            mark[lo[i] >> 1] = True
    mark[0] = True
    return mark


# -- modular BDDs (see youzhi.fta.modules.ModularBdd) -----------------------------------------
# Nodes of every module are stored children first and module after module, sub-modules first:
# module m owns nodes ``start[m] .. end[m] - 1`` and has root edge ``root[m]``; its probability
# becomes column ``col[m]`` of the extended vectors, where its parents read it. Both P(node)
# and P(not node) are carried (``p_ext`` and ``q_ext = 1 - p_ext``), each a sum of positive
# terms, so that a complement edge never computes ``1 - (1 - tiny)`` (top probabilities of
# 1e-13 keep all their digits).

def modular_probability_py(var, high, low, start, end, root, col, p_ext, q_ext):
    """P(top) (the last module), filling the module columns of ``p_ext``/``q_ext`` in place."""
    val = [1.0] * len(var)
    cval = [0.0] * len(var)
    r = 1.0
    for m in range(len(start)):
        for i in range(start[m], end[m]):
            h, lo = high[i], low[i]
            ph, qh = (cval[h >> 1], val[h >> 1]) if h & 1 else (val[h >> 1], cval[h >> 1])
            pl, ql = (cval[lo >> 1], val[lo >> 1]) if lo & 1 else (val[lo >> 1], cval[lo >> 1])
            q, c = p_ext[var[i]], q_ext[var[i]]
            val[i] = q * ph + c * pl
            cval[i] = q * qh + c * ql
        n = root[m] >> 1
        r, rc = (cval[n], val[n]) if root[m] & 1 else (val[n], cval[n])
        p_ext[col[m]] = r
        q_ext[col[m]] = rc
    return r


@njit(cache=True, nogil=True)
def _modular_into(var, high, low, start, end, root, col, p_ext, q_ext, val, cval):
    val[0] = 1.0
    cval[0] = 0.0
    r = 1.0
    for m in range(start.shape[0]):
        for i in range(start[m], end[m]):
            h = high[i]
            lo = low[i]
            if h & 1:
                ph = cval[h >> 1]
                qh = val[h >> 1]
            else:
                ph = val[h >> 1]
                qh = cval[h >> 1]
            if lo & 1:
                pl = cval[lo >> 1]
                ql = val[lo >> 1]
            else:
                pl = val[lo >> 1]
                ql = cval[lo >> 1]
            q = p_ext[var[i]]
            c = q_ext[var[i]]
            val[i] = q * ph + c * pl
            cval[i] = q * qh + c * ql
        n = root[m] >> 1
        if root[m] & 1:
            r = cval[n]
            rc = val[n]
        else:
            r = val[n]
            rc = cval[n]
        p_ext[col[m]] = r
        q_ext[col[m]] = rc
    return r


@njit(cache=True, nogil=True)
def modular_probability(var, high, low, start, end, root, col, p_ext, q_ext):
    """Kernel twin of :func:`modular_probability_py`."""
    val = np.empty(var.shape[0])
    cval = np.empty(var.shape[0])
    return _modular_into(var, high, low, start, end, root, col, p_ext, q_ext, val, cval)


@njit(cache=True, nogil=True, parallel=True)
def modular_probability_many(var, high, low, start, end, root, col, P, n_ext):
    """P(top) for each row of ``P`` (basic events only); fixed blocks of rows per thread."""
    n = P.shape[0]
    nv = P.shape[1]
    out = np.empty(n)
    block = 64
    nblocks = (n + block - 1) // block
    for b in prange(nblocks):
        val = np.empty(var.shape[0])
        cval = np.empty(var.shape[0])
        p_ext = np.zeros(n_ext)
        q_ext = np.ones(n_ext)
        for s in range(b * block, min(n, (b + 1) * block)):
            for j in range(nv):
                p_ext[j] = P[s, j]
                q_ext[j] = 1.0 - P[s, j]
            out[s] = _modular_into(var, high, low, start, end, root, col, p_ext, q_ext, val, cval)
    return out


def modular_birnbaum_py(var, high, low, start, end, root, col, p_ext, q_ext):
    """(P(top), dP(top)/dp for every column of ``p_ext``) by the chain rule through the modules.

    A module's probability is a column of its parents: the parents' top-down pass gives
    dP(top)/dP(module), which seeds the module's own top-down pass (modules in reverse order).
    """
    m_nodes = len(var)
    top = modular_probability_py(var, high, low, start, end, root, col, p_ext, q_ext)
    val = [1.0] * m_nodes
    for m in range(len(start)):   # node values (columns of the modules are filled now)
        for i in range(start[m], end[m]):
            ph = val[high[i] >> 1]
            ph = 1.0 - ph if high[i] & 1 else ph
            pl = val[low[i] >> 1]
            pl = 1.0 - pl if low[i] & 1 else pl
            val[i] = p_ext[var[i]] * ph + q_ext[var[i]] * pl
    d = [0.0] * m_nodes
    b = [0.0] * len(p_ext)
    b[col[len(start) - 1]] = 1.0
    for m in range(len(start) - 1, -1, -1):
        seed = b[col[m]]
        d[root[m] >> 1] += -seed if root[m] & 1 else seed
        for i in range(end[m] - 1, start[m] - 1, -1):
            if d[i] == 0.0:
                continue
            q = p_ext[var[i]]
            ph = val[high[i] >> 1]
            ph = 1.0 - ph if high[i] & 1 else ph
            pl = val[low[i] >> 1]
            pl = 1.0 - pl if low[i] & 1 else pl
            b[var[i]] += d[i] * (ph - pl)
            d[high[i] >> 1] += -d[i] * q if high[i] & 1 else d[i] * q
            d[low[i] >> 1] += -d[i] * (1.0 - q) if low[i] & 1 else d[i] * (1.0 - q)
    return top, np.array(b, dtype=float)


@njit(cache=True, nogil=True)
def modular_birnbaum(var, high, low, start, end, root, col, p_ext, q_ext):
    """Kernel twin of :func:`modular_birnbaum_py`, more precise where the top event is rare: it
    takes ``P(high) - P(low)`` from the complements when both are above 1/2."""
    m_nodes = var.shape[0]
    val = np.empty(m_nodes)
    cval = np.empty(m_nodes)
    top = _modular_into(var, high, low, start, end, root, col, p_ext, q_ext, val, cval)
    d = np.zeros(m_nodes)
    b = np.zeros(p_ext.shape[0])
    nm = start.shape[0]
    b[col[nm - 1]] = 1.0
    for m in range(nm - 1, -1, -1):
        seed = b[col[m]]
        if root[m] & 1:
            d[root[m] >> 1] -= seed
        else:
            d[root[m] >> 1] += seed
        for i in range(end[m] - 1, start[m] - 1, -1):
            di = d[i]
            if di == 0.0:
                continue
            q = p_ext[var[i]]
            c = q_ext[var[i]]
            h = high[i]
            lo = low[i]
            ph = cval[h >> 1] if h & 1 else val[h >> 1]
            qh = val[h >> 1] if h & 1 else cval[h >> 1]
            pl = cval[lo >> 1] if lo & 1 else val[lo >> 1]
            ql = val[lo >> 1] if lo & 1 else cval[lo >> 1]
            # P(high) - P(low) from the complements when both are near 1 (no cancellation)
            b[var[i]] += di * (ql - qh if ph > 0.5 and pl > 0.5 else ph - pl)
            if h & 1:
                d[h >> 1] -= di * q
            else:
                d[h >> 1] += di * q
            if lo & 1:
                d[lo >> 1] -= di * c
            else:
                d[lo >> 1] += di * c
    return top, b
