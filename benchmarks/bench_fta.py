"""Fault-tree speed: youzhi against the `dd` BDD package and SCRAM, per Aralia model.

For each model: time from the graph to the exact top-event probability (youzhi: preprocessing,
modules, one BDD per module; the `dd` package's pure-Python BDD with youzhi's former static DFS
order on the whole tree, its probability by a memoized traversal; the SCRAM binary, wall time
of ``scram --bdd --probability true`` including its XML input/output), and time to the minimal
cut sets up to order ``--order`` (youzhi: gate by gate as ZBDDs for a coherent tree, else the
ZBDD of the un-decomposed BDD built within the order limit; SCRAM: ``scram --zbdd --limit-order
K``, its count checked against ours). Ratios are peer time /
youzhi time (> 1: youzhi is faster). Each measurement runs in its own process under a time
limit ("> LIMIT" when it did not finish). Models: the Aralia benchmark set (``--all``: every
model; default: a representative dozen, the three hardest included) and generated coherent
trees with thousands of events.

SCRAM's published times for these models are not in the data folder or EXPECTED.md; the SCRAM
column is measured here when the `scram` executable is on PATH (Debian/Ubuntu package
``scram``, version 0.16.2), else "not installed".

Run: ``python benchmarks/bench_fta.py [--all] [--limit 20] [--order 4]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import time
from pathlib import Path

import networkx as nx

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "fta" / "Aralia"
if not DATA.exists():
    DATA = Path("/work/shared/data/fta/Aralia")
DEFAULT = ["baobab1", "cea9601", "chinese", "das9601", "das9701", "edf9202", "edf9204", "edfpa14o", "isp9602",
           "jbd9601", "nus9601"]


def generated_tree(n_events: int, seed: int) -> tuple[nx.DiGraph, str, dict]:
    """A coherent random DAG: OR/AND/2-of-n gates over 2-5 inputs; 10% of the gates also take
    an event from a nearby subsystem (within 30 events), as shared supports do in real trees."""
    rng = random.Random(seed)
    g = nx.DiGraph()
    events = [f"e{i}" for i in range(n_events)]
    for e in events:
        g.add_node(e, kind="basic")
    level, j, depth = list(events), 0, 0
    while len(level) > 1:
        nxt = []
        i = 0
        while i < len(level):
            width = rng.randint(2, 5)
            kids = level[i:i + width]
            i += width
            if rng.random() < 0.1:  # a shared event
                near = int(kids[0][1:]) if kids[0].startswith("e") else rng.randrange(n_events)
                kids = kids + [events[min(n_events - 1, max(0, near + rng.randint(-30, 30)))]]
                kids = list(dict.fromkeys(kids))
            if depth == 0:  # components: redundant pairs, 2-of-n voting, series parts
                op = rng.choice(["or", "and", "atleast"]) if len(kids) >= 3 else rng.choice(["or", "and"])
            else:  # systems: mostly "any subsystem fails", some redundancy
                op = "and" if rng.random() < 0.15 else "or"
            name = f"g{j}"
            j += 1
            g.add_node(name, kind="gate", op=op, **({"k": 2} if op == "atleast" else {}))
            for idx, c in enumerate(kids):
                g.add_edge(name, c, index=idx)
            nxt.append(name)
        level = nxt
        depth += 1
    probs = {e: rng.uniform(1e-4, 1e-2) for e in events}
    return g, level[0], probs


def _load(name: str):
    if name.startswith("gen"):
        return generated_tree(int(name[3:]), seed=1)
    from youzhi.fta.mef import read_model

    tree = read_model(DATA / f"{name}.xml")
    return tree.graph, tree.top, tree.probabilities()


def _youzhi_bdd(name):
    from youzhi.fta.modules import ModularBdd

    g, top, p = _load(name)
    t = time.perf_counter()
    bdd = ModularBdd.from_tree(g, top)
    value = bdd.probability(p)
    return time.perf_counter() - t, value, bdd.n_nodes


def _dd_bdd(name):
    from dd.autoref import BDD

    from youzhi.fta.bdd import _children, _postorder, dfs_variable_order

    g, top, p = _load(name)
    t = time.perf_counter()
    order = dfs_variable_order(g, top)
    mgr = BDD()
    mgr.declare(*order)
    mgr.reorder({v: i for i, v in enumerate(order)})
    mgr.configure(reordering=False)
    val = {}
    for node in _postorder(g, top):
        d = g.nodes[node]
        if d["kind"] == "basic":
            val[node] = mgr.var(node)
            continue
        if d["kind"] == "house":
            val[node] = mgr.true if d.get("state") else mgr.false
            continue
        xs = [val[c] for c in _children(g, node)]
        op = d["op"]
        if op in ("and", "nand"):
            r = mgr.true
            for x in xs:
                r = r & x
            r = ~r if op == "nand" else r
        elif op in ("or", "nor"):
            r = mgr.false
            for x in xs:
                r = r | x
            r = ~r if op == "nor" else r
        elif op == "not":
            r = ~xs[0]
        elif op == "null":
            r = xs[0]
        elif op == "xor":
            r = mgr.false
            for x in xs:
                r = (r & ~x) | (~r & x)
        elif op == "iff":
            r = (xs[0] & xs[1]) | (~xs[0] & ~xs[1])
        elif op == "imply":
            r = ~xs[0] | xs[1]
        else:  # atleast
            k = d["k"]
            row = [mgr.true] + [mgr.false] * k
            for x in xs:
                row = [mgr.true] + [(x & row[i - 1]) | (~x & row[i]) for i in range(1, k + 1)]
            r = row[k]
        val[node] = r
    root = val[top]
    memo = {}

    def prob(u):  # P of the function at u
        if u == mgr.true:
            return 1.0
        if u == mgr.false:
            return 0.0
        if u.negated:
            return 1.0 - prob(~u)
        key = int(u)
        if key in memo:
            return memo[key]
        q = p[u.var]
        r = q * prob(u.high) + (1 - q) * prob(u.low)
        memo[key] = r
        return r

    import sys

    sys.setrecursionlimit(100000)
    value = prob(root)
    return time.perf_counter() - t, value, len(mgr)


MCS_ORDER = 4


def _youzhi_zbdd(name):
    from youzhi.fta.cutsets import minimal_cut_sets

    g, top, p = _load(name)
    t = time.perf_counter()
    res = minimal_cut_sets(g, top, max_order=MCS_ORDER)
    return time.perf_counter() - t, res.count, None


def _warm(name):
    """Compile the numba kernels (or load their cache) of every route the timings take."""
    from youzhi.fta.cutsets import minimal_cut_sets

    _youzhi_bdd(name)
    g, top, _ = _load(name)
    minimal_cut_sets(g, top, max_order=MCS_ORDER)  # gate by gate (a coherent tree)
    minimal_cut_sets(g, top, max_order=MCS_ORDER, ordering="size-up")  # from the BDD within the order


def _run_scram(name, flags, field):
    """Wall time of the SCRAM binary with ``flags`` on the model, and ``field`` of its report."""
    import re
    import subprocess
    import tempfile

    if name.startswith("gen"):
        return ("error", "no MEF file", "")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        try:  # stop SCRAM before the measurement's own limit, so that no process is left behind
            subprocess.run(["scram", *flags, str(DATA / f"{name}.xml"), "-o", f"{tmp}/out.xml"], check=True,
                           capture_output=True, timeout=peer_limit * 0.95)
        except subprocess.TimeoutExpired:
            return None
        elapsed = time.perf_counter() - t
        text = Path(f"{tmp}/out.xml").read_text()
    match = re.search(rf'<sum-of-products[^>]*\b{field}="([^"]+)"', text)
    return elapsed, float(match.group(1)) if match else float("nan"), None


def _scram(name):
    return _run_scram(name, ["--bdd", "--probability", "true", "-l", "1"], "probability")


def _scram_mcs(name):
    return _run_scram(name, ["--zbdd", "-l", str(MCS_ORDER)], "products")


def _child(fn, name, queue):
    try:
        queue.put(fn(name))
    except Exception as exc:  # reported in the table, not raised
        queue.put(("error", type(exc).__name__, str(exc)[:60]))
        print(f"{name}: {fn.__name__}: {type(exc).__name__}: {str(exc)[:100]}")


def timed(fn, name, limit):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, name, queue))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def _fmt(r, limit):
    if r is None:
        return f">{limit:g} s"
    if r[0] == "error":
        return "n/a" if r[1] == "no MEF file" else f"error {r[1]}"
    return f"{r[0]:.2f} s"


def _ratio(peer, ours):
    if ours is None or ours[0] == "error":
        return "-"
    if peer is None:
        return "> " + f"{peer_limit / ours[0]:.1f}" if ours[0] > 0 else "-"
    if peer[0] == "error":
        return "-"
    return f"{peer[0] / max(ours[0], 1e-9):.1f}"


peer_limit = 20.0


def main() -> None:
    global peer_limit, MCS_ORDER
    import shutil

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every Aralia model (many minutes)")
    parser.add_argument("--limit", type=float, default=20.0, help="seconds per measurement")
    parser.add_argument("--order", type=int, default=4, help="order limit of the minimal cut sets")
    args = parser.parse_args()
    peer_limit = args.limit
    MCS_ORDER = args.order
    try:
        import dd  # noqa: F401
        have_dd = True
    except ImportError:
        have_dd = False
    have_scram = shutil.which("scram") is not None
    names = sorted(p.stem for p in DATA.glob("*.xml")) if args.all else DEFAULT
    names = names + ["gen1000", "gen3000"]
    _warm("chinese" if (DATA / "chinese.xml").exists() else "gen1000")
    import os

    print(f"times include building the diagrams from the graph; ratio = peer / youzhi; limit {args.limit:g} s; "
          f"load average {os.getloadavg()[0]:.1f}; MCS up to order {MCS_ORDER}")
    head = f"{'model':10s} {'bdd nodes':>9s} {'youzhi P':>9s} {'dd P':>9s} {'ratio':>6s} {'SCRAM P':>9s} " \
           f"{'ratio':>6s} {'P(top)':>11s} {'SCRAM':>9s} {'#MCS':>8s} {'youzhi MCS':>10s} {'SCRAM MCS':>9s} " \
           f"{'ratio':>6s}"
    print(head)
    print("-" * len(head))
    for name in names:
        ours = timed(_youzhi_bdd, name, args.limit)
        peer = timed(_dd_bdd, name, args.limit) if have_dd else ("error", "not installed", "")
        scr = timed(_scram, name, args.limit) if have_scram else ("error", "not installed", "")
        z = timed(_youzhi_zbdd, name, args.limit)
        smcs = timed(_scram_mcs, name, args.limit) if have_scram else ("error", "not installed", "")
        if smcs and smcs[0] != "error" and z and z[0] != "error":
            assert smcs[1] == z[1], (name, "cut sets", smcs[1], z[1])
        ok = ours is not None and ours[0] != "error"
        nodes = ours[2] if ok else "-"
        prob = f"{ours[1]:.6g}" if ok else "-"
        if peer and peer[0] != "error" and ok:
            assert abs(peer[1] - ours[1]) <= 1e-9 * max(1.0, abs(ours[1])), (name, peer[1], ours[1])
        sprob = f"{scr[1]:.6g}" if scr and scr[0] != "error" else "-"
        count = z[1] if z and z[0] != "error" else "-"
        dd_cell = "n/inst" if not have_dd else _fmt(peer, args.limit)
        scram_cell = "n/inst" if not have_scram else _fmt(scr, args.limit)
        print(f"{name:10s} {nodes!s:>9s} {_fmt(ours, args.limit):>9s} {dd_cell:>9s} {_ratio(peer, ours):>6s} "
              f"{scram_cell:>9s} {_ratio(scr, ours):>6s} {prob:>11s} {sprob:>9s} {count!s:>8s} "
              f"{_fmt(z, args.limit):>10s} {_fmt(smcs, args.limit) if have_scram else 'n/inst':>9s} "
              f"{_ratio(smcs, z):>6s}", flush=True)


if __name__ == "__main__":
    main()
