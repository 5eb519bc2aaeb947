"""``graph --format svg``: the DOT output drawn by Graphviz's ``dot`` program (found on
``PATH``), for a browser: hovering a module shows its file, an edge its ``file:line``."""

from __future__ import annotations

import shutil

from qemlflow_lint.model.programs import ProgramFailure, run_program
from qemlflow_lint.report.graph import dot
from qemlflow_lint.report.graph.view import GraphView

#: How long Graphviz may take, in seconds: a large graph lays out in a few.
TIMEOUT = 120

_MISSING = (
    "--format svg draws the graph with Graphviz's `dot` program, which is not on PATH: install "
    "Graphviz (https://graphviz.org/download/), or write --format dot and render it elsewhere"
)


class GraphvizError(Exception):
    """Graphviz is not installed, or ``dot`` failed; the message says which, in one line."""


def render(view: GraphView) -> str:
    """The view as an SVG document, drawn by ``dot -Tsvg``.

    Raises :class:`GraphvizError` when ``dot`` is not on ``PATH``, fails or takes too long.
    """
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError(_MISSING)
    try:
        done = run_program([program, "-Tsvg"], timeout=TIMEOUT, input_text=dot.render(view), encoding="utf-8")
    except ProgramFailure as failure:
        if failure.timed_out:
            raise GraphvizError(f"Graphviz's dot did not finish within {TIMEOUT} s") from None
        raise GraphvizError(f"Graphviz's dot could not run: {failure}") from None
    if done.returncode != 0:
        reason = next((line for line in done.stderr.splitlines() if line.strip()), "no message")
        raise GraphvizError(f"Graphviz's dot failed (exit {done.returncode}): {reason}")
    return done.stdout
