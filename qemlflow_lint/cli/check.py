"""``qemlflow-lint check``: every finding, one line each; exit 1 when there is any."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from qemlflow_lint.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    add_input_options,
    analyse,
    plural,
    write_summary_line,
)


def register(commands: Any) -> None:
    """Add the ``check`` command."""
    check = commands.add_parser("check", help="report findings, flake8-style; exit 1 when any")
    add_input_options(check)
    check.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse, print ``path:line:col: CODE message`` lines, and say how many."""
    results = analyse(args).results
    total = 0
    for result in results:
        for finding in result.findings:
            out.write(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.text}\n")
        total += len(result.findings)
    write_summary_line(f"{plural(total, 'finding')} in {plural(len(results), 'file')}")
    return EXIT_FINDINGS if total else EXIT_CLEAN
