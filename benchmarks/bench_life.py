"""Life-data fitting speed and fitted values: youzhi against the `reliability` package.

Same data for both: Weibull 2p and lognormal by MLE on a complete sample and on a
right-censored sample (n = 100, seeded), with 90 % Fisher bounds (reliability's default
method). Prints seconds per fit, the time ratio (reliability / youzhi: > 1 means youzhi is
faster), the fitted parameters side by side and their relative differences, and the
log-likelihoods (higher is a better maximum).

Run: ``python benchmarks/bench_life.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import numpy as np

from youzhi.reliability.life import fit_life
from youzhi.reliability.life_data import LifeData


def datasets():
    rng = np.random.default_rng(2026)
    t = np.sort(800.0 * rng.weibull(1.8, 100))
    c = 900.0
    yield "complete", t, np.array([])
    yield "right-censored", t[t <= c], np.full(int(np.sum(t > c)), c)


def time_it(fn, repeats):
    fn()  # warm-up (imports, caches)
    start = time.perf_counter()
    for _ in range(repeats):
        out = fn()
    return (time.perf_counter() - start) / repeats, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        from reliability import Fitters
    except ImportError:
        Fitters = None
    print(f"{'data':<15}{'model':<11}{'youzhi s':>10}{'reliab. s':>11}{'ratio':>8}   parameters youzhi | reliability (rel. diff)   loglik youzhi | reliability")
    for label, failures, right in datasets():
        data = LifeData.from_arrays(failures=failures, right_censored=right)
        for model, peer_name, names, peer_attrs in (
            ("weibull", "Fit_Weibull_2P", ("eta", "beta"), ("alpha", "beta")),
            ("lognormal", "Fit_Lognormal_2P", ("mu", "sigma"), ("mu", "sigma")),
        ):
            t_y, fit = time_it(lambda: fit_life(data, model), args.repeats)
            ours = [fit.parameters[n] for n in names]
            if Fitters is None:
                print(f"{label:<15}{model:<11}{t_y:10.4f}{'not installed':>19}   {ours}")
                continue
            kw = {"failures": failures, "show_probability_plot": False, "print_results": False}
            if right.size:
                kw["right_censored"] = right
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_p, peer = time_it(lambda: getattr(Fitters, peer_name)(**kw), args.repeats)
            theirs = [float(getattr(peer, a)) for a in peer_attrs]
            diffs = ", ".join(f"{n} {a:.6g} | {b:.6g} ({(a - b) / b:+.1e})" for n, a, b in zip(names, ours, theirs))
            print(f"{label:<15}{model:<11}{t_y:10.4f}{t_p:11.4f}{t_p / t_y:8.1f}   {diffs}   "
                  f"{fit.loglik:.6f} | {float(peer.loglik):.6f}")
    print("\nratio = reliability time / youzhi time (per fit, including 90 % bounds on parameters, "
          "mean life and B10 for youzhi). Shared machine: timings are noisy.")


if __name__ == "__main__":
    main()
