"""``youzhi system ...``: repairable-system simulation and exact block-diagram reliability.

This module stays light: numpy, numba and the reliability modules are imported inside the
handlers, so ``youzhi --help`` does not load them.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from youzhi._cli_util import add_command, add_group, chosen_seed, emit, fraction, non_negative, non_negative_int, positive, positive_int

SIMULATE_EXAMPLES = """\
  youzhi system simulate examples/system/cnc_machine.toml
  youzhi system simulate examples/system/cnc_machine.toml --mission-time 2000 --histories 1000000 --seed 7 --json
"""
RELIABILITY_EXAMPLES = """\
  youzhi system reliability examples/system/bridge.toml --time 1000
"""
DEFAULT_HISTORIES = 100_000


def register(subparsers: Any) -> None:
    """Add ``youzhi system simulate`` and ``youzhi system reliability``."""
    group = add_group(subparsers, "system", "system reliability: block diagrams, standby, repairable systems",
                      SIMULATE_EXAMPLES + RELIABILITY_EXAMPLES)
    sim = add_command(group, "simulate", "simulate a repairable system: availability, MTBF, MTTR, failures",
                      SIMULATE_EXAMPLES, handle_simulate)
    sim.add_argument("system", metavar="SYSTEM.toml", help="system file (see youzhi.reliability.system_file)")
    sim.add_argument("--mission-time", type=positive, metavar="T", help="mission length (overrides [simulation].mission_time)")
    sim.add_argument("--histories", type=positive_int, metavar="N", help=f"mission histories (default {DEFAULT_HISTORIES})")
    sim.add_argument("--seed", type=non_negative_int, metavar="S", help="random seed (overrides the file's)")
    sim.add_argument("--confidence", type=fraction, metavar="C", help="level of the intervals (default 0.95)")
    sim.add_argument("--threads", type=positive_int, metavar="W", help="threads (default: all CPUs; never changes the result)")

    rel = add_command(group, "reliability", "exact reliability R(t) and MTTF of the system without repair",
                      RELIABILITY_EXAMPLES, handle_reliability)
    rel.add_argument("system", metavar="SYSTEM.toml")
    rel.add_argument("--time", type=non_negative, metavar="T", required=True, help="mission time t of R(t)")


def handle_simulate(args: argparse.Namespace) -> int:
    from youzhi.errors import InputError
    from youzhi.reliability.repairable import simulate_system
    from youzhi.reliability.system_file import load_system

    model, settings = load_system(args.system)
    mission = args.mission_time if args.mission_time is not None else settings.mission_time
    if mission is None:
        raise InputError(f"{args.system}: simulation.mission_time: missing; give it in the file or with --mission-time")
    seed = chosen_seed(args.seed, settings.seed)
    result = simulate_system(model, float(mission), args.histories or settings.histories or DEFAULT_HISTORIES, seed,
                             confidence=args.confidence or settings.confidence or 0.95, workers=args.threads)
    return emit(result, args, text=_simulate_text)


def handle_reliability(args: argparse.Namespace) -> int:
    from youzhi.reliability.system import system_reliability
    from youzhi.reliability.system_file import load_system

    model, _ = load_system(args.system)
    return emit(system_reliability(model, args.time), args, text=_reliability_text)


def _simulate_text(r: Any) -> str:
    level = f"{100 * r.confidence:g}%"

    def row(label: str, e: Any, fmt: str) -> str:
        low, high = e.confidence_interval
        if math.isnan(e.value):
            return f"{label:<22}{'n/a':>12}   (no completed down period)"
        return f"{label:<22}{format(e.value, fmt):>12}   {level} [{format(low, fmt)}, {format(high, fmt)}]"

    return "\n".join([
        f"system                {r.system}",
        f"mission time          {r.mission_time:g}   histories {r.histories}   seed {r.seed}",
        row("mean availability", r.availability, ".6f"),
        row("point availability", r.point_availability, ".6f"),
        row("MTBF", r.mtbf, ".6g"),
        row("MTTR", r.mttr, ".6g"),
        row("failures in mission", r.failures, ".6g"),
        row("P(no failure)", r.reliability, ".6f"),
        row("1st failure (capped)", r.time_to_first_failure, ".6g"),  # mean of min(T1, mission)
    ])


def _reliability_text(r: Any) -> str:
    return "\n".join([f"R({r.time:g})      {r.reliability:.8g}", f"MTTF         {r.mttf:.8g}",
                      f"BDD nodes    {r.bdd_nodes}", f"method       {r.method}"])


