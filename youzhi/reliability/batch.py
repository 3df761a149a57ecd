"""Batch crude Monte Carlo: seeded chunks, checkpointed, on local processes or a Dask cluster.

The sample budget is cut into chunks of ``chunk_size`` samples; a chunk is a run of the same
fixed blocks (and block streams) :func:`~youzhi.reliability.simulation.crude_monte_carlo`
uses, so a batch run gives exactly the crude Monte Carlo answer for the same seed, whatever
the number of workers. Each finished chunk is appended to the checkpoint file (JSON lines,
flushed and fsync'd); a run started again with the same file skips the chunks already there,
so a killed job resumes without losing or double-counting work.

Examples
--------
>>> import os, tempfile
>>> from youzhi.reliability.distributions import RandomVariable
>>> from youzhi.reliability.problem import ReliabilityProblem
>>> p = ReliabilityProblem([RandomVariable("R", "normal", mean=4, std=1),
...                         RandomVariable("S", "normal", mean=2, std=1)], "R - S")
>>> ckpt = os.path.join(tempfile.mkdtemp(), "run.ckpt")
>>> r = run_batch(p, n_samples=40_000, seed=1, chunk_size=10_000, block_size=5_000, checkpoint=ckpt, workers=1)
>>> r.n_chunks_done, round(r.pf, 2)
(4, 0.08)
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from youzhi._random import SeedLike, block_seeds, seed_repr, seed_sequence
from youzhi.errors import DataFileError, InputError
from youzhi.reliability.problem import ReliabilityProblem, read_problem_file
from youzhi.reliability.simulation import DEFAULT_BLOCK_SIZE, MonteCarloResult, _beta, binomial_interval, block_runner

DEFAULT_CHUNK_SIZE = 2**24
CHECKPOINT_VERSION = 1


@dataclass(frozen=True, repr=False)
class BatchResult(MonteCarloResult):
    """A batch run's estimate over the chunks done so far.

    Attributes
    ----------
    n_chunks_done, n_chunks : int
        Chunks included in the estimate, and chunks in the whole job.
    """

    n_chunks_done: int = 0
    n_chunks: int = 0


def run_chunk(problem: ReliabilityProblem, seeds: list[np.random.SeedSequence], sizes: list[int]) -> tuple[int, int]:
    """Run one chunk (its blocks in order) on this process; returns ``(samples, failures)``."""
    run_block = block_runner(problem)
    failures = sum(run_block(s, n) for s, n in zip(seeds, sizes))
    return sum(sizes), failures


def run_batch(problem: ReliabilityProblem | str | os.PathLike[str], *, n_samples: int, seed: SeedLike = None,
              chunk_size: int = DEFAULT_CHUNK_SIZE, block_size: int = DEFAULT_BLOCK_SIZE,
              checkpoint: str | os.PathLike[str] | None = None, workers: int | None = None,
              scheduler: str | None = None, confidence: float = 0.95, interval: str = "wilson",
              max_chunks: int | None = None) -> BatchResult:
    """Crude Monte Carlo over ``n_samples`` in checkpointed chunks.

    Parameters
    ----------
    problem : ReliabilityProblem or path to a problem file
        Sent to the workers by pickling (a limit state given as a lambda cannot be sent).
    n_samples : int
    seed : int or SeedSequence, optional
        With no seed a fresh one is drawn and written to the checkpoint, so a resumed run
        continues the same streams.
    chunk_size : int
        Samples per chunk, a multiple of ``block_size``.
    checkpoint : path, optional
        JSON-lines file of finished chunks; resumed from when it exists.
    workers : int, optional
        Local worker processes (default: CPUs); 1 runs in this process.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``); needs ``dask.distributed``.
    max_chunks : int, optional
        Run at most this many new chunks in this call (a time-boxed slice of a long job).

    Returns
    -------
    BatchResult
        The estimate over every chunk done so far (this call and earlier ones).
    """
    if isinstance(problem, (str, os.PathLike)):
        problem = read_problem_file(problem).problem
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise InputError(f"n_samples: expected a positive integer, got {n_samples!r}")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1 or chunk_size % block_size:
        raise InputError(f"chunk_size: expected a positive multiple of block_size ({block_size}), got {chunk_size!r}")
    root = seed_sequence(seed)
    job = {"version": CHECKPOINT_VERSION, "problem": _problem_digest(problem), "n_samples": int(n_samples),
           "chunk_size": int(chunk_size), "block_size": int(block_size)}
    done: dict[int, tuple[int, int]] = {}
    if checkpoint is not None:
        root, done = _open_checkpoint(os.fspath(checkpoint), job, root, seed is not None)
    n_blocks = -(-int(n_samples) // int(block_size))
    seeds = block_seeds(root, n_blocks)
    sizes = [min(block_size, n_samples - i * block_size) for i in range(n_blocks)]
    per_chunk = chunk_size // block_size
    n_chunks = -(-n_blocks // per_chunk)
    todo = [k for k in range(n_chunks) if k not in done][: max_chunks if max_chunks is not None else None]
    tasks = {k: (seeds[k * per_chunk:(k + 1) * per_chunk], sizes[k * per_chunk:(k + 1) * per_chunk]) for k in todo}

    for k, result in _execute(problem, tasks, workers, scheduler):
        done[k] = result
        if checkpoint is not None:
            _append(os.fspath(checkpoint), {"chunk": k, "n": result[0], "failures": result[1]})
    n = sum(r[0] for r in done.values())
    failures = sum(r[1] for r in done.values())
    problem.add_evaluations(sum(sum(sizes) for _, sizes in tasks.values()))
    pf = failures / n if n else float("nan")
    cov = ((1 - pf) / (n * pf)) ** 0.5 if failures else float("inf")
    return BatchResult(pf=pf, beta=_beta(pf), cov=cov, confidence_interval=binomial_interval(failures, n, confidence, interval),
                       n_evaluations=n, method="crude", seed=seed_repr(seed) if seed is not None else int(root.entropy),
                       confidence=confidence, n_failures=failures, interval=interval,
                       n_chunks_done=len(done), n_chunks=n_chunks)


def _execute(problem: ReliabilityProblem, tasks: dict[int, tuple[list, list[int]]], workers: int | None,
             scheduler: str | None) -> Iterator[tuple[int, tuple[int, int]]]:
    if not tasks:
        return
    if scheduler is not None:
        yield from _execute_dask(problem, tasks, scheduler)
        return
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        for k, (seeds, sizes) in tasks.items():
            yield k, run_chunk(problem, seeds, sizes)
        return
    _require_picklable(problem)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_chunk, problem, seeds, sizes): k for k, (seeds, sizes) in tasks.items()}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _execute_dask(problem: ReliabilityProblem, tasks: dict[int, tuple[list, list[int]]], scheduler: str) -> Iterator[tuple[int, tuple[int, int]]]:
    try:
        from dask.distributed import Client, as_completed as dask_completed
    except ImportError:
        raise InputError("scheduler: running on a Dask cluster needs dask.distributed; install it with "
                         "pip install 'youzhi[distributed]'") from None
    _require_picklable(problem)
    with Client(scheduler) as client:
        remote_problem = client.scatter(problem, broadcast=True)
        futures = {client.submit(run_chunk, remote_problem, seeds, sizes, pure=False): k for k, (seeds, sizes) in tasks.items()}
        for future in dask_completed(list(futures)):
            yield futures[future], tuple(future.result())


def _require_picklable(problem: ReliabilityProblem) -> None:
    try:
        pickle.dumps(problem)
    except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing here
        raise InputError(f"problem: cannot be sent to worker processes ({exc}); define the limit state as an "
                         "expression or as a function in an importable module") from None


def _problem_digest(problem: ReliabilityProblem) -> str:
    parts = [problem.limit_state.description, repr(problem.nataf.x_correlation.tolist())]
    parts += [f"{v.name}:{v.distribution}:{sorted(v.params.items())}" for v in problem.variables]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _open_checkpoint(path: str, job: dict[str, Any], root: np.random.SeedSequence,
                     seed_given: bool) -> tuple[np.random.SeedSequence, dict[int, tuple[int, int]]]:
    if not os.path.exists(path):
        _write_lines(path, [{**job, "seed_entropy": str(root.entropy), "spawn_key": list(root.spawn_key)}])
        return root, {}
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read checkpoint ({exc.strerror})") from None
    try:
        header = json.loads(lines[0])
    except (json.JSONDecodeError, IndexError):
        raise InputError(f"{path}: not a youzhi checkpoint (bad first line); delete it or choose another file") from None
    for key, value in job.items():
        if header.get(key) != value:
            raise InputError(f"{path}: checkpoint was written for a different job ({key} = {header.get(key)!r}, "
                             f"this run has {value!r}); delete it or choose another file")
    stored = np.random.SeedSequence(int(header["seed_entropy"]), spawn_key=tuple(header.get("spawn_key", ())))
    if seed_given and (stored.entropy != root.entropy or tuple(stored.spawn_key) != tuple(root.spawn_key)):
        raise InputError(f"{path}: checkpoint was written with another seed; delete it or choose another file")
    done: dict[int, tuple[int, int]] = {}
    valid = [header]
    for line in lines[1:]:
        try:
            entry = json.loads(line)
            k, n, failures = int(entry["chunk"]), int(entry["n"]), int(entry["failures"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            continue  # an empty or half-written last line from a killed run
        if k not in done:
            done[k] = (n, failures)
            valid.append({"chunk": k, "n": n, "failures": failures})
    _write_lines(path, valid)  # drop a half-written line before appending again
    return stored, done


def _write_lines(path: str, entries: list[dict[str, Any]]) -> None:
    tmp = f"{path}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(e) + "\n" for e in entries))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot write checkpoint ({exc.strerror})") from None


def _append(path: str, entry: dict[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


__all__ = ["run_batch", "run_chunk", "BatchResult", "DEFAULT_CHUNK_SIZE"]
