"""Read and write Open-PSA MEF XML fault trees (the format of SCRAM and XFTA).

A model may be split over several files (the tree in one, the basic events in another), and a
file may be gzip-compressed (``.gz``). XML is parsed with :mod:`defusedxml`: a DTD, an entity
or an external reference is refused, so nothing is read from outside the file and an entity
bomb costs nothing. Any problem is one :class:`~youzhi.errors.FileFormatError` (bad XML) or
:class:`~youzhi.errors.ModelError` (bad model) naming the file and line.

Supported: fault trees with every MEF Boolean connective (nested formulas too), basic events
with expressions, house events, parameters, CCF groups, components (private ones prefix
their names with the component name: ``t.E1``) and ``model-data``. Event trees, sequences,
substitutions and alignments are out of scope: they are skipped with a warning.

Examples
--------
>>> import tempfile, os
>>> from youzhi.fta.model import FaultTree
>>> tree = FaultTree("demo")
>>> _ = tree.add_gate("top", "or", ["a", ("and", ["b", "c"])])
>>> for name, p in [("a", 0.1), ("b", 0.2), ("c", 0.3)]:
...     _ = tree.add_basic_event(name, p)
>>> path = os.path.join(tempfile.mkdtemp(), "demo.xml")
>>> write_model(tree.validate(), path)
>>> again = read_model(path)
>>> again.top, sorted(again.basic_events)
('top', ['a', 'b', 'c'])
"""

from __future__ import annotations

import gzip
import math
import os
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as DET

from youzhi.errors import DataFileError, FileFormatError, ModelError, YouzhiWarning
from youzhi.fta import events as ev
from youzhi.fta.ccf import CcfGroup, expand
from youzhi.fta.model import GATE_OPS, FaultTree

MAX_BYTES = 256 * 2**20  # a larger (or larger once decompressed) file is refused
_REFS = ("gate", "basic-event", "house-event", "event")
_SKIPPED = ("define-event-tree", "define-sequence", "define-initiating-event", "define-rule",
            "define-alignment", "define-phase", "define-substitution", "define-functional-event",
            "define-extern-function", "define-extern-library", "define-consequence",
            "define-consequence-group")


class _Element(ET.Element):
    line: int = 0


class _LineBuilder(ET.TreeBuilder):
    """Records the source line of every element (``element.line``)."""

    def __init__(self) -> None:
        super().__init__(element_factory=_Element)
        self.parser: Any = None

    def start(self, tag, attrs):  # noqa: D102
        element = super().start(tag, attrs)
        element.line = self.parser.parser.CurrentLineNumber
        return element


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        if isinstance(exc, FileNotFoundError):
            raise DataFileError(f"{path}: no such file") from None
        if isinstance(exc, (EOFError, gzip.BadGzipFile)):
            raise FileFormatError(f"{path}: not a valid gzip file ({exc})") from None
        raise DataFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise FileFormatError(f"{path}: larger than {MAX_BYTES // 2**20} MiB, refused")
    return data


def _line_of(data: bytes, needle: bytes) -> int:
    i = data.find(needle)
    return data[:i].count(b"\n") + 1 if i >= 0 else 1


def parse_xml(path: str | os.PathLike) -> _Element:
    """Parse one MEF file safely; returns the root ``opsa-mef`` element (with ``.line``)."""
    path = Path(path)
    data = _read_bytes(path)
    builder = _LineBuilder()
    parser = DET.DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                                  forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except defusedxml.DTDForbidden:
        raise FileFormatError(f"{path}:{_line_of(data, b'<!DOCTYPE')}: a DTD (<!DOCTYPE>) is not accepted in MEF files") from None
    except defusedxml.EntitiesForbidden:
        raise FileFormatError(f"{path}:{_line_of(data, b'<!ENTITY')}: XML entities are not accepted in MEF files") from None
    except defusedxml.DefusedXmlException as exc:
        raise FileFormatError(f"{path}: refused: {exc}") from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise FileFormatError(f"{path}:{line}: malformed XML: {exc}") from None
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise FileFormatError(f"{path}: malformed XML: {exc}") from None
    if root.tag != "opsa-mef":
        raise FileFormatError(f"{path}:{root.line}: root element must be <opsa-mef>, got <{root.tag}>")
    return root


class _Definitions:
    """Pass 1: every definition by its full name, with its element, scope and file."""

    def __init__(self) -> None:
        self.gates: dict[str, tuple] = {}
        self.basic: dict[str, tuple] = {}
        self.house: dict[str, tuple] = {}
        self.params: dict[str, tuple] = {}
        self.ccf: list[tuple] = []
        self.names: dict[str, str] = {}
        self.tree_name: str | None = None
        self.tree_names: set[str] = set()  # a reference may start with one: ``FT.t.E1``

    def add(self, table: dict, kind: str, element, scope: str, path: Path) -> None:
        name = element.get("name")
        if not name:
            raise ModelError(f"{path}:{element.line}: <{element.tag}> needs a name attribute")
        full = f"{scope}.{name}" if scope else name
        if kind != "parameter":
            if full in self.names:
                raise ModelError(f"{path}:{element.line}: {full!r} is defined twice (also a {self.names[full]})")
            self.names[full] = kind
        elif full in table:
            raise ModelError(f"{path}:{element.line}: parameter {full!r} is defined twice")
        table[full] = (element, scope, path)

    def collect(self, element, scope: str, path: Path) -> None:
        for child in element:
            tag = child.tag
            if tag == "define-fault-tree":
                self.tree_name = self.tree_name or child.get("name")
                self.tree_names.add(child.get("name", ""))
                self.collect(child, scope, path)
            elif tag == "define-component":
                private = child.get("role", "public") == "private"
                name = child.get("name", "")
                self.collect(child, f"{scope}.{name}".strip(".") if private else scope, path)
            elif tag == "model-data":
                self.collect(child, scope, path)
            elif tag == "define-gate":
                self.add(self.gates, "gate", child, scope, path)
            elif tag == "define-basic-event":
                self.add(self.basic, "basic event", child, scope, path)
            elif tag == "define-house-event":
                self.add(self.house, "house event", child, scope, path)
            elif tag == "define-parameter":
                self.add(self.params, "parameter", child, scope, path)
            elif tag == "define-CCF-group":
                self.ccf.append((child, scope, path))
                for members in child.findall("members"):
                    for member in members:  # the group defines its members as basic events
                        if _scoped(member.get("name", ""), scope) not in self.basic:
                            self.add(self.basic, "basic event", member, scope, path)
            elif tag in ("label", "attributes"):
                continue
            elif tag in _SKIPPED:
                warnings.warn(f"{path}:{child.line}: <{tag}> is out of scope (fault trees only); ignored",
                              YouzhiWarning, stacklevel=4)
            else:
                raise ModelError(f"{path}:{child.line}: unexpected element <{tag}> in <{element.tag}>")

    def resolve(self, name: str, scope: str, kind: str, where: str) -> str:
        tables = {"gate": self.gates, "basic-event": self.basic, "house-event": self.house,
                  "parameter": self.params}
        candidates = [_scoped(name, s) for s in _scopes(scope)]
        head, _, rest = name.partition(".")
        if rest and head in self.tree_names:  # a full path from the fault tree's name
            candidates.append(rest)
        for full in candidates:
            if kind == "event":
                if full in self.names:
                    return full
            elif full in tables[kind]:
                return full
        for full in candidates:  # defined, but as another kind
            if kind != "parameter" and full in self.names:
                raise ModelError(f"{where}: <{kind} name={name!r}> refers to a {self.names[full]}")
        raise ModelError(f"{where}: undefined {kind.replace('-', ' ')} {name!r}")


def _scoped(name: str, scope: str) -> str:
    return f"{scope}.{name}" if scope else name


def _scopes(scope: str) -> list[str]:
    parts = scope.split(".") if scope else []
    return [".".join(parts[:i]) for i in range(len(parts), -1, -1)]


def _content(element) -> list:
    return [c for c in element if c.tag not in ("label", "attributes")]


def _number(element, where: str, attr: str = "value") -> float:
    text = element.get(attr)
    try:
        return float(text)
    except (TypeError, ValueError):
        raise ModelError(f"{where}: <{element.tag}> needs a numeric {attr}, got {text!r}") from None


def _expression(element, defs: _Definitions, scope: str, path: Path) -> ev.Expr:
    where = f"{path}:{element.line}"
    tag = element.tag
    args = lambda: tuple(_expression(c, defs, scope, path) for c in _content(element))  # noqa: E731
    if tag in ("float", "int"):
        value = _number(element, where)
        if tag == "int" and not (math.isfinite(value) and value == int(value)):
            raise ModelError(f"{where}: <int> needs an integer value, got {element.get('value')!r}")
        return ev.Const(value, tag)
    if tag == "bool":
        text = element.get("value")
        if text not in ("true", "false"):
            raise ModelError(f"{where}: <bool> value must be true or false, got {text!r}")
        return ev.Const(1.0 if text == "true" else 0.0, "bool")
    if tag == "pi":
        return ev.Const(math.pi)
    if tag == "parameter":
        return ev.Param(defs.resolve(element.get("name", ""), scope, "parameter", where))
    if tag in ("system-mission-time", "mission-time"):
        return ev.MissionTime()
    if tag == "histogram":
        items = _content(element)
        if not items or any(b.tag != "bin" or len(_content(b)) != 2 for b in items[1:]):
            raise ModelError(f"{where}: <histogram> needs a lower boundary then <bin> elements of 2 expressions")
        lower = _expression(items[0], defs, scope, path)
        bins = tuple(tuple(_expression(x, defs, scope, path) for x in _content(b)) for b in items[1:])
        return ev.Histogram(lower, bins)
    try:
        if tag in ev.OPERATORS:
            return ev.Op(tag, args())
        if tag in ev.BUILTINS:
            return ev.Builtin(tag, args())
        if tag in ev.Deviate.ARITY:
            return ev.Deviate(tag, args())
    except ModelError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ModelError(f"{where}: {exc}") from None
    raise ModelError(f"{where}: <{tag}> is not a supported expression")


def _formula(element, defs: _Definitions, scope: str, path: Path, tree: FaultTree) -> Any:
    """A formula element -> a name (reference) or a nested tuple for FaultTree.add_gate."""
    where = f"{path}:{element.line}"
    tag = element.tag
    if tag in _REFS:
        return defs.resolve(element.get("name", ""), scope, tag, where)
    if tag == "constant":
        value = element.get("value")
        if value not in ("true", "false"):
            raise ModelError(f"{where}: <constant> value must be true or false, got {value!r}")
        name = f"CONSTANT/{value}"
        if name not in tree.graph:
            tree.add_house_event(name, value == "true")
        return name
    if tag not in GATE_OPS:
        raise ModelError(f"{where}: <{tag}> is not a Boolean formula; accepted: {', '.join(GATE_OPS)}, "
                         "gate, basic-event, house-event, event, constant")
    args = [_formula(c, defs, scope, path, tree) for c in _content(element)]
    if tag == "atleast":
        k = element.get("min")
        if k is None or not re.fullmatch(r"\s*[0-9]{1,9}\s*", k):
            raise ModelError(f"{where}: <atleast> needs an integer min attribute, got {k!r}")
        return ("atleast", args, int(k))
    return (tag, args)


def read_model(*paths: str | os.PathLike, top: str | None = None, mission_time: float = 8760.0) -> FaultTree:
    """Read one model from one or more MEF files.

    Parameters
    ----------
    *paths : path-like
        MEF XML files (``.xml`` or ``.xml.gz``) that together hold the model.
    top : str, optional
        The top gate; needed only when the model has several root gates.
    mission_time : float
        Value of ``system-mission-time`` (SCRAM's default is 8760 hours).

    Returns
    -------
    FaultTree
        Validated; CCF groups already expanded.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "tree.xml"), "w") as fh:
    ...     _ = fh.write('<opsa-mef><define-fault-tree name="t"><define-gate name="top"><and>'
    ...                  '<basic-event name="a"/><basic-event name="b"/></and></define-gate>'
    ...                  '</define-fault-tree></opsa-mef>')
    >>> with open(os.path.join(folder, "events.xml"), "w") as fh:
    ...     _ = fh.write('<opsa-mef><model-data><define-basic-event name="a"><float value="0.1"/>'
    ...                  '</define-basic-event><define-basic-event name="b"><exponential><float value="1e-4"/>'
    ...                  '<system-mission-time/></exponential></define-basic-event></model-data></opsa-mef>')
    >>> tree = read_model(os.path.join(folder, "tree.xml"), os.path.join(folder, "events.xml"))
    >>> {k: round(v, 6) for k, v in sorted(tree.probabilities().items())}
    {'a': 0.1, 'b': 0.583555}
    """
    if not paths:
        raise DataFileError("read_model: give at least one MEF file")
    defs = _Definitions()
    for p in paths:
        path = Path(p)
        try:
            defs.collect(parse_xml(path), "", path)
        except RecursionError:
            raise ModelError(f"{path}: elements nested too deeply") from None
    if not defs.gates:
        raise ModelError(f"{', '.join(map(str, paths))}: no gate defined (a file of basic events only? "
                         "give it together with the file of the fault tree)")
    tree = FaultTree(defs.tree_name or Path(paths[0]).name.split(".")[0], mission_time)
    try:
        _build(tree, defs)
        if top is not None:
            tree.set_top(top)
        return tree.validate()
    except RecursionError:
        raise ModelError(f"{paths[0]}: formulas nested too deeply") from None
    except ModelError as exc:
        raise ModelError(_located(str(exc), defs)) from None
    except ArithmeticError as exc:  # e.g. a <div> by 0 or an <exp> past the largest float
        raise ModelError(f"{', '.join(map(str, paths))}: an expression cannot be evaluated: {exc}") from None


def _located(message: str, defs: _Definitions) -> str:
    """``message`` of the model's validation, prefixed with the file and line that define the first
    gate or event it names (unless it already starts with a file)."""
    if re.match(r"[^ ]+:\d+: ", message):
        return message
    for name in re.findall(r"'([^']+)'", message):
        for table in (defs.gates, defs.basic, defs.house):
            if name in table:
                element, _, path = table[name]
                return f"{path}:{element.line}: {message}"
    return message


def _flavor(element) -> str | None:
    """The ``flavor`` attribute of a definition (``inhibit`` gate, ``conditional`` event), if any."""
    return next((a.get("value") for a in element.iter("attribute") if a.get("name") == "flavor"), None)


def _add_flavor(element: ET.Element, value: str) -> None:
    attrs = ET.SubElement(element, "attributes")
    ET.SubElement(attrs, "attribute", name="flavor", value=value)


def _build(tree: FaultTree, defs: _Definitions) -> None:
    for name, (element, scope, path) in defs.params.items():
        body = _content(element)
        if len(body) != 1:
            raise ModelError(f"{path}:{element.line}: parameter {name!r} needs exactly one expression")
        tree.add_parameter(name, _expression(body[0], defs, scope, path))
    for name, (element, scope, path) in defs.basic.items():
        body = _content(element) if element.tag == "define-basic-event" else []
        if len(body) > 1:
            raise ModelError(f"{path}:{element.line}: basic event {name!r} has more than one expression")
        expr = _expression(body[0], defs, scope, path) if body else None
        label = element.findtext("label")
        tree.add_basic_event(name, expr, label=label.strip() if label else None)
        if _flavor(element) == "conditional":  # the condition of an INHIBIT gate
            tree.graph.nodes[name]["flavor"] = "conditional"
    for name, (element, scope, path) in defs.house.items():
        body = _content(element)
        state = False
        if body:
            if body[0].tag not in ("constant", "bool") or body[0].get("value") not in ("true", "false"):
                raise ModelError(f"{path}:{body[0].line}: house event {name!r} takes <constant value=\"true|false\"/>")
            state = body[0].get("value") == "true"
        tree.add_house_event(name, state)
    for name, (element, scope, path) in defs.gates.items():
        body = _content(element)
        where = f"{path}:{element.line}"
        if len(body) != 1:
            raise ModelError(f"{where}: gate {name!r} needs exactly one formula, got {len(body)}")
        formula = _formula(body[0], defs, scope, path, tree)
        if isinstance(formula, str):
            formula = ("null", [formula])
        label = element.findtext("label")
        label = "inhibit" if _flavor(element) == "inhibit" else (label.strip() if label else None)
        try:
            tree.add_gate(name, formula[0], formula[1], k=formula[2] if len(formula) > 2 else None, label=label)
        except ModelError as exc:
            raise ModelError(f"{where}: {exc}") from None
    for element, scope, path in defs.ccf:
        expand(tree, _ccf_group(element, defs, scope, path))
    for name, (element, _, path) in defs.basic.items():
        if tree.events.get(name) is None and name in tree.graph and tree.graph.nodes[name].get("kind") == "basic":
            raise ModelError(f"{path}:{element.line}: basic event {name!r} has no probability expression")


def _ccf_group(element, defs: _Definitions, scope: str, path: Path) -> CcfGroup:
    where = f"{path}:{element.line}"
    members = [_scoped(m.get("name", ""), scope) for ms in element.findall("members") for m in ms]
    dist = element.find("distribution")
    if dist is None or len(_content(dist)) != 1:
        raise ModelError(f"{where}: CCF group needs <distribution> with one expression")
    factors = []
    for f in list(element.findall("factor")) + [f for fs in element.findall("factors") for f in fs]:
        body = _content(f)
        if len(body) != 1:
            raise ModelError(f"{path}:{f.line}: <factor> needs one expression")
        level = f.get("level")
        if level is None or not re.fullmatch(r"\s*[0-9]{1,9}\s*", level):
            raise ModelError(f"{path}:{f.line}: <factor> needs an integer level attribute, got {level!r}")
        factors.append((int(level), _expression(body[0], defs, scope, path)))
    try:
        return CcfGroup(element.get("name", ""), element.get("model", ""), tuple(members),
                        _expression(_content(dist)[0], defs, scope, path), tuple(factors))
    except ModelError as exc:
        raise ModelError(f"{where}: {exc}") from None


# ---------------------------------------------------------------------- writing
def _expr_xml(expr: ev.Expr, scope: str = "") -> ET.Element:
    """The expression written inside container ``scope`` (a parameter of that private component
    by its local name, as MEF resolves it there)."""
    if isinstance(expr, ev.Const):
        tag = expr.kind if expr.kind in ("float", "int", "bool") else "float"
        value = ("true" if expr.value else "false") if tag == "bool" else (
            str(int(expr.value)) if tag == "int" else repr(float(expr.value)))
        return ET.Element(tag, value=value)
    if isinstance(expr, ev.Param):
        local = scope and expr.name.startswith(scope + ".")
        return ET.Element("parameter", name=expr.name[len(scope) + 1:] if local else expr.name)
    if isinstance(expr, ev.MissionTime):
        return ET.Element("system-mission-time")
    if isinstance(expr, ev.Histogram):
        out = ET.Element("histogram")
        out.append(_expr_xml(expr.lower, scope))
        for upper, weight in expr.bins:
            b = ET.SubElement(out, "bin")
            b.extend([_expr_xml(upper, scope), _expr_xml(weight, scope)])
        return out
    if isinstance(expr, (ev.Op, ev.Builtin, ev.Deviate)):
        out = ET.Element(expr.name)
        out.extend(_expr_xml(a, scope) for a in expr.args)
        return out
    raise ModelError(f"cannot write expression {expr!r} as MEF")


def _relative(tree: FaultTree, name: str, scope: str) -> str:
    """``name`` as written inside container ``scope``: MEF resolves a reference in the innermost
    container first (``t.E2`` is ``E2`` inside component ``t``), so the shortest form that no
    nearer definition shadows, else the full path from the fault tree's name."""
    scopes = _scopes(scope)  # innermost first
    for i, outer in enumerate(scopes):
        if outer and not name.startswith(outer + "."):
            continue
        local = name[len(outer) + 1:] if outer else name
        if not any(_scoped(local, nearer) in tree.graph for nearer in scopes[:i]):
            return local
    return f"{_xml_name(tree.name)}.{name}"


def _ref(tree: FaultTree, name: str, scope: str) -> ET.Element:
    kind = tree.graph.nodes[name]["kind"]
    if kind == "house" and name.startswith("CONSTANT/"):
        return ET.Element("constant", value="true" if tree.graph.nodes[name]["state"] else "false")
    tag = {"gate": "gate", "basic": "basic-event", "house": "house-event"}[kind]
    if tree.graph.nodes[name].get("ccf_member"):
        tag = "basic-event"  # a CCF member is a basic event in MEF; it is expanded on reading
    return ET.Element(tag, name=_relative(tree, name, scope))


def _formula_xml(tree: FaultTree, gate: str, scope: str) -> ET.Element:
    """The gate's formula written in container ``scope``; anonymous gates inline, a ``null`` gate
    as its bare argument."""
    data = tree.graph.nodes[gate]
    op = data["op"]
    parts = []
    for child in tree.children(gate):
        anonymous = tree.graph.nodes[child].get("kind") == "gate" and "/" in child and tree.graph.in_degree(child) == 1
        parts.append(_formula_xml(tree, child, scope) if anonymous else _ref(tree, child, scope))
    if op == "null":
        return parts[0]
    # SCRAM 0.16's schema has no imply and no iff: written as (not a) or b, and not (a xor b)
    if op == "imply":
        negated = ET.Element("not")
        negated.append(parts[0])
        parts, op = [negated, parts[1]], "or"
    elif op == "iff":
        inner = ET.Element("xor")
        inner.extend(parts)
        parts, op = [inner], "not"
    out = ET.Element(op, min=str(data["k"])) if op == "atleast" else ET.Element(op)
    out.extend(parts)
    return out


def model_to_xml(tree: FaultTree) -> ET.Element:
    """The model as an ``opsa-mef`` element tree (CCF groups written as groups)."""
    g = tree.graph
    root = ET.Element("opsa-mef")
    ft = ET.SubElement(root, "define-fault-tree", name=_xml_name(tree.name))
    components: dict[str, ET.Element] = {}
    conditional = _inhibit_conditions(tree)
    gate_order = [tree.top] + sorted(n for n in tree.gates if n != tree.top) if tree.top else sorted(tree.gates)
    for gate in gate_order:
        data = g.nodes[gate]
        if data.get("ccf_member") or ("/" in gate and g.in_degree(gate) == 1):
            continue
        parent, local = _container(ft, gate, components)
        el = ET.SubElement(parent, "define-gate", name=local)
        label = data.get("label")
        inputs = tree.children(gate)
        if label == "inhibit" and len(inputs) == 2 and conditional.intersection(inputs):
            _add_flavor(el, "inhibit")  # (else written as the AND it is, which SCRAM accepts)
        elif label:
            ET.SubElement(el, "label").text = label
        el.append(_formula_xml(tree, gate, gate.rpartition(".")[0]))
    for group in tree.ccf_groups:
        el = ET.SubElement(ft, "define-CCF-group", name=group.name, model=group.model)
        members = ET.SubElement(el, "members")
        for m in group.members:
            ET.SubElement(members, "basic-event", name=m)
        ET.SubElement(el, "distribution").append(_expr_xml(group.distribution))
        factors = ET.SubElement(el, "factors")
        for level, expr in group.factors:
            ET.SubElement(factors, "factor", level=str(level)).append(_expr_xml(expr))
    data_el = ET.SubElement(root, "model-data")
    for name in sorted(tree.basic_events):
        if g.nodes[name].get("ccf"):
            continue
        parent, local = _container(ft, name, components) if "." in name else (data_el, name)
        el = ET.SubElement(parent, "define-basic-event", name=local)
        if g.nodes[name].get("label"):
            ET.SubElement(el, "label").text = g.nodes[name]["label"]
        if name in conditional:
            _add_flavor(el, "conditional")
        if tree.events.get(name) is not None:
            el.append(_expr_xml(tree.events[name], name.rpartition(".")[0]))
    for name, state in sorted(tree.house_events.items()):
        if name.startswith("CONSTANT/"):
            continue
        parent, local = _container(ft, name, components) if "." in name else (data_el, name)
        el = ET.SubElement(parent, "define-house-event", name=local)
        ET.SubElement(el, "constant", value="true" if state else "false")
    for name, expr in tree.parameters.items():
        parent, local = _container(ft, name, components) if "." in name else (data_el, name)
        ET.SubElement(parent, "define-parameter", name=local).append(_expr_xml(expr, name.rpartition(".")[0]))
    return root


def _inhibit_conditions(tree: FaultTree) -> set[str]:
    """The basic events to write with ``flavor="conditional"``: those read so, and for an INHIBIT
    gate without one, its last basic-event input (SCRAM wants two inputs, one of them conditional)."""
    g = tree.graph
    marked = {n for n in tree.basic_events if g.nodes[n].get("flavor") == "conditional"}
    out = set(marked)
    for gate in tree.gates:
        if g.nodes[gate].get("label") == "inhibit":
            events = [c for c in tree.children(gate) if g.nodes[c].get("kind") == "basic"]
            if events and not marked.intersection(events):
                out.add(events[-1])
    return out


def _container(ft: ET.Element, name: str, components: dict[str, ET.Element]) -> tuple[ET.Element, str]:
    """Where a definition goes: ``t.E1`` is ``E1`` in private component ``t`` (read back as ``t.E1``)."""
    if "." not in name:
        return ft, name
    path, local = name.rsplit(".", 1)
    if path not in components:
        outer, inner = _container(ft, path, components)
        components[path] = ET.SubElement(outer, "define-component", name=inner, role="private")
    return components[path], local


def _xml_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "FaultTree"


def write_model(tree: FaultTree, path: str | os.PathLike) -> None:
    """Write ``tree`` as an Open-PSA MEF file (gzip-compressed when ``path`` ends in ``.gz``)."""
    root = model_to_xml(tree)
    ET.indent(root)
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "wb") as fh:
                fh.write(data)
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be written ({exc.strerror or exc})") from None


__all__ = ["read_model", "write_model", "model_to_xml", "parse_xml", "MAX_BYTES"]
