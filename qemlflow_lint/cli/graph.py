"""``qemlflow-lint graph``: the first-party import graph at import time, as Graphviz DOT, a
Mermaid flowchart or JSON (see :mod:`qemlflow_lint.report.graph`).

The graph is the one ``check`` runs QF101 and QF102 on, from the same analysis: the same
configuration, excludes and library scope. Files that cannot be parsed are left out quietly
(``check`` reports them as QF000); ``--show-outside`` names each. Exit 0 when the graph was
written, an empty one included (a tree without Python files: a note on standard error says
so); 2 for a usage error: a path that does not exist, standard input, an unknown
``--module``, an output file that cannot be written, ``--format svg`` without Graphviz.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.common import (
    add_format_option,
    add_input_options,
    add_output_option,
    analyse,
    positive_int,
    unparseable,
    write_summary_line,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, UsageError
from qemlflow_lint.model.printable import printable
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.emitters import emitter
from qemlflow_lint.report.graph.svg import GraphvizError
from qemlflow_lint.report.graph.view import THIRD_PARTY, GraphView, UnknownModule, graph_view
from qemlflow_lint.run.api import STDIN


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of the ``graph`` command."""
    add_input_options(parser, stdin=False)
    shown = parser.add_argument_group("what the graph shows")
    add_format_option(
        shown,
        ("graph",),
        "dot",
        "dot: Graphviz (default; `dot -Tsvg`), svg: drawn by Graphviz's dot (installed), "
        "mermaid: a flowchart for Markdown, json: nodes, edges, chains and cycles",
    )
    shown.add_argument(
        "--heavy-only",
        action="store_true",
        help="only the paths to heavy modules: each module's shortest import chain to one (QF101's), "
        "and the heavy modules at their ends",
    )
    shown.add_argument(
        "--depth",
        type=positive_int,
        default=0,
        metavar="N",
        help="draw each package at depth N (`a.b` is 2) as one node, with every module below it",
    )
    shown.add_argument(
        "--module",
        metavar="MODULE",
        default="",
        help="only MODULE and what it imports at import time, transitively (MODULE marked)",
    )
    shown.add_argument(
        "--all-modules",
        action="store_true",
        help="tests, scripts and __main__.py too (by default: library modules and what they import)",
    )
    parser.add_argument(
        "--show-outside",
        action="store_true",
        help="name each file left out of the graph because it cannot be read or parsed",
    )
    add_output_option(parser, "the graph")
    parser.set_defaults(run=run)


def _check_paths(paths: Sequence[str]) -> None:
    if STDIN in paths:
        raise UsageError("graph reads files: standard input ('-') has no place in a project's import graph")


def graph_summary(view: GraphView) -> str:
    """One line: how many modules, heavy modules, chains and cycles the graph shows."""
    first_party = sum(len(node.modules) or 1 for node in view.nodes if node.kind != THIRD_PARTY)
    heavy = sum(node.heavy for node in view.nodes)
    return (
        f"{plural(first_party, 'module')}, {plural(heavy, 'heavy module')}, "
        f"{plural(len(view.chains), 'heavy chain')}, {plural(len(view.cycles), 'import cycle')}"
    )


def _why_empty(args: argparse.Namespace, analysed: bool) -> str:
    """One line on why the graph has no node: no files, no module that reaches a heavy one,
    or only tests and scripts."""
    under = " ".join(args.paths)
    if not analysed:
        return f"no Python files under {under}: the graph is empty"
    if args.heavy_only:
        if args.module:
            return f"{args.module} imports no heavy module at import time, not even through others: the graph is empty"
        return (
            f"no module under {under} imports a heavy module at import time through another of its modules: "
            "the graph is empty"
        )
    hint = "" if args.all_modules else " (--all-modules adds tests and scripts)"
    return f"no library modules under {under}: the graph is empty{hint}"


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse, build the view the options ask for, write it."""
    _check_paths(args.paths)
    analysis = analyse(args)
    outside = unparseable(analysis.results)
    for result in outside if args.show_outside else ():
        reason = result.findings[0].message if result.findings else result.error
        write_summary_line(f"qemlflow-lint: warning: {result.path} is not in the graph: {reason}")
    try:
        view = graph_view(
            analysis.results,
            analysis.settings_by_path,
            module=args.module,
            heavy_only=args.heavy_only,
            everything=args.all_modules,
            depth=args.depth,
        )
    except UnknownModule as error:
        raise UsageError(str(error)) from None
    if not view.nodes:
        write_summary_line(f"qemlflow-lint: {_why_empty(args, bool(analysis.results))}")
    try:
        text = emitter("graph", args.format)(view)
    except GraphvizError as error:
        raise UsageError(str(error)) from None
    if args.output is None:
        out.write(text)
        return EXIT_CLEAN
    try:
        write_text_atomic(args.output, text)
    except OSError as error:
        raise UsageError(
            f"{printable(args.output)}: cannot write the graph: {error.strerror or error}"
        ) from None
    left_out = ""
    if outside and not args.show_outside:
        left_out = (
            f"; {plural(len(outside), 'file')} that cannot be parsed left out (--show-outside names them)"
        )
    write_summary_line(f"wrote {args.output}: {graph_summary(view)}{left_out}")
    return EXIT_CLEAN
