"""``youzhi life ...``: life data fitting, MTBF from tests, demonstration plans, growth.

Light on purpose: numpy, scipy and the life modules are imported inside the handlers.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from youzhi._cli_util import add_command, add_group, emit, fraction, non_negative_int, positive
from youzhi.errors import InputError

DISTRIBUTIONS = ("weibull", "weibull3", "exponential", "lognormal", "normal", "gamma", "loglogistic", "best")

FIT_EXAMPLES = """\
  youzhi life fit times.csv                          Weibull 2p by MLE, 90% Fisher bounds
  youzhi life fit times.csv --dist best --json       rank all families by AICc
  youzhi life fit times.csv --method rr --plot weibull.svg
  youzhi life fit times.csv --dist lognormal --bounds likelihood --confidence 0.95

CSV layout: header row; columns time, [time_upper], [status], [count]
  status F = failure, S = suspension (right-censored), L = left-censored (failed before time),
  I = interval (failed between time and time_upper); default F. count default 1.
"""
MTBF_EXAMPLES = """\
  youzhi life mtbf --time 19520 --failures 7 --confidence 0.8
  youzhi life mtbf --time 10000 --failures 6 --confidence 0.8 --sided one --json
"""
DEMO_EXAMPLES = """\
  youzhi life demo --mtbf 5000 --confidence 0.9                  test hours, no failure allowed
  youzhi life demo --mtbf 5000 --confidence 0.9 --failures 2
  youzhi life demo --reliability 0.999 --confidence 0.95         units, zero failures
"""
GROWTH_EXAMPLES = """\
  youzhi life growth failures.csv --target 50
  youzhi life growth failures.csv --model duane --end-time 700 --json

CSV: header row with a 'time' column: cumulative test time at each failure.
"""


@contextmanager
def _naming(path: str) -> Iterator[None]:
    """Prefix a data error from the analysis (too few failures, ...) with the file it is about."""
    try:
        yield
    except InputError as exc:
        raise type(exc)(f"{path}: {exc}") from None


def register(subparsers: Any) -> None:
    """Add ``youzhi life fit|mtbf|demo|growth``."""
    group = add_group(subparsers, "life", "life data analysis: fit distributions, MTBF from tests, growth", FIT_EXAMPLES)
    fit = add_command(group, "fit", "fit a life distribution to (censored) failure data", FIT_EXAMPLES, handle_fit)
    fit.add_argument("data", metavar="DATA.csv")
    fit.add_argument("--dist", choices=DISTRIBUTIONS, default="weibull", help="distribution, or best (lowest AICc)")
    fit.add_argument("--method", choices=("mle", "rr"), default="mle", help="maximum likelihood or rank regression")
    fit.add_argument("--regression", choices=("y_on_x", "x_on_y"), default="y_on_x", help="for rr: RRY or RRX")
    fit.add_argument("--ranks", choices=("exact", "bernard"), default="exact", help="for rr: median-rank formula")
    fit.add_argument("--bounds", choices=("fisher", "likelihood"), default="fisher", help="confidence bound method")
    fit.add_argument("--confidence", type=fraction, default=0.9, metavar="C", help="two-sided confidence (default 0.9)")
    fit.add_argument("--criterion", choices=("aicc", "aic", "bic"), default="aicc", help="for --dist best")
    fit.add_argument("--plot", metavar="FILE", help="write a probability plot (.svg, .png, .pdf)")

    mtbf = add_command(group, "mtbf", "MTBF with chi-square bounds from an exponential life test", MTBF_EXAMPLES, handle_mtbf)
    mtbf.add_argument("--time", type=positive, required=True, metavar="T", help="total test time (unit-hours)")
    mtbf.add_argument("--failures", type=non_negative_int, required=True, metavar="R", help="number of failures")
    mtbf.add_argument("--test", choices=("time", "failure"), default="time", help="time- or failure-terminated")
    mtbf.add_argument("--confidence", type=fraction, default=0.9, metavar="C")
    mtbf.add_argument("--sided", choices=("two", "one"), default="two")

    demo = add_command(group, "demo", "plan a demonstration test (test time for an MTBF, or units for a reliability)",
                       DEMO_EXAMPLES, handle_demo)
    target = demo.add_mutually_exclusive_group(required=True)
    target.add_argument("--mtbf", type=positive, metavar="M", help="MTBF to demonstrate")
    target.add_argument("--reliability", type=fraction, metavar="R", help="reliability to demonstrate (zero failures)")
    demo.add_argument("--confidence", type=fraction, default=0.9, metavar="C")
    demo.add_argument("--failures", type=non_negative_int, default=0, metavar="R", help="failures allowed (with --mtbf)")

    growth = add_command(group, "growth", "reliability growth (Crow-AMSAA or Duane) from cumulative failure times",
                         GROWTH_EXAMPLES, handle_growth)
    growth.add_argument("data", metavar="DATA.csv")
    growth.add_argument("--model", choices=("crow-amsaa", "duane"), default="crow-amsaa")
    growth.add_argument("--end-time", type=positive, metavar="T", help="total test time (default: last failure)")
    growth.add_argument("--target", type=positive, metavar="MTBF", help="target MTBF: report the time to reach it")
    growth.add_argument("--unbiased", action="store_true", help="Crow-AMSAA: unbiased beta")
    growth.add_argument("--confidence", type=fraction, default=0.9, metavar="C")


def handle_fit(args: argparse.Namespace) -> int:
    from youzhi.reliability.life import best_fit, fit_life
    from youzhi.reliability.life_data import read_life_csv

    data = read_life_csv(args.data)
    ranking = None
    if args.dist == "best" and args.method != "mle":
        raise InputError("--dist best ranks MLE fits; use --method mle")
    with _naming(args.data):
        if args.dist == "best":
            res = best_fit(data, criterion=args.criterion, confidence=args.confidence, bounds=args.bounds)
            fit, ranking = res.best, res.ranking
        else:
            fit = fit_life(data, args.dist, args.method, args.confidence, args.bounds, args.regression, args.ranks)
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        from youzhi.reliability.life_plot import probability_plot
        probability_plot(fit, args.plot)
    out = fit.to_dict()
    if ranking is not None:
        out["ranking"] = ranking
    return emit(out, args, text=lambda d: _fit_text(d))


def _fit_text(d: dict) -> str:
    c = 100 * d["confidence"]
    lines = [f"{d['distribution']} fit by {d['method']}: {d['n_failures']} failures of {d['n_units']} units; "
             f"{c:g}% two-sided bounds ({d['bounds']})"]
    for name, value in d["parameters"].items():
        lo, hi = d["confidence_intervals"][name]
        lines.append(f"  {name:<8} {value:12.6g}   [{lo:.6g}, {hi:.6g}]")
    lines.append(f"  {'mean':<8} {d['mean_life']:12.6g}   [{d['mean_life_interval'][0]:.6g}, {d['mean_life_interval'][1]:.6g}]")
    lines.append(f"  {'B10':<8} {d['b10']:12.6g}   [{d['b10_interval'][0]:.6g}, {d['b10_interval'][1]:.6g}]")
    ad = d["anderson_darling"]
    aicc = f"{d['aicc']:.3f}" if math.isfinite(d["aicc"]) else "n/a"  # n <= k + 1: undefined
    lines.append(f"  loglik {d['loglik']:.4f}  AIC {d['aic']:.3f}  AICc {aicc}  BIC {d['bic']:.3f}"
                 + (f"  AD {ad:.4f}" if ad is not None else ""))
    for row in d.get("ranking", []):
        lines.append(f"    {row['distribution']:<12} " + (row["error"] if "error" in row else f"AICc {row['aicc']:.3f}  BIC {row['bic']:.3f}"))
    return "\n".join(lines)


def handle_mtbf(args: argparse.Namespace) -> int:
    from youzhi.reliability.life_test import mtbf_from_test

    res = mtbf_from_test(args.time, args.failures, args.test, args.confidence, args.sided)
    return emit(res, args, text=lambda r: (
        f"MTBF {r.mtbf:.6g} ({r.failures} failures in {r.total_time:g}, {r.test}-terminated); "
        f"{100 * r.confidence:g}% {r.sided}-sided bounds [{r.lower:.6g}, {r.upper:.6g}]"))


def handle_demo(args: argparse.Namespace) -> int:
    from youzhi.reliability.life_test import demonstration_test_time, zero_failure_sample_size

    if args.mtbf is not None:
        res = demonstration_test_time(args.mtbf, args.confidence, args.failures)
        return emit(res, args, text=lambda r: (
            f"test {r.test_time:.6g} unit-hours with at most {r.failures_allowed} failure(s) to show "
            f"MTBF >= {r.target:g} at {100 * r.confidence:g}% confidence"))
    if args.failures:
        from youzhi.errors import InputError
        raise InputError("--failures: the reliability demonstration plan is for zero failures")
    res = zero_failure_sample_size(args.reliability, args.confidence)
    return emit(res, args, text=lambda r: (
        f"test {r.n_units} units for one mission each with no failure to show R >= {r.target:g} "
        f"at {100 * r.confidence:g}% confidence"))


def handle_growth(args: argparse.Namespace) -> int:
    from youzhi.reliability.growth import crow_amsaa, duane, read_growth_csv

    times = read_growth_csv(args.data)
    with _naming(args.data):
        if args.model == "duane":
            res = duane(times, args.end_time, args.target)
        else:
            res = crow_amsaa(times, args.end_time, args.target, args.unbiased, args.confidence)

    def text(r: Any) -> str:
        out = [f"{r.model}: {r.n_failures} failures, {r.terminated}-terminated at {r.end_time:g}",
               f"  beta {r.beta:.5g}  lambda {r.lam:.5g}  growth rate {r.growth_rate:.5g}",
               f"  MTBF cumulative {r.mtbf_cumulative:.6g}  instantaneous {r.mtbf_instantaneous:.6g}"]
        if r.beta_interval:
            out.append(f"  beta {100 * r.confidence:g}% bounds [{r.beta_interval[0]:.5g}, {r.beta_interval[1]:.5g}]"
                       f"  Cramer-von Mises {r.cramer_von_mises:.4f}")
        if r.time_to_target is not None:
            out.append(f"  instantaneous MTBF reaches {r.target:g} at test time {r.time_to_target:.6g}")
        return "\n".join(out)

    return emit(res, args, text=text)
