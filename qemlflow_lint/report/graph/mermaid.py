"""``graph --format mermaid``: the import graph as a Mermaid ``flowchart LR`` (GitHub, GitLab
and MkDocs Material draw it in Markdown, in a fenced ``mermaid`` block).

Heavy modules are hexagons (class ``heavy``); the links of QF101 chains are thick and
orange, their modules class ``chain``; the links of QF102 cycles are dotted and purple,
their modules class ``cycle``, each plain cycle in a subgraph; tests and scripts are class
``script``, the module of ``--module`` class ``focus``. Node ids are the module names with
every character but letters, digits and ``_`` replaced (``m_`` before first-party modules,
``h_`` before the others, a number after a name that would repeat one); labels are quoted,
every character but letters, digits and ``._-/:(), `` written as a ``#NNN;`` entity code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from qemlflow_lint.report.graph.view import HEAVY, IMPORT_CYCLE, SCRIPT, Edge, GraphView, Node

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
    return '"' + "".join(c if _SAFE.fullmatch(c) else f"#{ord(c)};" for c in text) + '"'


def node_ids(nodes: Iterable[Node]) -> dict[str, str]:
    """A valid, distinct Mermaid id for each node, in node order."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in nodes:
        base = ("m_" if node.path else "h_") + _NOT_ID.sub("_", node.name)
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}_{number}"
        taken.add(candidate)
        ids[node.name] = candidate
    return ids


def _declaration(node: Node, ids: Mapping[str, str]) -> str:
    if node.path:
        return f"{ids[node.name]}[{label(node.name)[:-1]}<br/>{label(node.path)[1:]}]"
    return f"{ids[node.name]}{{{{{label(node.name)}}}}}"


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
    ids = node_ids(view.nodes)
    by_name = {node.name: node for node in view.nodes}
    plain = [cycle for cycle in view.cycles if cycle.kind == IMPORT_CYCLE]
    grouped = {name for cycle in plain for name in cycle.modules}
    lines = [
        "flowchart LR",
        "  %% The first-party import graph at import time, by `qemlflow-lint graph`.",
        "  %% Hexagons: heavy modules. Thick orange links: QF101 chains. Dotted purple: QF102 cycles.",
    ]
    lines += [f"  {_declaration(node, ids)}" for node in view.nodes if node.name not in grouped]
    for number, cycle in enumerate(plain, 1):
        lines.append(f"  subgraph cycle_{number}[{label('import cycle (QF102)')}]")
        lines += [f"    {_declaration(by_name[name], ids)}" for name in cycle.modules]
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
