"""numba kernel: event-driven simulation of repairable systems (never the public API).

:func:`simulate_block` runs ``n`` mission histories of ``[0, mission_time]`` with one
``numpy.random.Generator`` and returns summed statistics (see ``STAT_*``). A down period
that begins in the mission is followed past its end until the system is up again, so that
its length counts in full towards the MTTR (cutting it at the mission end biased the MTTR
low on short missions); nothing else is counted past the mission end. The model arrives as
flat arrays built by :mod:`youzhi.reliability.repairable`:

* components: life and repair samplers (``code``, ``a``, ``b``, ``loc``; repair code ``-1``: not
  repaired), standby group (``-1``: none) and standby ageing factor;
* standby groups: members in priority order (``g_ptr``/``g_members``), members needed running,
  switch reliability and delay;
* units (diagram blocks): a component index or ``-(group + 1)``;
* the structure function as threshold gates in evaluation order: gate ``i`` is up when at least
  ``gate_k[i]`` of its inputs ``gate_in[gate_ptr[i]:gate_ptr[i + 1]]`` are; an input ``x >= 0``
  is unit ``x`` (``x == n_units``: always up), ``x < 0`` is gate ``-x - 1``. The last gate is the
  system.

Each component holds a remaining life in operating-equivalent hours consumed at a rate (1
running, the group's factor in standby, 0 when the system is halted and nothing ages while it is
down), so any life distribution works with standby and stop-on-down. The next event is found by
a linear scan (fast for tens of components). ``_repairable_twin.simulate_python`` is the
plain-Python twin.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

OPERATING, STANDBY, SWITCHING, FAILED, REPAIRING = 0, 1, 2, 3, 4
(STAT_N, STAT_UP, STAT_UP2, STAT_FAIL, STAT_FAIL2, STAT_UPFAIL, STAT_DOWN, STAT_DOWN2, STAT_NDOWN,
 STAT_NDOWN2, STAT_DOWNN, STAT_UP_AT_END, STAT_NO_FAILURE, STAT_FIRST, STAT_FIRST2) = range(15)
N_STATS = 15


@njit(cache=True, nogil=True)
def sample_time(gen, code, a, b, loc):  # noqa: ANN001
    """One draw from a distribution of :data:`youzhi.reliability.system_model.LIFE_CODES`."""
    if code == 0:
        return loc + gen.standard_exponential() / a
    if code == 1:
        return loc + b * gen.standard_exponential() ** (1.0 / a)
    if code == 2:
        return loc + math.exp(a + b * gen.standard_normal())
    if code == 3:
        while True:
            x = a + b * gen.standard_normal()
            if x > 0.0:
                return x
    if code == 4:
        return loc + b * gen.standard_gamma(a)
    if code == 5:
        u = gen.random()
        return loc + b * (u / (1.0 - u)) ** (1.0 / a)
    return a


@njit(cache=True, nogil=True)
def _system_up(state, n_op, g_need, unit_ref, gate_k, gate_ptr, gate_in, gate_val):  # noqa: ANN001
    n_units = unit_ref.shape[0]
    for i in range(gate_k.shape[0]):
        count = 0
        for j in range(gate_ptr[i], gate_ptr[i + 1]):
            x = gate_in[j]
            if x < 0:
                up = gate_val[-x - 1]
            elif x == n_units:
                up = True
            else:
                r = unit_ref[x]
                up = state[r] == OPERATING if r >= 0 else n_op[-r - 1] >= g_need[-r - 1]
            if up:
                count += 1
        gate_val[i] = count >= gate_k[i]
    return gate_val[gate_k.shape[0] - 1]


@njit(cache=True, nogil=True)
def simulate_block(gen, n, mission_time, fail_code, fail_par, rep_code, rep_par, comp_group, factor,  # noqa: ANN001, PLR0912, PLR0915
                   g_ptr, g_members, g_need, g_switch_p, g_delay, unit_ref, gate_k, gate_ptr, gate_in,
                   crews, age_while_down):
    """Run ``n`` histories; returns the float64 array of summed statistics ``STAT_*``."""
    nc = fail_code.shape[0]
    ng = g_need.shape[0]
    stats = np.zeros(N_STATS)
    state = np.zeros(nc, np.int64)
    remaining = np.zeros(nc)
    rate = np.zeros(nc)
    last = np.zeros(nc)
    next_fail = np.zeros(nc)
    next_other = np.zeros(nc)
    n_op = np.zeros(max(ng, 1), np.int64)
    n_sw = np.zeros(max(ng, 1), np.int64)
    queue = np.zeros(nc, np.int64)
    gate_val = np.zeros(gate_k.shape[0], np.bool_)
    inf = math.inf
    for _h in range(n):
        t = 0.0
        busy = 0
        q_head = 0
        q_len = 0
        frozen = False
        for c in range(nc):
            remaining[c] = sample_time(gen, fail_code[c], fail_par[c, 0], fail_par[c, 1], fail_par[c, 2])
            last[c] = 0.0
            next_other[c] = inf
            state[c] = OPERATING if comp_group[c] < 0 else STANDBY
        for g in range(ng):
            n_op[g] = 0
            n_sw[g] = 0
            for j in range(g_ptr[g], g_ptr[g] + g_need[g]):
                state[g_members[j]] = OPERATING
                n_op[g] += 1
        for c in range(nc):
            rate[c] = 1.0 if state[c] == OPERATING else factor[c]
            next_fail[c] = remaining[c] / rate[c] if rate[c] > 0.0 else inf
        up = _system_up(state, n_op, g_need, unit_ref, gate_k, gate_ptr, gate_in, gate_val)
        uptime = 0.0
        failures = 0
        down_start = 0.0
        down_total = 0.0
        n_down = 0
        first = mission_time
        past = False  # following a down period that began in the mission past its end
        while True:
            tn = inf
            who = -1
            is_fail = True
            for c in range(nc):
                if next_fail[c] < tn:
                    tn = next_fail[c]
                    who = c
                    is_fail = True
                if next_other[c] < tn:
                    tn = next_other[c]
                    who = c
                    is_fail = False
            if tn >= mission_time:
                if up or tn == inf:  # (down for good: no repair ends this down period)
                    break
                past = True  # down at the mission end: follow this down period to its end
            if up:
                uptime += tn - t
            t = tn
            c = who
            g = comp_group[c]
            # ---- apply the event; `pending` holds components needing a switch demand
            if is_fail or state[c] == REPAIRING:
                if is_fail:
                    prev = state[c]
                    state[c] = FAILED
                    next_fail[c] = inf
                    rate[c] = 0.0
                    if g >= 0:
                        if prev == OPERATING:
                            n_op[g] -= 1
                        elif prev == SWITCHING:
                            n_sw[g] -= 1
                            next_other[c] = inf
                    if rep_code[c] >= 0:
                        if crews == 0 or busy < crews:
                            busy += 1
                            state[c] = REPAIRING
                            next_other[c] = t + sample_time(gen, rep_code[c], rep_par[c, 0], rep_par[c, 1], rep_par[c, 2])
                        else:
                            queue[(q_head + q_len) % nc] = c
                            q_len += 1
                else:  # repair done: as good as new
                    busy -= 1
                    next_other[c] = inf
                    remaining[c] = sample_time(gen, fail_code[c], fail_par[c, 0], fail_par[c, 1], fail_par[c, 2])
                    last[c] = t
                    state[c] = OPERATING if g < 0 else STANDBY
                    rate[c] = 0.0 if frozen else (1.0 if g < 0 else factor[c])
                    next_fail[c] = t + remaining[c] / rate[c] if rate[c] > 0.0 else inf
                    if q_len > 0:
                        k = queue[q_head]
                        q_head = (q_head + 1) % nc
                        q_len -= 1
                        busy += 1
                        state[k] = REPAIRING
                        next_other[k] = t + sample_time(gen, rep_code[k], rep_par[k, 0], rep_par[k, 1], rep_par[k, 2])
            else:  # switching finished
                next_other[c] = inf
                state[c] = OPERATING
                n_sw[g] -= 1
                n_op[g] += 1
                remaining[c] = max(remaining[c] - rate[c] * (t - last[c]), 0.0)
                last[c] = t
                rate[c] = 0.0 if frozen else 1.0
                next_fail[c] = t + remaining[c] / rate[c] if rate[c] > 0.0 else inf
            # ---- switch demands in the group touched (a failed switch sends the member to repair)
            while g >= 0 and n_op[g] + n_sw[g] < g_need[g]:
                m = -1
                for j in range(g_ptr[g], g_ptr[g + 1]):
                    if state[g_members[j]] == STANDBY:
                        m = g_members[j]
                        break
                if m < 0:
                    break
                remaining[m] = max(remaining[m] - rate[m] * (t - last[m]), 0.0)
                last[m] = t
                if g_switch_p[g] >= 1.0 or gen.random() < g_switch_p[g]:
                    if g_delay[g] > 0.0:
                        state[m] = SWITCHING
                        n_sw[g] += 1
                        next_other[m] = t + g_delay[g]
                    else:
                        state[m] = OPERATING
                        n_op[g] += 1
                        rate[m] = 0.0 if frozen else 1.0
                        next_fail[m] = t + remaining[m] / rate[m] if rate[m] > 0.0 else inf
                else:
                    state[m] = FAILED
                    rate[m] = 0.0
                    next_fail[m] = inf
                    if rep_code[m] >= 0:
                        if crews == 0 or busy < crews:
                            busy += 1
                            state[m] = REPAIRING
                            next_other[m] = t + sample_time(gen, rep_code[m], rep_par[m, 0], rep_par[m, 1], rep_par[m, 2])
                        else:
                            queue[(q_head + q_len) % nc] = m
                            q_len += 1
            now_up = _system_up(state, n_op, g_need, unit_ref, gate_k, gate_ptr, gate_in, gate_val)
            if now_up != up:
                if up:
                    if failures == 0:
                        first = t
                    failures += 1
                    down_start = t
                else:
                    down_total += t - down_start
                    n_down += 1
                    if past:
                        break
                up = now_up
                if not age_while_down:
                    frozen = not up
                    for k in range(nc):
                        s = state[k]
                        if s == OPERATING or s == STANDBY or s == SWITCHING:
                            remaining[k] = max(remaining[k] - rate[k] * (t - last[k]), 0.0)
                            last[k] = t
                            rate[k] = 0.0 if frozen else (1.0 if s == OPERATING else factor[k])
                            next_fail[k] = t + remaining[k] / rate[k] if rate[k] > 0.0 else inf
        if up:
            uptime += mission_time - t
        stats[STAT_N] += 1.0
        stats[STAT_UP] += uptime
        stats[STAT_UP2] += uptime * uptime
        stats[STAT_FAIL] += failures
        stats[STAT_FAIL2] += failures * failures
        stats[STAT_UPFAIL] += uptime * failures
        stats[STAT_DOWN] += down_total
        stats[STAT_DOWN2] += down_total * down_total
        stats[STAT_NDOWN] += n_down
        stats[STAT_NDOWN2] += n_down * n_down
        stats[STAT_DOWNN] += down_total * n_down
        if up:
            stats[STAT_UP_AT_END] += 1.0
        if failures == 0:
            stats[STAT_NO_FAILURE] += 1.0
        stats[STAT_FIRST] += first
        stats[STAT_FIRST2] += first * first
    return stats
