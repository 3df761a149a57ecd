"""Common-cause failure groups, expanded as the Open-PSA MEF says (section 6.5).

Each member ``M`` of a group becomes an OR gate over its independent failure ``[M]`` and
every CCF event of a combination that contains it (``[A B]``, ``[A B C]``, ...). With the
total failure probability ``Q`` of one member (the group's ``distribution``) and ``n``
members, the probability ``Q_k`` of one specific combination of ``k`` members is:

- ``beta-factor`` (one factor β at level n): ``Q_1 = (1 - β) Q``, ``Q_n = β Q``, nothing between;
- ``MGL`` (factors ρ_2 = β, ρ_3 = γ, ... at levels 2..n; ρ_1 = 1, ρ_{n+1} = 0):
  ``Q_k = (ρ_1 ρ_2 ... ρ_k) (1 - ρ_{k+1}) Q / C(n-1, k-1)``;
- ``alpha-factor`` (α_1 .. α_n, non-staggered testing, α_t = Σ k α_k):
  ``Q_k = k α_k Q / (C(n-1, k-1) α_t)``;
- ``phi-factor`` (φ_1 .. φ_n summing to 1): ``Q_k = φ_k Q / C(n-1, k-1)``.

The probabilities stay expressions (so deviates in the factors carry into uncertainty runs).

Examples
--------
>>> from youzhi.fta.model import FaultTree
>>> tree = FaultTree()
>>> _ = tree.add_gate("top", "and", ["p1", "p2"])
>>> group = CcfGroup("pumps", "beta-factor", ("p1", "p2"), Const(0.1), ((2, Const(0.2)),))
>>> expand(tree, group)
>>> sorted(tree.children("p1"))
['[p1 p2]', '[p1]']
>>> {k: round(v, 6) for k, v in sorted(tree.probabilities().items())}
{'[p1 p2]': 0.02, '[p1]': 0.08, '[p2]': 0.08}
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb

from youzhi.errors import ModelError
from youzhi.fta.events import Const, Expr, Op

MODELS = ("beta-factor", "MGL", "alpha-factor", "phi-factor")


@dataclass(frozen=True)
class CcfGroup:
    """A ``define-CCF-group``: members, the total probability of one member, the factors."""

    name: str
    model: str
    members: tuple[str, ...]
    distribution: Expr
    factors: tuple[tuple[int, Expr], ...]
    label: str | None = None


def _factor_levels(group: CcfGroup) -> dict[int, Expr]:
    n = len(group.members)
    where = f"CCF group {group.name!r}"
    if group.model not in MODELS:
        raise ModelError(f"{where}: unknown model {group.model!r}; accepted: {', '.join(MODELS)}")
    if n < 2:
        raise ModelError(f"{where}: needs at least 2 members, got {n}")
    if len(set(group.members)) != n:
        raise ModelError(f"{where}: a member is listed twice")
    levels = dict(group.factors)
    if len(levels) != len(group.factors):
        raise ModelError(f"{where}: a factor level is given twice")
    expected = {"beta-factor": [n], "MGL": list(range(2, n + 1)),
                "alpha-factor": list(range(1, n + 1)), "phi-factor": list(range(1, n + 1))}[group.model]
    if group.model == "beta-factor" and len(group.factors) == 1 and levels.keys() != {n}:
        levels = {n: next(iter(levels.values()))}  # a single beta factor may omit or misstate its level
    if sorted(levels) != expected:
        raise ModelError(f"{where}: {group.model} with {n} members needs factors at levels {expected}, got {sorted(levels)}")
    return levels


def _scaled(coefficient: float, terms: list[Expr]) -> Expr:
    args = tuple([Const(coefficient)] + terms)
    return Op("mul", args)


def combination_probabilities(group: CcfGroup) -> dict[int, Expr]:
    """Order ``k`` -> probability expression of ONE specific combination of ``k`` members."""
    levels = _factor_levels(group)
    n, q = len(group.members), group.distribution
    one = Const(1.0)
    out: dict[int, Expr] = {}
    if group.model == "beta-factor":
        beta = levels[n]
        out[1] = _scaled(1.0, [Op("sub", (one, beta)), q])
        out[n] = _scaled(1.0, [beta, q])
    elif group.model == "MGL":
        rho = {1: one, **levels, n + 1: Const(0.0)}
        for k in range(1, n + 1):
            terms = [rho[i] for i in range(2, k + 1)] + [Op("sub", (one, rho[k + 1])), q]
            out[k] = _scaled(1.0 / comb(n - 1, k - 1), terms)
    elif group.model == "alpha-factor":
        total = Op("add", tuple(_scaled(float(k), [levels[k]]) for k in range(1, n + 1)))
        for k in range(1, n + 1):
            out[k] = Op("div", (_scaled(k / comb(n - 1, k - 1), [levels[k], q]), total))
    else:  # phi-factor
        for k in range(1, n + 1):
            out[k] = _scaled(1.0 / comb(n - 1, k - 1), [levels[k], q])
    return out


def event_name(members: tuple[str, ...]) -> str:
    """SCRAM's name of a CCF event: ``"[A B C]"``."""
    return "[" + " ".join(members) + "]"


def expand(tree, group: CcfGroup) -> None:
    """Replace each member basic event of ``group`` in ``tree`` by an OR of its CCF events.

    The members must be basic events of ``tree`` (defined by the group when read from MEF).
    New nodes carry ``ccf=group.name``; the member gates carry ``ccf_member=group.name``.
    """
    probs = combination_probabilities(group)
    g = tree.graph
    for member in group.members:
        if member not in g or g.nodes[member].get("kind") not in ("basic", None):
            raise ModelError(f"CCF group {group.name!r}: member {member!r} must be a basic event")
    parts: dict[str, list[str]] = {m: [] for m in group.members}
    for k in sorted(probs):
        for combo in itertools.combinations(group.members, k):
            name = event_name(combo)
            tree.add_basic_event(name, probs[k])
            g.nodes[name]["ccf"] = group.name
            for m in combo:
                parts[m].append(name)
    for member in group.members:
        tree.events.pop(member, None)
        g.nodes[member].clear()
        g.nodes[member].update(kind="gate", op="or", ccf_member=group.name)
        for index, child in enumerate(parts[member]):
            g.add_edge(member, child, index=index)
    tree.ccf_groups.append(group)


__all__ = ["CcfGroup", "MODELS", "combination_probabilities", "expand", "event_name"]
