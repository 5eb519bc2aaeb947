"""``graph --format dot``: the import graph for Graphviz (``dot -Tsvg graph.dot -o graph.svg``).

Heavy modules are red octagons; the modules and edges of QF101 chains are orange, the edges
thicker; the edges of QF102 cycles are purple and dashed, and the modules of each plain cycle
sit in a dashed purple box; tests and scripts have a dashed border; the module of
``--module`` a double one. A legend box says so. Every id and label is quoted and escaped;
an edge's tooltip (in SVG) is the ``file:line`` of its import.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from qemlflow_lint.report.graph.view import HEAVY, IMPORT_CYCLE, OWN_PACKAGE, SCRIPT, Edge, GraphView, Node

HEAVY_FILL, HEAVY_LINE = "#f4cccc", "#cc0000"
CHAIN_FILL, CHAIN_LINE = "#fce5cd", "#e69138"
CYCLE_LINE = "#7030a0"

_GRAPH = 'graph [rankdir=LR, fontname="Helvetica", fontsize=10];'
_NODE = (
    'node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#595959", '
    'fontname="Helvetica", fontsize=10];'
)
_EDGE = 'edge [color="#8c8c8c", arrowsize=0.7, fontname="Helvetica", fontsize=9];'


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string: backslashes and quotes escaped, a newline a
    centred line break, other control characters replaced."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = "".join("\ufffd" if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text)
    return '"' + text.replace("\n", "\\n") + '"'


def _attributes(values: Mapping[str, str]) -> str:
    return "[" + ", ".join(f"{key}={quote(value)}" for key, value in values.items()) + "]"


def _node_style(heavy: bool, chain: bool, cycle: bool, script: bool) -> dict[str, str]:
    style: dict[str, str] = {}
    if script:
        style["style"] = "rounded,dashed,filled"
    if heavy:
        style.update(shape="octagon", fillcolor=HEAVY_FILL, color=HEAVY_LINE)
    elif chain:
        style.update(fillcolor=CHAIN_FILL, color=CHAIN_LINE)
    if cycle:
        style.update(color=CYCLE_LINE, penwidth="2")
    return style


def _edge_style(kind: str, chain: bool, cycle: bool) -> dict[str, str]:
    style: dict[str, str] = {}
    if kind == HEAVY:
        style["color"] = HEAVY_LINE
    if chain:
        style.update(color=CHAIN_LINE, penwidth="2.5")
    if cycle:
        style.update(color=CYCLE_LINE, style="dotted" if kind == OWN_PACKAGE else "dashed")
    return style


def _legend() -> list[str]:
    def node(name: str, label: str, style: dict[str, str]) -> str:
        return f"    {quote('legend: ' + name)} {_attributes({'label': label, **style})};"

    def edge(source: str, target: str, label: str, style: dict[str, str]) -> str:
        ends = f"{quote('legend: ' + source)} -> {quote('legend: ' + target)}"
        return f"    {ends} {_attributes({'label': label, **style})};"

    return [
        '  subgraph "cluster_legend" {',
        '    label="legend"; style="dashed"; color="#bfbfbf"; fontsize=9;',
        "    node [fontsize=9];",
        node("library", "library module\nits file", {}),
        node("script", "test or script", _node_style(False, False, False, True)),
        node("heavy", "heavy module", _node_style(True, False, False, False)),
        node("chain", "on a QF101 chain", _node_style(False, True, False, False)),
        node("cycle", "in a QF102 cycle", _node_style(False, False, True, False)),
        edge("chain", "heavy", "heavy chain", _edge_style(HEAVY, True, False)),
        edge("cycle", "library", "import cycle", _edge_style("", False, True)),
        "  }",
    ]


def _node(node: Node, focus: str, indent: str) -> str:
    label = f"{node.name}\n{node.path}" if node.path else node.name
    values = {"label": label, "tooltip": node.path or node.name}
    values.update(_node_style(node.heavy, node.on_heavy_chain, node.in_cycle, node.kind == SCRIPT))
    if node.name == focus:
        values["peripheries"] = "2"
    return f"{indent}{quote(node.name)} {_attributes(values)};"


def _edge(edge: Edge, paths: Mapping[str, str]) -> str:
    values = {"tooltip": f"{paths[edge.source]}:{edge.line}"}
    values.update(_edge_style(edge.kind, edge.on_heavy_chain, edge.in_cycle))
    return f"  {quote(edge.source)} -> {quote(edge.target)} {_attributes(values)};"


def _clusters(view: GraphView, by_name: Mapping[str, Node]) -> Iterable[str]:
    plain = [cycle for cycle in view.cycles if cycle.kind == IMPORT_CYCLE]
    for number, cycle in enumerate(plain, 1):
        yield f"  subgraph {quote(f'cluster_cycle_{number}')} {{"
        yield f'    label="import cycle (QF102)"; style="dashed"; color="{CYCLE_LINE}"; fontcolor="{CYCLE_LINE}";'
        yield from (_node(by_name[name], view.module, "    ") for name in cycle.modules)
        yield "  }"


def render(view: GraphView) -> str:
    """The view as one DOT ``digraph``."""
    by_name = {node.name: node for node in view.nodes}
    clustered = {name for c in view.cycles if c.kind == IMPORT_CYCLE for name in c.modules}
    lines = [
        "// The first-party import graph at import time, by `qemlflow-lint graph`.",
        'digraph "imports" {',
        f"  {_GRAPH}",
        f"  {_NODE}",
        f"  {_EDGE}",
    ]
    if view.nodes:
        lines += _legend()
    lines += [_node(node, view.module, "  ") for node in view.nodes if node.name not in clustered]
    lines += _clusters(view, by_name)
    paths = {node.name: node.path or node.name for node in view.nodes}
    lines += [_edge(edge, paths) for edge in view.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"
