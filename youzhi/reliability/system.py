"""A system of components on a block diagram, and its exact reliability ``R(t)`` and MTTF.

:class:`SystemModel` joins components (:class:`~youzhi.reliability.system_model.Component`),
standby groups and a two-terminal diagram (:mod:`youzhi.reliability.rbd`) whose blocks are
components and standby groups. :func:`system_reliability` gives ``R(t)`` for non-repaired
operation exactly: unit reliabilities (a component's survivor function; a standby group's from
its small Markov chain, exponential members only) are combined through the structure
function compiled by the fault tree engine's BDD (:func:`~youzhi.reliability.rbd.structure_bdd`),
and ``MTTF = integral of R(t) dt`` by ``scipy.integrate.quad``.
Repairable behaviour is simulated by :mod:`youzhi.reliability.repairable`.

Examples
--------
>>> from youzhi.reliability.rbd import block_graph, k_out_of_n
>>> from youzhi.reliability.system_model import Component, Lifetime
>>> lam = 3e-5
>>> parts = tuple(Component(n, Lifetime("exponential", rate=lam)) for n in "abc")
>>> model = SystemModel(parts, block_graph(k_out_of_n(2, "a", "b", "c")))
>>> result = system_reliability(model, 1e4)
>>> round(result.reliability, 6), round(result.mttf)       # 3e^-2lt - 2e^-3lt; 5/(6 lambda)
(0.833296, 27778)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np

from youzhi._results import Result
from youzhi.errors import ModelError
from youzhi.reliability import rbd
from youzhi.reliability.system_model import Component, StandbyGroup

RESERVED_NAMES = (rbd.SOURCE, rbd.SINK)


@dataclass(frozen=True)
class SystemModel:
    """Components, standby groups and the diagram that joins them.

    Parameters
    ----------
    components : tuple of Component
    diagram : networkx graph
        Two-terminal diagram whose ``unit`` attributes name components (not in a group) and groups.
    standby : tuple of StandbyGroup
    repair_crews : int or None
        Repairs that can run at once (``None``: every failed component is repaired at once).
    age_while_down : bool
        Whether components keep ageing while the system is down (``False``: the whole system
        stops, as when a machine is halted for repair).
    name : str
    """

    components: tuple[Component, ...]
    diagram: nx.Graph
    standby: tuple[StandbyGroup, ...] = ()
    repair_crews: int | None = None
    age_while_down: bool = True
    name: str = "system"

    def __post_init__(self) -> None:
        names = [c.name for c in self.components]
        seen: set[str] = set()
        for n in names + [g.name for g in self.standby]:
            if n in seen:
                raise ModelError(f"system: name {n!r} is used twice (components and standby groups need unique names)")
            if n in RESERVED_NAMES:
                raise ModelError(f"system: {n!r} is reserved for a diagram terminal; rename the component")
            seen.add(n)
        owner: dict[str, str] = {}
        for g in self.standby:
            for m in g.members:
                if m not in names:
                    raise ModelError(f"standby group {g.name!r}: members: unknown component {m!r}")
                if m in owner:
                    raise ModelError(f"standby group {g.name!r}: members: {m!r} is already in group {owner[m]!r}")
                owner[m] = g.name
        diagram_units = rbd.units(self.diagram)
        group_names = {g.name for g in self.standby}
        for u in diagram_units:
            if u in owner:
                raise ModelError(f"diagram: {u!r} is a member of standby group {owner[u]!r}; put the group in the diagram instead")
            if u not in names and u not in group_names:
                raise ModelError(f"diagram: unknown block {u!r}; blocks are components or standby groups")
        for n in names:
            if n not in owner and n not in diagram_units:
                raise ModelError(f"system: component {n!r} is in neither the diagram nor a standby group")
        for g in group_names - set(diagram_units):
            raise ModelError(f"system: standby group {g!r} is not in the diagram")
        if self.repair_crews is not None and (isinstance(self.repair_crews, bool) or not isinstance(self.repair_crews, int) or self.repair_crews < 1):
            raise ModelError(f"system: repair_crews: must be a positive integer, got {self.repair_crews!r}")
        rbd.check_two_terminal(self.diagram)

    @cached_property
    def path_sets(self) -> tuple[frozenset[str], ...]:
        """Minimal path sets of the diagram (enumerated on first use: exponential in the worst case)."""
        return tuple(rbd.minimal_path_sets(self.diagram))

    @property
    def units(self) -> list[str]:
        """Diagram blocks: components outside groups, and groups."""
        return rbd.units(self.diagram)

    def component(self, name: str) -> Component:
        """The component called ``name``."""
        return next(c for c in self.components if c.name == name)


def _group_chain(model: SystemModel, group: StandbyGroup) -> tuple[np.ndarray, np.ndarray]:
    """Transient generator of a 1-operating standby group (exponential members) and its start."""
    where = f"standby group {group.name!r}: exact reliability"
    if group.operating != 1 or group.switch_delay > 0:
        raise ModelError(f"{where} needs operating = 1 and switch_delay = 0; use `youzhi system simulate`")
    rates = []
    for m in group.members:
        life = model.component(m).failure
        if life.distribution != "exponential" or life.kernel_params[2] != 0:
            raise ModelError(f"{where} needs exponential members without loc ({m!r} is {life.distribution}); use `youzhi system simulate`")
        rates.append(life.kernel_params[0])
    p, f = group.switch_reliability, group.standby_factor
    start = (0, tuple(range(1, len(rates))))
    index = {start: 0}
    todo, moves = [start], []
    while todo:
        state = todo.pop()
        active, spares = state
        targets: list[tuple[tuple[int, tuple[int, ...]] | None, float]] = []
        reach = 1.0
        for i, j in enumerate(spares):  # demand: try spares in order until one switches in
            targets.append(((j, spares[i + 1:]), rates[active] * reach * p))
            reach *= 1.0 - p
        targets += [(None, rates[active] * reach)]
        targets += [((active, tuple(s for s in spares if s != j)), f * rates[j]) for j in spares]
        for target, rate in targets:
            if target is not None and target not in index:
                index[target] = len(index)
                todo.append(target)
            moves.append((index[state], None if target is None else index[target], rate))
    q = np.zeros((len(index), len(index)))
    for a, b, rate in moves:
        q[a, a] -= rate
        if b is not None:
            q[a, b] += rate
    return q, np.eye(len(index))[0]


def unit_reliabilities(model: SystemModel, t: float) -> dict[str, float]:
    """Probability that each diagram block works throughout ``[0, t]`` without repair."""
    from scipy.linalg import expm

    out = {}
    groups = {g.name: g for g in model.standby}
    for u in model.units:
        if u in groups:
            q, start = _group_chain(model, groups[u])
            out[u] = float(start @ expm(q * t) @ np.ones(len(start)))
        else:
            out[u] = float(model.component(u).failure.sf(t))
    return out


@dataclass(frozen=True, repr=False)
class SystemReliabilityResult(Result):
    """Exact reliability of a non-repaired system.

    Attributes
    ----------
    time : float
    reliability : float
        ``R(time)``, probability of no system failure in ``[0, time]``.
    mttf : float
        Mean time to first system failure, ``integral of R(t) dt``.
    unit_reliability : dict
        ``R(time)`` of each diagram block.
    bdd_nodes : int
        Size of the structure function's BDD.
    method : str
        How R and the MTTF were found.
    """

    time: float
    reliability: float
    mttf: float
    unit_reliability: dict[str, float]
    bdd_nodes: int
    method: str = "structure function by BDD; MTTF by quadrature"


def _mttf(model: SystemModel, structure) -> float:
    from scipy import integrate

    def r(t: float) -> float:
        return float(structure.probability(unit_reliabilities(model, t)))

    scale = max(model.component(c.name).failure.mean for c in model.components)
    steps = sorted({c.failure.kernel_params[0] for c in model.components if c.failure.distribution == "fixed"}
                   | {c.failure.kernel_params[2] for c in model.components if c.failure.kernel_params[2] > 0})
    total, lo, hi = 0.0, 0.0, scale
    for _ in range(200):
        inside = [s for s in steps if lo < s < hi] or None  # kinks of R(t): fixed lives, failure-free times
        part, _err = integrate.quad(r, lo, hi, points=inside, limit=200, epsabs=0.0, epsrel=1e-10)
        total += part
        if r(hi) * max(hi, scale) < 1e-12 * total:
            return total
        lo, hi = hi, 2.0 * hi
    raise ModelError("system: R(t) does not fall to 0; the MTTF is infinite or too large to integrate")


def system_reliability(model: SystemModel, time: float) -> SystemReliabilityResult:
    """Exact ``R(time)`` and MTTF of ``model`` operated without repair.

    Parameters
    ----------
    model : SystemModel
    time : float
        Mission time, ``>= 0``.

    Returns
    -------
    SystemReliabilityResult

    Examples
    --------
    >>> from youzhi.reliability.rbd import block_graph, series
    >>> from youzhi.reliability.system_model import Component, Lifetime, StandbyGroup
    >>> units = (Component("u1", Lifetime("exponential", rate=1.0)), Component("u2", Lifetime("exponential", rate=1.0)))
    >>> model = SystemModel(units, block_graph(series("pair")), standby=(StandbyGroup("pair", ("u1", "u2")),))
    >>> r = system_reliability(model, 1.0)
    >>> round(r.reliability, 6), round(r.mttf, 6)      # Erlang: 2/e, 2/lambda
    (0.735759, 2.0)
    """
    if not (time >= 0 and math.isfinite(time)):
        raise ModelError(f"time: must be a finite number >= 0, got {time!r}")
    structure = rbd.structure_bdd(model.diagram)
    units = unit_reliabilities(model, time)
    return SystemReliabilityResult(float(time), float(structure.probability(units)), _mttf(model, structure), units,
                                   structure.n_nodes)
