"""``youzhi mc ...``: Monte Carlo and FORM/SORM reliability from a problem file.

This module stays light: numpy, numba and the reliability modules are imported inside the
handlers, so ``youzhi --help`` does not load them.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from youzhi._cli_util import add_command, add_group, chosen_seed, emit, non_negative, non_negative_int, positive_int

METHODS = ("crude", "lhs", "form", "sorm", "importance", "subset")
DEFAULT_SAMPLES = {"crude": 10**6, "lhs": 10**5}
SORM_METHODS = ("breitung", "tvedt", "hohenbichler")  # youzhi.reliability.form.SORM_METHODS, kept light here

RUN_EXAMPLES = """\
  youzhi mc run examples/cantilever.toml
  youzhi mc run examples/cantilever.toml --samples 100000000 --target-cov 0 --seed 7 --json
  youzhi mc run examples/four_branch.toml --method subset --target-cov 0.1
"""
BATCH_EXAMPLES = """\
  youzhi mc batch examples/cantilever.toml --samples 1000000000 --checkpoint run.ckpt --workers 2
  youzhi mc batch examples/cantilever.toml --samples 1000000000 --checkpoint run.ckpt --scheduler tcp://host:8786
"""


def register(subparsers: Any) -> None:
    """Add ``youzhi mc run`` and ``youzhi mc batch``."""
    group = add_group(subparsers, "mc", "reliability of a component: probability of failure P[g(X) <= 0]", RUN_EXAMPLES)
    run = add_command(group, "run", "estimate the probability of failure of a problem file", RUN_EXAMPLES, handle_run)
    run.add_argument("problem", metavar="PROBLEM.toml", help="reliability problem file (see DESIGN.md)")
    run.add_argument("--method", choices=METHODS, help="overrides [analysis].method (default crude)")
    run.add_argument("--samples", type=positive_int, metavar="N", help="budget of limit-state calls: samples for crude, lhs and importance (default 1e6, 1e5, 1e4); "
                          "for subset, evaluations spent on one run sized to them (default: one run of 1000 per level)")
    run.add_argument("--target-cov", type=non_negative, metavar="C", help="stop at this coefficient of variation; 0 draws exactly N samples")
    run.add_argument("--seed", type=non_negative_int, metavar="S", help="random seed (overrides the file's)")
    run.add_argument("--sorm-method", choices=SORM_METHODS, default="breitung", help="SORM formula (default breitung)")
    run.add_argument("--threads", type=positive_int, metavar="T", help="threads for crude Monte Carlo (default: all CPUs; never changes the result)")

    batch = add_command(group, "batch", "crude Monte Carlo in checkpointed chunks on local processes or a Dask cluster",
                        BATCH_EXAMPLES, handle_batch)
    batch.add_argument("problem", metavar="PROBLEM.toml")
    batch.add_argument("--samples", type=positive_int, metavar="N", required=True, help="total samples")
    batch.add_argument("--checkpoint", metavar="FILE", help="checkpoint file; an interrupted run resumes from it")
    batch.add_argument("--chunk-size", type=positive_int, metavar="M", default=None, help="samples per chunk (default 2**24)")
    batch.add_argument("--workers", type=positive_int, metavar="W", help="local worker processes (default: CPUs)")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (needs youzhi[distributed])")
    batch.add_argument("--seed", type=non_negative_int, metavar="S")


def handle_run(args: argparse.Namespace) -> int:
    from youzhi.reliability.problem import read_problem_file

    loaded = read_problem_file(args.problem)
    problem, analysis = loaded.problem, loaded.analysis
    method = args.method or analysis.method
    seed = chosen_seed(args.seed, analysis.seed)
    # --samples is the budget of limit-state calls for every sampling method
    n_samples = args.samples or (analysis.n_samples if method == analysis.method else None)
    target_cov = args.target_cov if args.target_cov is not None else analysis.target_cov
    if method in ("crude", "lhs"):
        from youzhi.reliability.simulation import crude_monte_carlo, latin_hypercube

        n = n_samples or DEFAULT_SAMPLES[method]
        if method == "crude":
            result = crude_monte_carlo(problem, n_samples=n, target_cov=target_cov, seed=seed,
                                       confidence=analysis.confidence, n_threads=args.threads,
                                       progress=sys.stderr.isatty())
        else:
            result = latin_hypercube(problem, n_samples=n, target_cov=target_cov, seed=seed, confidence=analysis.confidence)
    elif method in ("form", "sorm"):
        from youzhi.reliability import form as form_module

        result = form_module.form(problem) if method == "form" else form_module.sorm(problem, method=args.sorm_method)
    elif method == "importance":
        from youzhi.reliability.importance import importance_sampling

        result = importance_sampling(problem, n_samples=n_samples, target_cov=target_cov, seed=seed,
                                     confidence=analysis.confidence)
    else:
        from youzhi.reliability.subset import subset_simulation

        result = subset_simulation(problem, max_evaluations=n_samples, target_cov=target_cov, seed=seed,
                                   confidence=analysis.confidence)
    return emit(result, args, text=_text)


def handle_batch(args: argparse.Namespace) -> int:
    from youzhi.reliability.batch import DEFAULT_CHUNK_SIZE, run_batch
    from youzhi.reliability.problem import read_problem_file

    loaded = read_problem_file(args.problem)
    seed = args.seed if args.seed is not None else loaded.analysis.seed
    result = run_batch(args.problem, n_samples=args.samples, seed=seed, chunk_size=args.chunk_size or DEFAULT_CHUNK_SIZE,
                       checkpoint=args.checkpoint, workers=args.workers, scheduler=args.scheduler,
                       confidence=loaded.analysis.confidence)
    return emit(result, args, text=_text)


def _text(result: Any) -> str:
    lines = [
        f"method          {result.method}",
        f"pf              {result.pf:.6g}",
        f"beta            {result.beta:.4f}" if math.isfinite(result.beta) else f"beta            {result.beta}",
    ]
    form_result = result if hasattr(result, "design_point_x") else getattr(result, "form", None)
    if form_result is None:  # a sampling estimate: its error and its stream
        low, high = result.confidence_interval
        au_beck = getattr(result, "au_beck_cov", None)  # subset: the classical CoV, levels taken as uncorrelated
        lines += [f"cov             {result.cov:.4g}" + (f"   (Au-Beck {au_beck:.4g})" if au_beck is not None else ""),
                  f"{round(100 * result.confidence):d}% interval    [{low:.6g}, {high:.6g}]",
                  f"evaluations     {result.n_evaluations}",
                  f"seed            {result.seed}"]
        return "\n".join(lines)
    if form_result is not result:
        lines.append(f"SORM formula    {result.formula} (FORM beta {result.beta_form:.4f})")
    lines.append(f"evaluations     {result.n_evaluations}")
    for i, (name, value) in enumerate(form_result.design_point_x.items()):
        head = "design point    " if i == 0 else " " * 16
        lines.append(f"{head}{name} = {value:<12.6g} importance {form_result.importance[name]:+.3f}")
    return "\n".join(lines)


