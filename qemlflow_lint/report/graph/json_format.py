"""``graph --format json``: the nodes, the edges, the QF101 chains and the QF102 cycles.

::

    {"format": "qemlflow-lint-graph", "version": 2, "module": null, "heavy_only": false,
     "depth": null,
     "nodes": [{"name", "path", "kind", "heavy", "in_cycle", "on_heavy_chain", "modules"}, ...],
     "edges": [{"source", "target", "line", "kind", "on_heavy_chain", "in_cycle", "file",
                "imports"}, ...],
     "chains": [{"module", "heavy", "hops": [{"module", "path", "line"}, ...]}, ...],
     "cycles": [{"kind", "modules", "cycle"}, ...]}

``path`` is relative to the project root (``null`` for a module that is not first-party; a
folder, ``/`` at the end, for a package ``depth`` drew as one node, whose ``modules`` it
lists; ``[]`` for a node that is one module); ``line`` is the first line of ``file`` that
makes the import, and ``imports`` how many imports of one module by another the edge stands
for (more than one once ``depth`` merges modules). Node ``kind`` is
``library``, ``script`` (a test, a script, ``__main__.py``) or ``third-party``; edge ``kind``
is ``first-party``, ``heavy`` or ``own-package`` (a submodule's ``from package import Name``
that closes a cycle through the package's ``__init__.py``). ``version`` changes only when
the shape does.
"""

from __future__ import annotations

import json
from typing import Any

from qemlflow_lint.model.printable import SURROGATES
from qemlflow_lint.report.graph.view import GraphView

#: The version of the JSON shape.
VERSION = 2


def as_data(view: GraphView) -> dict[str, Any]:
    """The view as JSON-ready data, keys in a fixed order."""
    return {
        "format": "qemlflow-lint-graph",
        "version": VERSION,
        "module": view.module or None,
        "heavy_only": view.heavy_only,
        "depth": view.depth or None,
        "nodes": [
            {
                "name": node.name,
                "path": node.path or None,
                "kind": node.kind,
                "heavy": node.heavy,
                "in_cycle": node.in_cycle,
                "on_heavy_chain": node.on_heavy_chain,
                "modules": list(node.modules),
            }
            for node in view.nodes
        ],
        "edges": [edge._asdict() for edge in view.edges],
        "chains": [
            {"module": chain.module, "heavy": chain.heavy, "hops": [hop._asdict() for hop in chain.hops]}
            for chain in view.chains
        ],
        "cycles": [
            {"kind": cycle.kind, "modules": list(cycle.modules), "cycle": list(cycle.cycle)}
            for cycle in view.cycles
        ],
    }


def render(view: GraphView) -> str:
    """The view as indented JSON, one trailing newline."""
    text = json.dumps(as_data(view), indent=2, ensure_ascii=False)
    # A file name that is not UTF-8 as a \\udcNN escape: the same name when parsed.
    return SURROGATES.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"
