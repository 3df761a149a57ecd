"""numba kernels over ZBDDs: the minimal cut sets of a BDD (Rauzy's ``minsol``, within an
order), and the family operations (union, product within limits, minimal sets) with which
:mod:`youzhi.fta.bottom_up` finds a coherent tree's cut sets gate by gate.

Arrays only, never the public API. :func:`youzhi.fta.cutsets._zbdd_from_bdd` is the
plain-Python definition ``minimal_solutions`` is tested against; the family operations are
tested through :mod:`youzhi.fta.bottom_up`, against brute force.

``minimal_solutions`` takes the BDD as compact arrays (node 0 the terminal ONE, children before
parents, high edges regular, ``edge = 2 node + complemented``). For ``f = x f1 + ~x f0``:
``M(f, k) = x (M(f1, k - 1) without M(f0, k)) + M(f0, k)``, where ``k`` is the order still
allowed (column ``K + 1`` stands for "no limit").

The ZBDD's nodes are ``zv`` (literal ``2 * level``), ``zh``, ``zl``; node 0 is the empty
family, node 1 the family of the empty set. Every kernel returns -1 when its arrays are full:
the caller grows them and starts again.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from youzhi.fta._kernels import _slot

EMPTY = 0
BASE = 1


@njit(cache=True, nogil=True)
def _znode(v, high, low, zv, zh, zl, zempty, meta, table):
    """The ZBDD node (v, high, low), zero-suppressed; -1 when full.

    The probe is the one of :func:`youzhi.fta._kernels._make_node`, written again on purpose:
    routing ``_make_node`` through a shared helper made BDD builds about 40 % slower (das9701,
    measured), and ``_make_node``'s own rules (no ``high == low`` nodes, regular high edges)
    are wrong for a ZBDD."""
    if high == EMPTY:
        return low
    mask = table.shape[0] - 1
    s = _slot(v, high, low, mask)
    while True:
        n = table[s]
        if n == 0:
            break
        if zv[n] == v and zh[n] == high and zl[n] == low:
            return n
        s = (s + 1) & mask
    n = meta[0]
    if n >= zv.shape[0] or 2 * n > table.shape[0]:
        return -1
    zv[n] = v
    zh[n] = high
    zl[n] = low
    zempty[n] = zempty[low]
    table[s] = n
    meta[0] = n + 1
    return n


@njit(cache=True, nogil=True)
def _without(f, g, zv, zh, zl, zempty, meta, table, cache, stack):
    """Sets of ``f`` containing no set of ``g`` (explicit ``stack``, four rows of as many frames
    as it has columns: each frame's smaller literal is larger than its parent's); -1 when full,
    -2 if the stack overflowed."""
    sf, sg, stage, keep = stack[0], stack[1], stack[2], stack[3]
    depth = stack.shape[1]
    cmask = cache.shape[0] - 1
    sp = 0
    sf[0], sg[0], stage[0] = f, g, 0
    ret = 0
    while sp >= 0:
        f, g, st = sf[sp], sg[sp], stage[sp]
        if st == 0:
            if f == EMPTY or g == EMPTY:
                ret = f
                sp -= 1
                continue
            if f == g or zempty[g]:
                ret = EMPTY
                sp -= 1
                continue
            if f == BASE:
                ret = BASE
                sp -= 1
                continue
            slot = ((f * 0x9E3779B1) ^ (g * 0x85EBCA77)) & cmask
            if cache[slot, 0] == f and cache[slot, 1] == g:
                ret = cache[slot, 2]
                sp -= 1
                continue
            if sp + 1 >= depth:
                return -2
            vf, vg = zv[f], zv[g]
            if vf < vg:    # without(hi f, g), then without(lo f, g)
                stage[sp] = 1
                sf[sp + 1], sg[sp + 1] = zh[f], g
            elif vf > vg:  # without(f, lo g)
                stage[sp] = 5
                sf[sp + 1], sg[sp + 1] = f, zl[g]
            else:          # without(without(hi f, hi g), lo g), then without(lo f, lo g)
                stage[sp] = 2
                sf[sp + 1], sg[sp + 1] = zh[f], zh[g]
            stage[sp + 1] = 0
            sp += 1
            continue
        if ret < 0:
            return ret
        if st == 1:
            keep[sp] = ret
            stage[sp] = 3
            sf[sp + 1], sg[sp + 1], stage[sp + 1] = zl[f], g, 0
            sp += 1
            continue
        if st == 2:
            stage[sp] = 4
            sf[sp + 1], sg[sp + 1], stage[sp + 1] = ret, zl[g], 0
            sp += 1
            continue
        if st == 4:
            keep[sp] = ret
            stage[sp] = 6
            sf[sp + 1], sg[sp + 1], stage[sp + 1] = zl[f], zl[g], 0
            sp += 1
            continue
        if st == 3 or st == 6:
            r = _znode(zv[f], keep[sp], ret, zv, zh, zl, zempty, meta, table)
            if r < 0:
                return -1
        else:  # st == 5
            r = ret
        slot = ((f * 0x9E3779B1) ^ (g * 0x85EBCA77)) & cmask
        cache[slot, 0], cache[slot, 1], cache[slot, 2] = f, g, r
        ret = r
        sp -= 1
    return ret


@njit(cache=True, nogil=True)
def minimal_solutions(level, high, low, root, max_order, zv, zh, zl, zempty, meta, table, cache):
    """Root of the ZBDD of the minimal solutions of ``root`` of order <= ``max_order`` (-1: none);
    -1 when the ZBDD arrays are full, -2 if a stack overflowed."""
    n = level.shape[0]
    K = max_order if max_order >= 0 else 0
    cols = K + 2  # k = 0 .. K, then "no limit" (column K + 1)
    top_k = max_order if max_order >= 0 else K + 1
    # which (edge, k) the recursion from (root, top_k) needs: parents first (ids decrease)
    need = np.zeros((n, 2, cols), np.bool_)
    need[root >> 1, root & 1, top_k] = True
    for i in range(n - 1, 0, -1):
        for c in range(2):
            for k in range(cols):
                if need[i, c, k] and k != 0:
                    f1, f0 = high[i] ^ c, low[i] ^ c
                    need[f0 >> 1, f0 & 1, k] = True
                    need[f1 >> 1, f1 & 1, k - 1 if k <= K else k] = True
    # the value of each node's function when every variable is false (low edges to the end)
    zero = np.zeros(n, np.int64)  # 0: TRUE, 1: FALSE
    for i in range(1, n):
        zero[i] = zero[low[i] >> 1] ^ (low[i] & 1)
    stack = np.empty((4, 2 * (np.max(level) + 2) + 8 if n > 0 else 8), np.int64)
    memo = np.full((n, 2, cols), -1, np.int64)
    memo[0, 0, :] = BASE   # edge TRUE
    memo[0, 1, :] = EMPTY  # edge FALSE
    for i in range(1, n):
        for c in range(2):
            for k in range(cols):
                if not need[i, c, k]:
                    continue
                if k == 0:  # only the empty set fits: it is a solution iff f(0, ..., 0)
                    memo[i, c, k] = BASE if (zero[i] ^ c) == 0 else EMPTY
                    continue
                f1, f0 = high[i] ^ c, low[i] ^ c
                m0 = memo[f0 >> 1, f0 & 1, k]
                m1 = memo[f1 >> 1, f1 & 1, k - 1 if k <= K else k]
                w = _without(m1, m0, zv, zh, zl, zempty, meta, table, cache, stack)
                if w < 0:
                    return w
                r = _znode(2 * level[i], w, m0, zv, zh, zl, zempty, meta, table)
                if r < 0:
                    return -1
                memo[i, c, k] = r
    return memo[root >> 1, root & 1, top_k]


# -- families of sets, gate by gate (cut sets of a coherent tree) -------------------------------
# ``k`` is the order still allowed (UNLIMITED: no limit) and ``b`` the weight still allowed (an
# event at level v weighs w[v]; all weights 0 without a cut-off). Results of every operation go
# to one lossy cache: columns f, g, key (operation and limits), result.
UNLIMITED = 1 << 20
_OP_UNION, _OP_PRODUCT, _OP_WITHIN, _OP_MINIMAL = 0, 1, 2, 3


@njit(cache=True, nogil=True)
def _cached(f, g, key, cache):
    s = ((f * 0x9E3779B1) ^ (g * 0x85EBCA77) ^ (key * 0xC2B2AE3D)) & (cache.shape[0] - 1)
    if cache[s, 0] == f and cache[s, 1] == g and cache[s, 2] == key:
        return cache[s, 3]
    return -1


@njit(cache=True, nogil=True)
def _remember(f, g, key, r, cache):
    s = ((f * 0x9E3779B1) ^ (g * 0x85EBCA77) ^ (key * 0xC2B2AE3D)) & (cache.shape[0] - 1)
    cache[s, 0], cache[s, 1], cache[s, 2], cache[s, 3] = f, g, key, r


@njit(cache=True, nogil=True)
def _limits_key(op, k, b):
    return (k * (UNLIMITED + 1) + b) * 4 + op


@njit(cache=True, nogil=True)
def _lightest(f, zv, zh, zl, w, best):
    """Fill ``best[f]`` = (fewest events, least weight) of a set of ``f`` (-1: not known yet;
    the terminals are set by the caller)."""
    if best[f, 0] >= 0:
        return
    high, low = zh[f], zl[f]
    _lightest(high, zv, zh, zl, w, best)
    _lightest(low, zv, zh, zl, w, best)
    best[f, 0] = min(best[high, 0] + 1, best[low, 0])
    best[f, 1] = min(best[high, 1] + w[zv[f] >> 1], best[low, 1])


@njit(cache=True, nogil=True)
def _union(f, g, zv, zh, zl, zempty, meta, table, cache):
    """``f | g``; -1 when full."""
    if f == EMPTY or f == g:
        return g
    if g == EMPTY:
        return f
    if f > g:
        f, g = g, f
    r = _cached(f, g, _OP_UNION, cache)
    if r >= 0:
        return r
    vf, vg = zv[f], zv[g]
    if vf < vg:
        low = _union(zl[f], g, zv, zh, zl, zempty, meta, table, cache)
        r = low if low < 0 else _znode(vf, zh[f], low, zv, zh, zl, zempty, meta, table)
    elif vf > vg:
        low = _union(f, zl[g], zv, zh, zl, zempty, meta, table, cache)
        r = low if low < 0 else _znode(vg, zh[g], low, zv, zh, zl, zempty, meta, table)
    else:
        high = _union(zh[f], zh[g], zv, zh, zl, zempty, meta, table, cache)
        if high < 0:
            return high
        low = _union(zl[f], zl[g], zv, zh, zl, zempty, meta, table, cache)
        r = low if low < 0 else _znode(vf, high, low, zv, zh, zl, zempty, meta, table)
    if r >= 0:
        _remember(f, g, _OP_UNION, r, cache)
    return r


@njit(cache=True, nogil=True)
def _within(f, k, b, w, best, zv, zh, zl, zempty, meta, table, cache):
    """The sets of ``f`` of at most ``k`` events and weight at most ``b``; -1 when full."""
    if f <= BASE or k >= UNLIMITED and b >= UNLIMITED:
        return f
    _lightest(f, zv, zh, zl, w, best)
    if best[f, 0] > k or best[f, 1] > b:
        return EMPTY
    if k == 0:
        return BASE
    key = _limits_key(_OP_WITHIN, k, b)
    r = _cached(f, 0, key, cache)
    if r >= 0:
        return r
    v = zv[f]
    high = EMPTY
    if w[v >> 1] <= b:
        high = _within(zh[f], k - 1 if k < UNLIMITED else k, b - w[v >> 1] if b < UNLIMITED else b, w, best,
                       zv, zh, zl, zempty, meta, table, cache)
        if high < 0:
            return high
    low = _within(zl[f], k, b, w, best, zv, zh, zl, zempty, meta, table, cache)
    r = low if low < 0 else _znode(v, high, low, zv, zh, zl, zempty, meta, table)
    if r >= 0:
        _remember(f, 0, key, r, cache)
    return r


@njit(cache=True, nogil=True)
def _product(f, g, k, b, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache):
    """``{a | c : a in f, c in g}`` within ``k`` events and weight ``b`` (``disjoint``: no event is
    in both a set of ``f`` and one of ``g``); -1 when full."""
    if f == EMPTY or g == EMPTY:
        return EMPTY
    if f == BASE:
        return _within(g, k, b, w, best, zv, zh, zl, zempty, meta, table, cache)
    if g == BASE:
        return _within(f, k, b, w, best, zv, zh, zl, zempty, meta, table, cache)
    _lightest(f, zv, zh, zl, w, best)
    _lightest(g, zv, zh, zl, w, best)
    if disjoint:  # a union is as large as both sets together
        if best[f, 0] + best[g, 0] > k or best[f, 1] + best[g, 1] > b:
            return EMPTY
    elif max(best[f, 0], best[g, 0]) > k or max(best[f, 1], best[g, 1]) > b:
        return EMPTY  # (a union is at least as large as either set)
    if k == 0:
        return BASE
    if f > g:
        f, g = g, f
    key = _limits_key(_OP_PRODUCT, k, b)
    r = _cached(f, g, key, cache)
    if r >= 0:
        return r
    vf, vg = zv[f], zv[g]
    v = min(vf, vg)
    k1 = k - 1 if k < UNLIMITED else k
    b1 = b - w[v >> 1] if b < UNLIMITED else b
    if vf < vg:  # f = v f1 + f0: v (f1 g) + f0 g
        high = EMPTY if b1 < 0 else _product(zh[f], g, k1, b1, disjoint, w, best, zv, zh, zl, zempty, meta, table,
                                             cache)
        low = _product(zl[f], g, k, b, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
    elif vf > vg:
        high = EMPTY if b1 < 0 else _product(f, zh[g], k1, b1, disjoint, w, best, zv, zh, zl, zempty, meta, table,
                                             cache)
        low = _product(f, zl[g], k, b, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
    else:  # v (f1 g1 + f1 g0 + f0 g1) + f0 g0
        high = EMPTY
        if b1 >= 0:
            a = _product(zh[f], zh[g], k1, b1, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
            if a < 0:
                return a
            c = _product(zh[f], zl[g], k1, b1, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
            if c < 0:
                return c
            a = _union(a, c, zv, zh, zl, zempty, meta, table, cache)
            if a < 0:
                return a
            c = _product(zl[f], zh[g], k1, b1, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
            if c < 0:
                return c
            high = _union(a, c, zv, zh, zl, zempty, meta, table, cache)
        low = _product(zl[f], zl[g], k, b, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
    if high < 0:
        return high
    r = low if low < 0 else _znode(v, high, low, zv, zh, zl, zempty, meta, table)
    if r >= 0:
        _remember(f, g, key, r, cache)
    return r


@njit(cache=True, nogil=True)
def _minimal(f, zv, zh, zl, zempty, meta, table, cache, wcache, stack):
    """The minimal sets of ``f``; -1 when full, -2 if a stack overflowed."""
    if f <= BASE:
        return f
    r = _cached(f, 0, _OP_MINIMAL, cache)
    if r >= 0:
        return r
    low = _minimal(zl[f], zv, zh, zl, zempty, meta, table, cache, wcache, stack)
    if low < 0:
        return low
    high = _minimal(zh[f], zv, zh, zl, zempty, meta, table, cache, wcache, stack)
    if high < 0:
        return high
    high = _without(high, low, zv, zh, zl, zempty, meta, table, wcache, stack)
    if high < 0:
        return high
    r = _znode(zv[f], high, low, zv, zh, zl, zempty, meta, table)
    if r >= 0:
        _remember(f, 0, _OP_MINIMAL, r, cache)
    return r


@njit(cache=True, nogil=True)
def gate_family(atleast, children, disjoint, k, b, w, stack, zv, zh, zl, zempty, meta, table, best, cache,
                wcache):
    """Minimal sets of a gate from its inputs' minimal families ``children`` (ZBDD roots):
    ``atleast`` of them (``atleast == len(children)``: AND, 1: OR), within ``k`` events and
    weight ``b``. With ``disjoint`` (the inputs depend on disjoint sets of events) the sets
    found are minimal already. -1 when full (grow, then call again: the caches stay valid), -2
    if a stack overflowed."""
    n = children.shape[0]
    for c in children:
        if zempty[c]:  # an input that holds whatever happens (not left by preprocessing)
            disjoint = False
    if atleast == 1:  # OR: the union, then minimal
        acc = EMPTY
        for c in children:
            acc = _union(acc, c, zv, zh, zl, zempty, meta, table, cache)
            if acc < 0:
                return acc
        if disjoint:
            return acc
        return _minimal(acc, zv, zh, zl, zempty, meta, table, cache, wcache, stack)
    if atleast == n:  # AND: products, each made minimal
        acc = BASE
        for c in children:
            acc = _product(acc, c, k, b, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
            if acc < 0:
                return acc
            if not disjoint:
                acc = _minimal(acc, zv, zh, zl, zempty, meta, table, cache, wcache, stack)
                if acc < 0:
                    return acc
            if acc == EMPTY:
                break
        return acc
    # row[j]: minimal sets making at least j of the inputs so far true
    row = np.full(atleast + 1, EMPTY, np.int64)
    row[0] = BASE
    for c in children:
        for j in range(atleast, 0, -1):
            x = _product(c, row[j - 1], k, b, disjoint, w, best, zv, zh, zl, zempty, meta, table, cache)
            if x < 0:
                return x
            x = _union(x, row[j], zv, zh, zl, zempty, meta, table, cache)
            if x < 0:
                return x
            if not disjoint:
                x = _minimal(x, zv, zh, zl, zempty, meta, table, cache, wcache, stack)
                if x < 0:
                    return x
            row[j] = x
    return row[atleast]


@njit(cache=True, nogil=True)
def reachable(root, zh, zl, n):
    """Mask of the nodes below ``root`` (children have smaller ids), terminals included."""
    mark = np.zeros(n, np.bool_)
    mark[0] = mark[1] = True
    mark[root] = True
    for i in range(n - 1, 1, -1):
        if mark[i]:
            mark[zh[i]] = True
            mark[zl[i]] = True
    return mark
