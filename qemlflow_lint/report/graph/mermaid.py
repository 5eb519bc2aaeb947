"""``graph --format mermaid``: the import graph as a Mermaid ``flowchart LR`` (GitHub, GitLab
and MkDocs Material draw it in Markdown, in a fenced ``mermaid`` block).

Modules sit in a subgraph per package, nested as the packages are (third-party modules in
one of their own), labelled with the last part of their name; a package ``--depth`` drew as
one node is a subroutine box with its count of modules. Heavy modules are hexagons (class
``heavy``); the links of QF101 chains are thick and orange, their modules class ``chain``;
the links of QF102 cycles are dotted and purple, their modules class ``cycle``; tests and
scripts are class ``script``, the module of ``--module`` class ``focus``. Node ids are the
module names with every character but letters, digits and ``_`` replaced (``m_`` before
first-party modules, ``h_`` before the others, ``p_`` before a package's subgraph, a number
after a name that would repeat one); labels are quoted, every character but letters, digits
and ``._-/:(), `` written as a ``#NNN;`` entity code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from qemlflow_lint.model.printable import decodable
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.graph.view import HEAVY, SCRIPT, Edge, GraphView, Node, packages_of

#: The node classes, as ``classDef`` lines give them.
CLASSES = {
    "heavy": "fill:#f4cccc,stroke:#cc0000",
    "chain": "fill:#fce5cd,stroke:#e69138",
    "cycle": "stroke:#7030a0,stroke-width:2px",
    "script": "stroke-dasharray:5 5",
    "focus": "stroke-width:4px",
}
#: The link colours, as ``linkStyle`` lines give them.
LINKS = {
    "chain": "stroke:#e69138,stroke-width:3px",
    "cycle": "stroke:#7030a0",
    "heavy": "stroke:#cc0000",
}
_SAFE = re.compile(r"[A-Za-z0-9 ._\-/:(),]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_]")


def label(text: str) -> str:
    """``text`` as a quoted Mermaid label: every character that could be read as syntax
    or markup written as its ``#NNN;`` entity code."""
    return '"' + "".join(c if _SAFE.fullmatch(c) else f"#{ord(c)};" for c in decodable(text)) + '"'


def node_ids(nodes: Iterable[Node], packages: Iterable[str] = ()) -> dict[str, str]:
    """A valid, distinct Mermaid id for each node, in node order, then for each package's
    subgraph (keyed ``package:`` and its name)."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    named = [(node.name, ("m_" if node.path else "h_") + _NOT_ID.sub("_", node.name)) for node in nodes]
    named += [(f"package:{name}", "p_" + _NOT_ID.sub("_", name)) for name in packages]
    for name, base in named:
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}_{number}"
        taken.add(candidate)
        ids[name] = candidate
    return ids


def _declaration(node: Node, ids: Mapping[str, str]) -> str:
    if node.modules:
        count = plural(len(node.modules), "module")
        return f"{ids[node.name]}[[{label(f'{node.short_name} ({count})')}]]"
    if node.path:
        return f"{ids[node.name]}[{label(node.short_name)}]"
    return f"{ids[node.name]}{{{{{label(node.name)}}}}}"


def _subgraph(
    package: str, packages: Mapping[str, list[Node]], ids: Mapping[str, str], indent: str
) -> Iterable[str]:
    """The subgraph of ``package``: its nodes, then the subgraphs of its subpackages."""
    yield f"{indent}subgraph {ids['package:' + package]}[{label(package)}]"
    yield from (f"{indent}  {_declaration(node, ids)}" for node in packages[package])
    for child in sorted(packages):
        if child.rpartition(".")[0] == package:
            yield from _subgraph(child, packages, ids, indent + "  ")
    yield f"{indent}end"


def _classes(node: Node, focus: str) -> list[str]:
    classes = ["heavy" if node.heavy else "chain" if node.on_heavy_chain else ""]
    classes += ["cycle" if node.in_cycle else "", "script" if node.kind == SCRIPT else ""]
    classes.append("focus" if node.name == focus else "")
    return [name for name in classes if name]


def _link(edge: Edge) -> tuple[str, str]:
    """The arrow and the link style of an edge ("" for none)."""
    arrow = "==>" if edge.on_heavy_chain else "-.->" if edge.in_cycle else "-->"
    style = (
        "cycle"
        if edge.in_cycle
        else "chain"
        if edge.on_heavy_chain
        else "heavy"
        if edge.kind == HEAVY
        else ""
    )
    return arrow, style


def render(view: GraphView) -> str:
    """The view as one Mermaid flowchart."""
    packages = packages_of(view.nodes)
    ids = node_ids(view.nodes, sorted(packages))
    lines = [
        "flowchart LR",
        "  %% The first-party import graph at import time, by `qemlflow-lint graph`.",
        "  %% Hexagons: heavy modules. Thick orange links: QF101 chains. Dotted purple: QF102 cycles.",
    ]
    lines += [f"  {_declaration(node, ids)}" for node in view.nodes if node.path and not node.package]
    for package in sorted(packages):
        if "." not in package:
            lines += _subgraph(package, packages, ids, "  ")
    third_party = [node for node in view.nodes if not node.path]
    if third_party:
        lines.append(f"  subgraph third_party[{label('third-party')}]")
        lines += [f"    {_declaration(node, ids)}" for node in third_party]
        lines.append("  end")
    styled: dict[str, list[str]] = {}
    for index, edge in enumerate(view.edges):
        arrow, style = _link(edge)
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
        if style:
            styled.setdefault(style, []).append(str(index))
    classed: dict[str, list[str]] = {}
    for node in view.nodes:
        for name in _classes(node, view.module):
            classed.setdefault(name, []).append(ids[node.name])
    lines += [f"  classDef {name} {CLASSES[name]}" for name in CLASSES if name in classed]
    lines += [f"  class {','.join(classed[name])} {name}" for name in CLASSES if name in classed]
    lines += [f"  linkStyle {','.join(styled[name])} {LINKS[name]}" for name in LINKS if name in styled]
    return "\n".join(lines) + "\n"
