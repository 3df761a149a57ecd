"""numba kernel: the minimal cut sets of a BDD as a ZBDD (Rauzy's ``minsol``, within an order).

Arrays only, never the public API; :func:`youzhi.fta.cutsets._zbdd_from_bdd` is the
plain-Python definition it is tested against. The BDD is given as compact arrays (node 0 the
terminal ONE, children before parents, high edges regular, ``edge = 2 node + complemented``).
For ``f = x f1 + ~x f0``: ``M(f, k) = x (M(f1, k - 1) without M(f0, k)) + M(f0, k)``, where
``k`` is the order still allowed (column ``K + 1`` stands for "no limit").

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
def _without(f, g, zv, zh, zl, zempty, meta, table, cache, depth):
    """Sets of ``f`` containing no set of ``g`` (explicit stack of ``depth`` frames: each frame's
    smaller literal is larger than its parent's); -1 when full, -2 if the stack overflowed."""
    sf = np.empty(depth, np.int64)
    sg = np.empty(depth, np.int64)
    stage = np.empty(depth, np.int64)
    keep = np.empty(depth, np.int64)
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
    depth = 2 * (np.max(level) + 2) + 8 if n > 0 else 8
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
                w = _without(m1, m0, zv, zh, zl, zempty, meta, table, cache, depth)
                if w < 0:
                    return w
                r = _znode(2 * level[i], w, m0, zv, zh, zl, zempty, meta, table)
                if r < 0:
                    return -1
                memo[i, c, k] = r
    return memo[root >> 1, root & 1, top_k]
