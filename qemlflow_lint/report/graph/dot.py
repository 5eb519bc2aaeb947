"""``graph --format dot``: the import graph for Graphviz (``dot -Tsvg graph.dot -o graph.svg``).

Modules sit in a box per package, nested as the packages are (third-party modules in one
box of their own), and are labelled with the last
part of their name; the tooltip (in SVG) is the file. A package ``--depth`` drew as one node is
a folder. Heavy modules are red octagons; the modules and edges of QF101 chains are orange,
the edges thicker; the modules and edges of QF102 cycles are purple, the edges dashed; tests
and scripts have a dashed border; the module of ``--module`` a double one. A legend box says
so. Every id and label is quoted and escaped; an edge's tooltip is the ``file:line`` of its
import.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from qemlflow_lint.model.printable import decodable
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.graph.view import HEAVY, OWN_PACKAGE, SCRIPT, Edge, GraphView, Node, packages_of

HEAVY_FILL, HEAVY_LINE = "#f4cccc", "#cc0000"
CHAIN_FILL, CHAIN_LINE = "#fce5cd", "#e69138"
CYCLE_LINE = "#7030a0"
PACKAGE_LINE, PACKAGE_FILL = "#bfbfbf", "#f7f7f7"

_GRAPH = 'graph [rankdir=LR, fontname="Helvetica", fontsize=10];'
_NODE = (
    'node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#595959", '
    'fontname="Helvetica", fontsize=10];'
)
_EDGE = 'edge [color="#8c8c8c", arrowsize=0.7, fontname="Helvetica", fontsize=9];'


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string: backslashes and quotes escaped, a newline a
    centred line break, other control characters replaced, an undecodable byte escaped."""
    text = decodable(text).replace("\\", "\\\\").replace('"', '\\"')
    text = "".join("\ufffd" if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text)
    return '"' + text.replace("\n", "\\n") + '"'


def _attributes(values: Mapping[str, str]) -> str:
    return "[" + ", ".join(f"{key}={quote(value)}" for key, value in values.items()) + "]"


def _node_style(heavy: bool, chain: bool, cycle: bool, script: bool, folder: bool = False) -> dict[str, str]:
    style: dict[str, str] = {"shape": "folder"} if folder else {}
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


def _legend(collapsed: bool) -> list[str]:
    """One table in a corner: what each colour, border and line means."""
    rows = [
        '<td style="rounded">module (its file in the tooltip)</td>',
        '<td style="dashed">test or script</td>',
        f'<td bgcolor="{HEAVY_FILL}" color="{HEAVY_LINE}">heavy module</td>',
        f'<td bgcolor="{CHAIN_FILL}" color="{CHAIN_LINE}">on a QF101 chain</td>',
        f'<td color="{CYCLE_LINE}" border="2">in a QF102 cycle</td>',
        *(["<td>package drawn whole (a folder)</td>"] if collapsed else []),
        f'<td border="0"><font color="{CHAIN_LINE}">&#9473;&#9473;&#9654;</font> heavy chain</td>',
        f'<td border="0"><font color="{CYCLE_LINE}">&#9477;&#9477;&#9654;</font> import cycle</td>',
    ]
    table = "".join(f"<tr>{row}</tr>" for row in rows)
    return [
        '  "legend" [shape=plaintext, fontsize=9, tooltip="legend", label=<'
        f'<table border="0" cellborder="1" cellspacing="3" cellpadding="3">{table}</table>>];'
    ]


def _node(node: Node, focus: str, indent: str) -> str:
    label = node.short_name + (f" ({plural(len(node.modules), 'module')})" if node.modules else "")
    values = {"label": label, "tooltip": node.path or node.name}
    values.update(
        _node_style(node.heavy, node.on_heavy_chain, node.in_cycle, node.kind == SCRIPT, bool(node.modules))
    )
    if node.name == focus:
        values["peripheries"] = "2"
    return f"{indent}{quote(node.name)} {_attributes(values)};"


def _edge(edge: Edge) -> str:
    where = f"{edge.file}:{edge.line}"
    more = edge.imports - 1
    values = {"tooltip": where + (f" (and {plural(more, 'more import')})" if more else "")}
    values.update(_edge_style(edge.kind, edge.on_heavy_chain, edge.in_cycle))
    return f"  {quote(edge.source)} -> {quote(edge.target)} {_attributes(values)};"


def _package_box(
    package: str, packages: Mapping[str, Sequence[Node]], focus: str, indent: str
) -> Iterable[str]:
    """The box of ``package``: its nodes, then the boxes of its subpackages."""
    yield f"{indent}subgraph {quote('cluster_' + package)} {{"
    inner = indent + "  "
    box = {"label": package, "tooltip": package, "style": "rounded,filled"}
    yield inner + "; ".join(f"{key}={quote(value)}" for key, value in box.items()) + ";"
    yield f'{inner}color="{PACKAGE_LINE}"; fillcolor="{PACKAGE_FILL}"; fontcolor="#595959";'
    yield from (_node(node, focus, inner) for node in packages[package])
    for child in sorted(packages):
        if child.rpartition(".")[0] == package:
            yield from _package_box(child, packages, focus, inner)
    yield f"{indent}}}"


def render(view: GraphView) -> str:
    """The view as one DOT ``digraph``."""
    lines = [
        "// The first-party import graph at import time, by `qemlflow-lint graph`.",
        'digraph "imports" {',
        f"  {_GRAPH}",
        f"  {_NODE}",
        f"  {_EDGE}",
    ]
    if view.nodes:
        lines += _legend(any(node.modules for node in view.nodes))
    packages = packages_of(view.nodes)
    lines += [_node(node, view.module, "  ") for node in view.nodes if node.path and not node.package]
    third_party = [node for node in view.nodes if not node.path]
    if third_party:
        lines.append('  subgraph "cluster_third_party" {')
        lines.append(
            f'    label="third-party"; style="rounded"; color="{PACKAGE_LINE}"; fontcolor="#595959";'
        )
        lines += [_node(node, view.module, "    ") for node in third_party]
        lines.append("  }")
    for package in sorted(packages):
        if "." not in package:
            lines += _package_box(package, packages, view.module, "  ")
    lines += [_edge(edge) for edge in view.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"
