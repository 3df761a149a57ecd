"""Importance measures of basic events: exact from the BDD, or rare-event from cut sets.

Exact (:func:`importance`), with ``P = P(top)``, ``B`` the Birnbaum importance from one
bottom-up and one top-down pass over the modular BDD (:mod:`youzhi.fta.modules`; through a
module by the chain rule ``dP/dp_e = dP/dP_module * dP_module/dp_e``), ``P1 = P(top | e) = P + (1 - p) B`` and
``P0 = P(top | not e) = P - p B`` (the top probability is linear in each ``p``):

- ``birnbaum`` (MIF) = ``P1 - P0``;
- ``criticality`` (CIF) = ``p B / P`` (equal to ``(P - P0) / P``, the "FV" of some codes);
- ``diagnostic`` (DIF) = ``P(e | top) = p P1 / P``: this is what SCRAM prints as "DIF";
- ``fussell_vesely`` = ``P(union of the minimal cut sets containing e) / P``, exact: the
  union is compiled into the same BDD manager from the ZBDD of the minimal cut sets (for a
  non-coherent tree, of SCRAM's cut sets without negative literals);
- ``raw`` = ``P1 / P``; ``rrw`` = ``P / P0`` (infinite when ``P0 = 0``).

Rare-event (:func:`rare_event_importance`), as SCRAM computes its importance table from cut
sets: the same formulas with ``P``, ``P1``, ``P0`` the sums of cut-set probabilities with
``p_e`` as given, 1 and 0; ``fussell_vesely`` is then the share of the sum from sets holding
``e``, and ``occurrences`` counts those sets. Both passes run on the ZBDD, no enumeration.

Examples
--------
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("top", kind="gate", op="or")
>>> g.add_node("g1", kind="gate", op="and")
>>> for e in ("a", "b", "c"):
...     g.add_node(e, kind="basic")
>>> g.add_edge("top", "g1", index=0); g.add_edge("top", "c", index=1)
>>> g.add_edge("g1", "a", index=0); g.add_edge("g1", "b", index=1)
>>> res = importance(g, "top", {"a": 0.1, "b": 0.2, "c": 0.3})
>>> round(res.probability, 4)
0.314
>>> {k: round(v, 4) for k, v in res.measures["c"].items()}
{'birnbaum': 0.98, 'criticality': 0.9363, 'diagnostic': 0.9554, 'fussell_vesely': 0.9554, 'raw': 3.1847, 'rrw': 15.7}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from youzhi._results import Result
from youzhi.errors import InputError
from youzhi.fta.bdd import FALSE, Bdd
from youzhi.fta.cutsets import BASE, EMPTY, CutSetResult, Zbdd, _zbdd_from_bdd, _ZbddFamily

MEASURES = ("birnbaum", "criticality", "diagnostic", "fussell_vesely", "raw", "rrw")


@dataclass(frozen=True, repr=False)
class ImportanceResult(Result):
    """Importance of every basic event.

    Attributes
    ----------
    probability : float
        The top-event probability the ratios refer to (exact, or the rare-event sum).
    method : str
        ``"bdd"`` (exact) or ``"rare-event"`` (from cut sets, as SCRAM's importance table).
    measures : dict
        {event: {``birnbaum``, ``criticality``, ``diagnostic``, ``fussell_vesely``, ``raw``,
        ``rrw``} (+ ``occurrences`` for rare-event)}.
    """

    probability: float
    method: str
    measures: dict

    def to_frame(self):
        """One row per event, one column per measure (pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame.from_dict(self.measures, orient="index")


def _ratio(a: float, b: float) -> float:
    if b == 0.0:
        return math.inf if a > 0.0 else math.nan
    return a / b


def _measures(P: float, p: float, B: float, P1: float, P0: float, union: float) -> dict[str, float]:
    """The measures of one event from P(top), its probability, its Birnbaum importance (taken
    as given: ``P1 - P0`` cancels when the event matters little) and the conditionals."""
    P, p, B, P1, P0, union = float(P), float(p), float(B), float(P1), float(P0), float(union)
    return {"birnbaum": B, "criticality": _ratio(p * B, P),
            "diagnostic": _ratio(p * P1, P), "fussell_vesely": _ratio(union, P),
            "raw": _ratio(P1, P), "rrw": _ratio(P, P0)}


def _onset(z: Zbdd, f: int, lit: int, memo: dict) -> int:
    """Sets of ``f`` holding literal ``lit``, with ``lit`` removed."""
    if f <= BASE or z.var[f] > lit:
        return EMPTY
    r = memo.get(f)
    if r is None:
        v = z.var[f]
        if v == lit:
            r = z.high[f]
        else:
            r = z.node(v, _onset(z, z.high[f], lit, memo), _onset(z, z.low[f], lit, memo))
        memo[f] = r
    return r


def _union_bdd(bdd: Bdd, z: Zbdd, f: int, memo: dict) -> int:
    """BDD edge of the union (OR) of the products of the ZBDD family ``f``."""
    if f == EMPTY:
        return FALSE
    if f == BASE:
        return 0  # TRUE
    r = memo.get(f)
    if r is None:
        lit = z.var[f]
        x = bdd.variable(bdd.variables[lit >> 1]) ^ (lit & 1)
        r = bdd.apply_or(bdd.apply_and(x, _union_bdd(bdd, z, z.high[f], memo)), _union_bdd(bdd, z, z.low[f], memo))
        memo[f] = r
    return r


def importance(graph, top: str, probabilities: Mapping[str, float], *,
               house_states: Mapping[str, bool] | None = None,
               fussell_vesely: bool = True) -> ImportanceResult:
    """Exact importance of every basic event under ``top`` (see the module docstring).

    Parameters
    ----------
    graph, top
        The fault tree (shared graph schema).
    probabilities : mapping
        Probability of every basic event.
    house_states : mapping, optional
        House-event states overriding the graph's.
    fussell_vesely : bool
        Compute the exact Fussell-Vesely (needs the minimal cut sets as a ZBDD); when False,
        ``fussell_vesely`` is NaN and only the BDD is built.
    """
    from youzhi.fta.modules import ModularBdd

    modular = ModularBdd.from_tree(graph, top, house_states=house_states)
    pvec = modular._vector(probabilities)[0]
    P, B = modular.probability_and_birnbaum(probabilities)
    unions = [math.nan] * len(modular.variables)
    if fussell_vesely:
        # the union of the cut sets holding e needs the whole function's minimal cut sets
        from youzhi.fta.modules import whole_bdd

        bdd = whole_bdd(graph, top, house_states=house_states)
        z, root = _zbdd_from_bdd(bdd, False, None)
        conv: dict = {}
        pmemo: dict = {}
        qvec = bdd._vector(probabilities)
        column = {name: j for j, name in enumerate(modular.variables)}
        for j, name in enumerate(bdd.variables):
            rest = _onset(z, root, 2 * j, {})
            unions[column[name]] = qvec[j] * bdd.edge_probability(_union_bdd(bdd, z, rest, conv), qvec, pmemo)
    out = {}
    P = float(P)
    for j, name in enumerate(modular.variables):
        p, b = float(pvec[j]), float(B[j])
        P1, P0 = P + (1.0 - p) * b, P - p * b
        # far below P these differences cancel (an event every cut set holds has P0 = 0, not
        # about 1e-16 P): condition on the event instead, one more pass over the BDD
        if P1 <= _CONDITION_BELOW * P:
            P1 = modular.conditional(probabilities, name, True)
        if P0 <= _CONDITION_BELOW * P:
            P0 = modular.conditional(probabilities, name, False)
        out[name] = _measures(P, p, b, P1, P0, unions[j])
    return ImportanceResult(P, "bdd", out)


# a conditional probability below this fraction of P(top) is computed by conditioning
_CONDITION_BELOW = 1e-6


def rare_event_importance(cut_sets: CutSetResult, probabilities: Mapping[str, float]) -> ImportanceResult:
    """Importance from cut sets under the rare-event approximation (SCRAM's importance table).

    ``P`` is the sum of the cut-set probabilities, ``P1``/``P0`` the same sum with ``p_e`` set
    to 1/0; ``occurrences`` is the number of cut sets holding ``e`` (either literal).
    """
    family = cut_sets._family
    if not isinstance(family, _ZbddFamily):
        raise InputError("cut_sets: rare-event importance needs a ZBDD result (method='zbdd')")
    z, root = family.z, family.root
    p = np.array([float(probabilities[v]) for v in z.variables])
    lit_p = z._literal_p(list(p))
    nodes = z._nodes_below(root)
    total = {EMPTY: 0.0, BASE: 1.0}
    count = {EMPTY: 0, BASE: 1}
    for n in nodes:
        total[n] = lit_p[z.var[n]] * total[z.high[n]] + total[z.low[n]]
        count[n] = count[z.high[n]] + count[z.low[n]]
    weight = dict.fromkeys(nodes, 0.0)   # sum over paths root -> n of the literal products taken
    paths = dict.fromkeys(nodes, 0)
    if root > BASE:
        weight[root], paths[root] = 1.0, 1
    nvar = len(z.variables)
    deriv, with_e, occ = np.zeros(nvar), np.zeros(nvar), np.zeros(nvar, dtype=np.int64)
    for n in reversed(nodes):
        w, c, lit = weight[n], paths[n], z.var[n]
        hi, lo = z.high[n], z.low[n]
        deriv[lit >> 1] += -w * total[hi] if lit & 1 else w * total[hi]
        with_e[lit >> 1] += w * lit_p[lit] * total[hi]
        occ[lit >> 1] += c * count[hi]
        for child, dw in ((hi, w * lit_p[lit]), (lo, w)):
            if child > BASE:
                weight[child] += dw
                paths[child] += c
    P = total[root]

    def conditional(j: int, state: bool) -> float:  # the sum again, with p_j set to 0 or 1
        q = list(lit_p)
        q[2 * j], q[2 * j + 1] = (1.0, 0.0) if state else (0.0, 1.0)
        return z.sum_of_products(root, q)

    out = {}
    for j, name in enumerate(z.variables):
        P1 = P + (1.0 - p[j]) * deriv[j]
        P0 = P - p[j] * deriv[j]
        if P1 <= _CONDITION_BELOW * P:  # as in importance(): these differences cancel
            P1 = conditional(j, True)
        if P0 <= _CONDITION_BELOW * P:
            P0 = conditional(j, False)
        m = _measures(P, float(p[j]), float(deriv[j]), float(P1), float(P0), float(with_e[j]))
        m["occurrences"] = int(occ[j])
        out[name] = m
    return ImportanceResult(float(P), "rare-event", out)
