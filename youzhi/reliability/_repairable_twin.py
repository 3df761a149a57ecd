"""Plain-Python twin of the repairable-system kernel (for tests and the benchmark).

Written independently of :mod:`youzhi.reliability._kernels_system`: a heap of timed events with
version numbers to drop stale ones, component objects, and the structure function evaluated
from the minimal path sets (not the kernel's gates). Same model semantics, same statistics
layout (``STAT_*`` of the kernel module), so results compare within their intervals.
"""

from __future__ import annotations

import heapq
import itertools
import math

import numpy as np

from youzhi._random import SeedLike, as_generator
from youzhi.reliability.system import SystemModel

N_STATS = 15  # same layout as youzhi.reliability._kernels_system


class _Part:
    __slots__ = ("comp", "group", "factor", "status", "life_left", "speed", "since", "version", "switch_due")

    def __init__(self, comp, group, factor) -> None:  # noqa: ANN001
        self.comp, self.group, self.factor = comp, group, factor
        self.status, self.life_left, self.speed, self.since, self.version = "up", 0.0, 1.0, 0.0, 0
        self.switch_due = math.nan


def simulate_python(model: SystemModel, mission_time: float, histories: int, seed: SeedLike = None) -> np.ndarray:
    """Summed statistics of ``histories`` missions (kernel layout), by a heap-based event loop."""
    rng = as_generator(seed)
    groups = {g.name: g for g in model.standby}
    member_of = {m: g for g in model.standby for m in g.members}
    stats = np.zeros(N_STATS)
    paths = [tuple(p) for p in model.path_sets]
    for _ in range(histories):
        parts = {c.name: _Part(c, member_of.get(c.name), member_of[c.name].standby_factor if c.name in member_of else 1.0)
                 for c in model.components}
        heap: list[tuple[float, int, str, str, int]] = []
        seq = itertools.count()
        waiting: list[str] = []
        busy = [0]
        halted = [False]
        now = [0.0]

        def schedule(p: _Part) -> None:
            p.version += 1
            if p.status in ("up", "standby", "switching") and p.speed > 0:
                heapq.heappush(heap, (now[0] + p.life_left / p.speed, next(seq), "fail", p.comp.name, p.version))

        def set_speed(p: _Part) -> None:
            p.life_left = max(p.life_left - p.speed * (now[0] - p.since), 0.0)
            p.since = now[0]
            base = 1.0 if p.status == "up" else p.factor if p.status in ("standby", "switching") else 0.0
            p.speed = 0.0 if halted[0] else base
            schedule(p)

        def start_repair(p: _Part) -> None:
            busy[0] += 1
            p.status = "repair"
            p.version += 1
            heapq.heappush(heap, (now[0] + float(p.comp.repair.sample(rng, 1)[0]), next(seq), "repaired", p.comp.name, -1))

        def broken(p: _Part) -> None:
            p.status, p.speed = "down", 0.0
            p.version += 1
            if p.comp.repair is None:
                return
            if model.repair_crews is None or busy[0] < model.repair_crews:
                start_repair(p)
            else:
                waiting.append(p.comp.name)

        def demand(g) -> None:  # noqa: ANN001
            while sum(parts[m].status in ("up", "switching") for m in g.members) < g.operating:
                spare = next((parts[m] for m in g.members if parts[m].status == "standby"), None)
                if spare is None:
                    return
                if g.switch_reliability < 1.0 and not rng.random() < g.switch_reliability:
                    set_speed(spare)
                    broken(spare)
                elif g.switch_delay > 0:
                    spare.status, spare.switch_due = "switching", now[0] + g.switch_delay
                    heapq.heappush(heap, (now[0] + g.switch_delay, next(seq), "switched", spare.comp.name, -1))
                else:
                    spare.status = "up"
                    set_speed(spare)

        def unit_up(u: str) -> bool:
            if u in groups:
                return sum(parts[m].status == "up" for m in groups[u].members) >= groups[u].operating
            return parts[u].status == "up"

        def system_up() -> bool:
            return any(all(unit_up(u) for u in path) for path in paths)

        for p in parts.values():
            p.life_left = float(p.comp.failure.sample(rng, 1)[0])
        for g in model.standby:
            for i, m in enumerate(g.members):
                parts[m].status = "up" if i < g.operating else "standby"
        for p in parts.values():
            p.speed = 1.0 if p.status == "up" else p.factor
            schedule(p)
        up, uptime, failures, down_since, down_time, n_down = system_up(), 0.0, 0, 0.0, 0.0, 0
        first = mission_time
        past = False  # a down period that began in the mission is followed to its end
        while heap and (heap[0][0] < mission_time or not up):
            when, _, kind, name, version = heapq.heappop(heap)
            p = parts[name]
            if (kind == "fail" and version != p.version) or (kind == "switched" and not (p.status == "switching" and p.switch_due == when)):
                continue
            past = when >= mission_time
            uptime += (when - now[0]) if up else 0.0
            now[0] = when
            if kind == "fail":
                was = p.status
                broken(p)
                if p.group is not None and was in ("up", "switching"):
                    demand(p.group)
            elif kind == "repaired":
                busy[0] -= 1
                p.life_left, p.since, p.speed = float(p.comp.failure.sample(rng, 1)[0]), now[0], 0.0
                p.status = "standby" if p.group is not None else "up"
                set_speed(p)
                if waiting:
                    start_repair(parts[waiting.pop(0)])
                if p.group is not None:
                    demand(p.group)
            elif p.status == "switching" and p.switch_due == when:  # switch finished
                p.status = "up"
                set_speed(p)
            now_up = system_up()
            if now_up != up:
                if up:
                    first = now[0] if failures == 0 else first
                    failures += 1
                    down_since = now[0]
                else:
                    down_time += now[0] - down_since
                    n_down += 1
                up = now_up
                if not model.age_while_down:
                    halted[0] = not up
                    for q in parts.values():
                        if q.status in ("up", "standby", "switching"):
                            set_speed(q)
        up = up and not past
        uptime += (mission_time - now[0]) if up else 0.0
        stats += [1.0, uptime, uptime**2, failures, failures**2, uptime * failures, down_time, down_time**2,
                  n_down, n_down**2, down_time * n_down, float(up), float(failures == 0), first, first**2]
    return stats


def python_result(model: SystemModel, mission_time: float, histories: int, seed: SeedLike = None, confidence: float = 0.95):  # noqa: ANN201
    """The twin's statistics as a :class:`~youzhi.reliability.repairable.RepairableSimulationResult`."""
    from youzhi.reliability.repairable import summarize

    return summarize(simulate_python(model, mission_time, histories, seed), mission_time, seed, confidence,
                     "event-driven simulation (plain Python twin)", model.name)

