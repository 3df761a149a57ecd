"""Repairable-system simulation speed: the numba event kernel against a plain-Python twin.

The system is ``examples/system/cnc_machine.toml`` (20 components: Weibull, lognormal, gamma,
loglogistic, normal and fixed lives and repairs, a cold-standby pump pair with imperfect
delayed switching, a redundant power supply, one repair crew, no ageing while the machine is
down), simulated over its 5000 h mission. Prints histories per second, the ratio, and the wall
time of 1e6 histories on 1 thread and on all CPUs.

Run: ``python benchmarks/bench_system.py [--histories 1000000] [--python-histories 2000]``
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from youzhi.reliability._repairable_twin import python_result
from youzhi.reliability.repairable import simulate_system
from youzhi.reliability.system_file import load_system

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "system" / "cnc_machine.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=1_000_000)
    parser.add_argument("--python-histories", type=int, default=2000)
    args = parser.parse_args()
    model, settings = load_system(EXAMPLE)
    mission = settings.mission_time
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    simulate_system(model, mission, 200, seed=0)  # compile (or load the cache) outside the timing

    rows = []
    for workers in sorted({1, cpus}):
        start = time.perf_counter()
        result = simulate_system(model, mission, args.histories, seed=1, workers=workers)
        wall = time.perf_counter() - start
        rows.append((f"numba kernel, {workers} thread(s)", args.histories, wall, result))
    start = time.perf_counter()
    twin = python_result(model, mission, args.python_histories, seed=1)
    rows.append(("plain Python twin (heapq), 1 thread", args.python_histories, time.perf_counter() - start, twin))

    python_rate = rows[-1][1] / rows[-1][2]
    print(f"system: {model.name}, {len(model.components)} components, mission {mission:g} h, CPUs available: {cpus}")
    print(f"{'implementation':<38}{'histories':>11}{'wall s':>9}{'hist/s':>12}{'ratio':>9}{'MTBF h':>10}{'A mean':>10}")
    for name, n, wall, res in rows:
        print(f"{name:<38}{n:>11}{wall:>9.2f}{n / wall:>12.0f}{n / wall / python_rate:>9.0f}"
              f"{res.mtbf.value:>10.1f}{res.availability.value:>10.5f}")
    print("peers: no installed package simulates repairable block diagrams with standby; the plain-Python twin is the baseline")


if __name__ == "__main__":
    main()
