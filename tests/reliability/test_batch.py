"""Batch runs: equal to crude Monte Carlo, independent of worker count, resumable without double counting."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scipy import special

from youzhi.errors import InputError
from youzhi.reliability.batch import run_batch
from youzhi.reliability.distributions import RandomVariable
from youzhi.reliability.problem import ReliabilityProblem
from youzhi.reliability.simulation import crude_monte_carlo

JIT = os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")
BLOCK = 20_000 if JIT else 500
CHUNK = 2 * BLOCK
N = 10 * CHUNK + BLOCK // 2  # a short last block and chunk
ROOT = Path(__file__).resolve().parents[2]


def rs_problem() -> ReliabilityProblem:
    return ReliabilityProblem([RandomVariable("R", "normal", mean=4, std=1), RandomVariable("S", "normal", mean=2, std=1)], "R - S")


def test_batch_equals_crude_monte_carlo_for_any_worker_count():
    reference = crude_monte_carlo(rs_problem(), n_samples=N, seed=9, block_size=BLOCK)
    one = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, workers=1)
    two = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, workers=2)
    assert one.n_failures == two.n_failures == reference.n_failures
    assert one.n_evaluations == N and one.n_chunks == one.n_chunks_done == 11
    # and it is right: Phi(-sqrt 2) within 4 standard errors
    exact = float(special.ndtr(-math.sqrt(2)))
    assert abs(two.pf - exact) <= 4 * math.sqrt(exact * (1 - exact) / N)


def test_resume_after_an_interruption_does_not_double_count(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    reference = run_batch(rs_problem(), n_samples=N, seed=4, chunk_size=CHUNK, block_size=BLOCK, workers=1)
    first = run_batch(rs_problem(), n_samples=N, seed=4, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1, max_chunks=4)
    assert first.n_chunks_done == 4 and first.n_evaluations == 4 * CHUNK
    # a killed writer leaves half a line: it is dropped, not counted
    with open(ckpt, "a") as fh:
        fh.write('{"chunk": 7, "n": 40')
    second = run_batch(rs_problem(), n_samples=N, seed=4, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=2)
    assert second.n_failures == reference.n_failures and second.n_evaluations == N
    chunks = [json.loads(line)["chunk"] for line in ckpt.read_text().splitlines()[1:]]
    assert sorted(chunks) == list(range(11))
    # running again does nothing new and gives the same answer
    again = run_batch(rs_problem(), n_samples=N, seed=4, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=2)
    assert again.n_failures == reference.n_failures


def test_checkpoint_without_seed_keeps_its_streams(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    first = run_batch(rs_problem(), n_samples=N, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1, max_chunks=3)
    full = run_batch(rs_problem(), n_samples=N, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1)
    assert full.seed == first.seed
    assert full.n_failures == crude_monte_carlo(rs_problem(), n_samples=N, seed=full.seed, block_size=BLOCK).n_failures


def test_checkpoint_of_another_job_is_refused(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    run_batch(rs_problem(), n_samples=N, seed=1, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1, max_chunks=1)
    with pytest.raises(InputError, match="different job \\(n_samples"):
        run_batch(rs_problem(), n_samples=N + 1, seed=1, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1)
    with pytest.raises(InputError, match="another seed"):
        run_batch(rs_problem(), n_samples=N, seed=2, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1)
    other = ReliabilityProblem(rs_problem().variables, "R - 1.1 * S")
    with pytest.raises(InputError, match="different job \\(problem"):
        run_batch(other, n_samples=N, seed=1, chunk_size=CHUNK, block_size=BLOCK, checkpoint=ckpt, workers=1)


def test_bad_arguments_and_missing_dask():
    with pytest.raises(InputError, match="multiple of block_size"):
        run_batch(rs_problem(), n_samples=N, chunk_size=BLOCK + 1, block_size=BLOCK)
    lam = ReliabilityProblem(rs_problem().variables, lambda x: x[:, 0] - x[:, 1])
    with pytest.raises(InputError, match="cannot be sent to worker processes"):
        run_batch(lam, n_samples=N, chunk_size=CHUNK, block_size=BLOCK, workers=2)
    if importlib.util.find_spec("dask") is None:
        with pytest.raises(InputError, match="needs dask.distributed.*youzhi\\[distributed\\]"):
            run_batch(rs_problem(), n_samples=N, chunk_size=CHUNK, block_size=BLOCK, scheduler="tcp://127.0.0.1:1")


@pytest.mark.slow
@pytest.mark.skipif(not JIT, reason="needs real speed to kill mid-run")
def test_a_killed_process_resumes(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    block, chunks = 2**18, 100
    script = (
        "import sys; from youzhi.reliability.batch import run_batch; "
        f"run_batch({str(ROOT / 'examples' / 'axial_beam.toml')!r}, n_samples={chunks * block}, seed=3, chunk_size={block}, "
        f"block_size={block}, checkpoint={str(ckpt)!r}, workers=1)"
    )
    # 100 chunks of 2**18 samples take well over 0.2 s: polling every 5 ms kills it mid-run
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        if ckpt.exists() and len(ckpt.read_text().splitlines()) >= 3:  # header + 2 chunks
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    lines_before = len(ckpt.read_text().splitlines()) - 1
    result = run_batch(ROOT / "examples" / "axial_beam.toml", n_samples=chunks * block, seed=3, chunk_size=block,
                       block_size=block, checkpoint=ckpt, workers=1)
    full = crude_monte_carlo(ReliabilityProblem.from_toml(ROOT / "examples" / "axial_beam.toml"), n_samples=chunks * block,
                             seed=3, block_size=block)
    assert 2 <= lines_before < chunks  # it was killed mid-run
    assert result.n_failures == full.n_failures and result.n_evaluations == chunks * block


def test_dask_cluster_gives_the_local_answer_and_resumes_a_checkpoint(tmp_path):
    # the same chunks on a Dask cluster (two in-process workers) as on local processes: the
    # same pf and count exactly, and a checkpoint started on one backend finishes on the other
    distributed = pytest.importorskip("distributed")
    reference = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, workers=2)
    resumed_here = tmp_path / "local_then_dask.ckpt"
    run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, checkpoint=resumed_here, workers=2,
              max_chunks=3)
    resumed_there = tmp_path / "dask_then_local.ckpt"
    with distributed.LocalCluster(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        on_dask = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, scheduler=address)
        part = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, checkpoint=resumed_there,
                         scheduler=address, max_chunks=4)
        with open(resumed_here, "a") as fh:  # a killed writer's half line is dropped, not counted
            fh.write('{"chunk": 9, "n": 4')
        finished_on_dask = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK,
                                     checkpoint=resumed_here, scheduler=address)
    finished_here = run_batch(rs_problem(), n_samples=N, seed=9, chunk_size=CHUNK, block_size=BLOCK, checkpoint=resumed_there,
                              workers=1)
    assert (on_dask.n_failures, on_dask.pf, on_dask.n_evaluations) == (reference.n_failures, reference.pf, N)
    assert part.n_chunks_done == 4 and part.n_evaluations == 4 * CHUNK
    for finished, path in ((finished_on_dask, resumed_here), (finished_here, resumed_there)):
        assert (finished.n_failures, finished.pf, finished.n_evaluations) == (reference.n_failures, reference.pf, N)
        chunks = [json.loads(line)["chunk"] for line in path.read_text().splitlines()[1:]]
        assert sorted(chunks) == list(range(11))  # each chunk once: nothing lost, nothing counted twice


@pytest.mark.skipif(not JIT, reason="the command line's fixed blocks of 2**18 samples are too slow without JIT")
def test_mc_batch_command_on_a_dask_scheduler(tmp_path, capsys):
    # youzhi mc batch --scheduler ADDRESS gives the local single-process answer for the same seed
    distributed = pytest.importorskip("distributed")
    from youzhi import cli

    example, block = ROOT / "examples" / "stress_strength.toml", 2**18
    local = run_batch(example, n_samples=3 * block, seed=5, chunk_size=block, workers=1)
    ckpt = tmp_path / "cli.ckpt"
    with distributed.LocalCluster(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        status = cli.main(["mc", "batch", str(example), "--samples", str(3 * block), "--chunk-size", str(block), "--seed", "5",
                           "--checkpoint", str(ckpt), "--scheduler", cluster.scheduler_address, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert (out["pf"], out["n_evaluations"]) == (local.pf, 3 * block)
    assert len(ckpt.read_text().splitlines()) == 1 + 3
