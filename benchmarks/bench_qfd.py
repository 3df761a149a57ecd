"""House of Quality: a 200 requirements x 100 characteristics house, analysed and drawn.

Run: ``python benchmarks/bench_qfd.py``. Target (issue 2): analysed and drawn in under a
second. The peer is the spreadsheet way done in pandas/NumPy: the matrix as a DataFrame,
``w @ R``, shares and ranks (no planning matrix, diagnostics or validation), and a
matplotlib ``imshow`` of the matrix as the "drawing".
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np

N_REQ, N_CHAR, SEED = 200, 100, 1


def make_house():
    from youzhi.qfd.house import Characteristic, House, Requirement

    rng = np.random.default_rng(SEED)
    levels = rng.choice(4, size=(N_REQ, N_CHAR), p=[0.85, 0.06, 0.05, 0.04])
    values = np.array([0, 1, 3, 9])[levels]
    reqs = [Requirement(f"Requirement {i:03d}", float(rng.integers(1, 6)), float(rng.integers(1, 6)),
                        float(rng.integers(3, 6)), float(rng.choice([1.0, 1.2, 1.5]))) for i in range(N_REQ)]
    chars = [Characteristic(f"Characteristic {j:03d}", "mm", rng.choice(["maximize", "minimize"]).item(),
                            float(rng.uniform(1, 100))) for j in range(N_CHAR)]
    rel = {r.name: {c.name: int(values[i, j]) for j, c in enumerate(chars) if values[i, j]}
           for i, r in enumerate(reqs)}
    roof = {}
    for a in range(N_CHAR):
        for b in range(a + 1, N_CHAR):
            u = rng.random()
            if u < 0.04:
                roof[(chars[a].name, chars[b].name)] = ["--", "-", "+", "++"][int(u / 0.01)]
    return House.build(reqs, chars, rel, roof), values, reqs


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    import pandas as pd
    from matplotlib.figure import Figure

    from youzhi.qfd.hoq import analyze_house
    from youzhi.qfd.plot import draw_house

    t0 = time.perf_counter()
    house, values, reqs = make_house()
    t_build = time.perf_counter() - t0
    tmp = tempfile.mkdtemp()
    draw_house(house, path=os.path.join(tmp, "warm.svg"))  # warm matplotlib's font cache

    t_analyze, res = best_of(lambda: analyze_house(house))
    t_svg, _ = best_of(lambda: draw_house(house, res, os.path.join(tmp, "house.svg")))
    t_png, _ = best_of(lambda: draw_house(house, res, os.path.join(tmp, "house.png"), dpi=72))

    frame = pd.DataFrame(values, index=[r.name for r in reqs], columns=house.characteristic_names)
    weights = pd.Series([r.importance for r in reqs], index=frame.index)

    def peer_analyze():
        ti = weights @ frame
        return ti, ti / ti.sum(), ti.rank(ascending=False, method="min")

    def peer_draw():
        fig = Figure(figsize=(12, 20))
        ax = fig.add_subplot()
        ax.imshow(frame.to_numpy(), aspect="auto", cmap="Greys")
        fig.savefig(os.path.join(tmp, "peer.svg"))

    t_peer, (ti, _, _) = best_of(peer_analyze)
    t_peer_draw, _ = best_of(peer_draw)
    plain = np.asarray(res.requirement_weights and [res.requirement_weights[r.name] for r in reqs]) @ values
    assert np.allclose(plain, list(res.technical_importance.absolute.values()))

    print(f"House of Quality {N_REQ} x {N_CHAR} ({int((values > 0).sum())} relationships, "
          f"{len(house.roof_pairs())} roof entries); building the validated house took {t_build:.3f} s")
    print(f"{'step':<44} {'youzhi [s]':>10} {'peer [s]':>10} {'ratio':>8}")
    rows = [("analyse (youzhi: planning, diagnostics, 2 scales)", t_analyze, t_peer),
            ("draw SVG (youzhi: whole house + roof)", t_svg, t_peer_draw),
            ("draw PNG 72 dpi", t_png, None)]
    for name, ours, peer in rows:
        ratio = f"{ours / peer:8.1f}" if peer else f"{'-':>8}"
        print(f"{name[:44]:<44} {ours:10.4f} {peer if peer else float('nan'):10.4f} {ratio}")
    total = t_analyze + t_svg
    print(f"analysed and drawn (SVG): {total:.3f} s  -> {'under' if total < 1 else 'OVER'} the 1 s target")
    print("peer: pandas DataFrame w @ R + share + rank; drawing peer: matplotlib imshow of the matrix to SVG")


if __name__ == "__main__":
    main()
