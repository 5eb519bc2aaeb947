"""The formats of ``qemlflow-lint graph``: the import graph as Graphviz DOT, a Mermaid
flowchart or JSON, each a pure function of a :class:`~qemlflow_lint.report.graph.view.GraphView`,
and SVG, the DOT drawn by Graphviz (:class:`~qemlflow_lint.report.graph.svg.GraphvizError`
when it is missing).

A format's module is imported the first time it is asked for.
"""

from __future__ import annotations

import importlib
from typing import Callable

from qemlflow_lint.report.graph.view import GraphView

#: A graph format: the view in, the whole output out.
GraphRenderer = Callable[[GraphView], str]

#: The formats, in the order ``--help`` lists them.
GRAPH_FORMATS = ("dot", "svg", "mermaid", "json")

#: Each format's module here: its name, except where that would shadow the standard library.
_MODULES = {"dot": "dot", "svg": "svg", "mermaid": "mermaid", "json": "json_format"}


def render_graph(view: GraphView, format_name: str) -> str:
    """``view`` in the format ``format_name`` (one of :data:`GRAPH_FORMATS`)."""
    render: GraphRenderer = importlib.import_module(f"{__name__}.{_MODULES[format_name]}").render
    return render(view)


__all__ = ["GRAPH_FORMATS", "GraphRenderer", "render_graph"]
