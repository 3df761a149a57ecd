"""The system file (TOML): components, standby groups, the diagram and simulation settings.

.. code-block:: toml

    name = "pump skid"
    repair_crews = 1                 # optional; default: every failure repaired at once
    age_while_system_down = true     # optional; false: nothing ages while the system is down

    [simulation]                     # optional defaults for `youzhi system simulate`
    mission_time = 1000.0
    histories = 100000
    seed = 1
    confidence = 0.95

    [[components]]
    name = "motor"
    failure = { distribution = "weibull", shape = 1.5, scale = 8000.0 }
    repair = { distribution = "lognormal", mean = 6.0, std = 3.0 }   # optional: not repaired

    [[standby]]                      # optional
    name = "pumps"
    members = ["pump_a", "pump_b"]   # the first `operating` run, the others wait
    mode = "cold"                    # cold, warm (with dormancy = 0..1) or hot
    switch_reliability = 0.99
    switch_delay = 0.1

    [structure]                      # nested blocks ...
    type = "series"                  # series, parallel or k_of_n (with k = ...)
    items = ["motor", "pumps", { type = "parallel", items = ["a", "b"] }]

    # ... or a two-terminal network instead of [structure]:
    # [network]
    # edges = [["in", "a"], ["a", "out"], ...]
    # directed = false

Examples
--------
>>> model, settings = system_from_mapping({
...     "components": [{"name": "a", "failure": {"distribution": "exponential", "mean": 10.0}}],
...     "structure": {"type": "series", "items": ["a"]}})
>>> model.units, settings.mission_time
(['a'], None)
>>> system_from_mapping({"components": [{"name": "a", "failure": {"distribution": "weibul"}}],
...                      "structure": {"type": "series", "items": ["a"]}}, "s.toml")
Traceback (most recent call last):
...
youzhi.errors.InputError: s.toml: components[0].failure.distribution: unknown 'weibul'; accepted: exponential, weibull, lognormal, normal, gamma, loglogistic, fixed
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from typing import Any

from youzhi._files import load_toml
from youzhi.errors import FileFormatError, InputError, YouzhiError
from youzhi.reliability import rbd
from youzhi.reliability.system import SystemModel
from youzhi.reliability.system_model import Component, Lifetime, StandbyGroup

TOP_KEYS = {"name", "repair_crews", "age_while_system_down", "simulation", "components", "standby", "structure", "network"}
BLOCK_TYPES = {"series", "parallel", "k_of_n"}


@dataclass(frozen=True)
class SimulationSettings:
    """Defaults from the file's ``[simulation]`` table (``None`` when not given)."""

    mission_time: float | None = None
    histories: int | None = None
    seed: int | None = None
    confidence: float | None = None


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FileFormatError(f"{where}: expected a table, got {type(value).__name__}")
    return value


def _unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            field = f"{where}.{key}" if where else key
            raise FileFormatError(f"{field}: unknown field; accepted: {', '.join(sorted(allowed))}")


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FileFormatError(f"{where}: expected a non-empty name, got {value!r}")
    return value.strip()


def _lifetime(value: Any, where: str) -> Lifetime:
    table = dict(_table(value, where))
    if "distribution" not in table:
        raise FileFormatError(f"{where}.distribution: missing (exponential, weibull, lognormal, normal, gamma, loglogistic, fixed)")
    return Lifetime(table.pop("distribution"), where=f"{where}.", **table)


def _block(value: Any, where: str) -> rbd.Block | str:
    if isinstance(value, str):
        return _name(value, where)
    table = _table(value, where)
    _unknown(table, {"type", "items", "k"}, where)
    kind = table.get("type")
    if kind not in BLOCK_TYPES:
        raise FileFormatError(f"{where}.type: expected one of {', '.join(sorted(BLOCK_TYPES))}, got {kind!r}")
    items = table.get("items")
    if not isinstance(items, list) or not items:
        raise FileFormatError(f"{where}.items: expected a non-empty list of names or blocks, got {items!r}")
    parts = [_block(item, f"{where}.items[{i}]") for i, item in enumerate(items)]
    if kind == "series":
        return rbd.series(*parts)
    if kind == "parallel":
        return rbd.parallel(*parts)
    k = table.get("k")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(parts):
        raise FileFormatError(f"{where}.k: expected an integer from 1 to {len(parts)}, got {k!r}")
    return rbd.k_out_of_n(k, *parts)


def _network(value: Any, where: str) -> Any:
    table = _table(value, where)
    _unknown(table, {"edges", "directed"}, where)
    edges = table.get("edges")
    if not isinstance(edges, list) or not edges:
        raise FileFormatError(f"{where}.edges: expected a list of [from, to] pairs, got {edges!r}")
    pairs = []
    for i, edge in enumerate(edges):
        if not (isinstance(edge, list) and len(edge) == 2):
            raise FileFormatError(f"{where}.edges[{i}]: expected [from, to], got {edge!r}")
        pairs.append((_name(edge[0], f"{where}.edges[{i}][0]"), _name(edge[1], f"{where}.edges[{i}][1]")))
    directed = table.get("directed", False)
    if not isinstance(directed, bool):
        raise FileFormatError(f"{where}.directed: expected true or false, got {directed!r}")
    return rbd.network_graph(pairs, directed=directed)


def _settings(value: Any, where: str) -> SimulationSettings:
    table = _table(value, where)
    _unknown(table, {"mission_time", "histories", "seed", "confidence"}, where)
    out: dict[str, Any] = {}
    for key, kind in (("mission_time", numbers.Real), ("histories", int), ("seed", int), ("confidence", numbers.Real)):
        if key in table:
            v = table[key]
            if isinstance(v, bool) or not isinstance(v, kind):
                raise FileFormatError(f"{where}.{key}: expected a {'number' if kind is numbers.Real else 'integer'}, got {v!r}")
            out[key] = v
    return SimulationSettings(**out)


def system_from_mapping(data: dict[str, Any], source: str = "system") -> tuple[SystemModel, SimulationSettings]:
    """Build the model and settings from parsed TOML; errors name ``source`` and the field."""
    try:
        return _from_mapping(_table(data, "file"), source)
    except YouzhiError as exc:
        text = str(exc)
        raise type(exc)(text if text.startswith(f"{source}:") else f"{source}: {text}") from None


def _from_mapping(data: dict[str, Any], source: str) -> tuple[SystemModel, SimulationSettings]:
    _unknown(data, TOP_KEYS, "")
    comps_raw = data.get("components")
    if not isinstance(comps_raw, list) or not comps_raw:
        raise FileFormatError("components: expected at least one [[components]] table")
    components = []
    for i, raw in enumerate(comps_raw):
        where = f"components[{i}]"
        table = _table(raw, where)
        _unknown(table, {"name", "failure", "repair"}, where)
        if "failure" not in table:
            raise FileFormatError(f"{where}.failure: missing (a table with distribution and its parameters)")
        repair = _lifetime(table["repair"], f"{where}.repair") if "repair" in table else None
        components.append(Component(_name(table.get("name"), f"{where}.name"), _lifetime(table["failure"], f"{where}.failure"), repair))
    groups = []
    standby_raw = data.get("standby", [])
    if not isinstance(standby_raw, list):
        raise FileFormatError("standby: expected [[standby]] tables")
    for i, raw in enumerate(standby_raw):
        where = f"standby[{i}]"
        table = _table(raw, where)
        _unknown(table, {"name", "members", "mode", "dormancy", "operating", "switch_reliability", "switch_delay"}, where)
        members = table.get("members")
        if not isinstance(members, list) or len(members) < 2:
            raise FileFormatError(f"{where}.members: expected a list of at least 2 component names, got {members!r}")
        extra = {k: table[k] for k in ("mode", "dormancy", "operating", "switch_reliability", "switch_delay") if k in table}
        for key in ("dormancy", "switch_reliability", "switch_delay"):
            if key in extra and (isinstance(extra[key], bool) or not isinstance(extra[key], numbers.Real)):
                raise FileFormatError(f"{where}.{key}: expected a number, got {extra[key]!r}")
        try:
            groups.append(StandbyGroup(_name(table.get("name"), f"{where}.name"),
                                       tuple(_name(m, f"{where}.members") for m in members), **extra))
        except InputError as exc:
            raise type(exc)(f"{where}: {exc}") from None
    if ("structure" in data) == ("network" in data):
        raise FileFormatError("structure, network: give exactly one of [structure] (blocks) or [network] (edges)")
    diagram = rbd.block_graph(_block(data["structure"], "structure")) if "structure" in data else _network(data["network"], "network")
    crews = data.get("repair_crews")
    if crews is not None and (isinstance(crews, bool) or not isinstance(crews, int) or crews < 1):
        raise FileFormatError(f"repair_crews: expected a positive integer, got {crews!r}")
    age = data.get("age_while_system_down", True)
    if not isinstance(age, bool):
        raise FileFormatError(f"age_while_system_down: expected true or false, got {age!r}")
    name = data.get("name", os.path.splitext(os.path.basename(source))[0])
    if not isinstance(name, str):
        raise FileFormatError(f"name: expected a string, got {name!r}")
    settings = _settings(data.get("simulation", {}), "simulation")
    return SystemModel(tuple(components), diagram, tuple(groups), crews, age, name), settings


def load_system(path: str | os.PathLike[str]) -> tuple[SystemModel, SimulationSettings]:
    """Read a system file; every error names the file and the field at fault."""
    return system_from_mapping(load_toml(path), os.fspath(path))
