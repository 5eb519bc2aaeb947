"""``qemlflow-lint check``: every finding, one line each (or in a CI format, see
:mod:`qemlflow_lint.report.formats`); exit 1 when there is any."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from qemlflow_lint.cli.baseline import add_baseline_option, requested_baseline, without_baselined
from qemlflow_lint.cli.common import add_input_options, analyse, write_summary_line
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.formats import FORMATS, RENDERERS, github_step_summary


def configure(check: argparse.ArgumentParser) -> None:
    """The arguments of the ``check`` command."""
    add_input_options(check)
    add_baseline_option(check)
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text: flake8-style lines (default); json, sarif, github (workflow "
        "annotations and $GITHUB_STEP_SUMMARY), gitlab (Code Quality), junit",
    )
    check.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse, print the findings in the chosen format (for text, also say how many)."""
    baseline = requested_baseline(args)
    results = without_baselined(args, baseline, analyse(args).results)
    out.write(RENDERERS[args.format](results))
    total = sum(len(result.findings) for result in results)
    if args.format == "text":
        write_summary_line(f"{plural(total, 'finding')} in {plural(len(results), 'file')}")
    elif args.format == "github":
        append_step_summary(github_step_summary(results))
    return EXIT_FINDINGS if total else EXIT_CLEAN


def append_step_summary(markdown: str) -> None:
    """Append a Markdown summary to the file that ``$GITHUB_STEP_SUMMARY`` names, if any.

    A summary that cannot be written is a warning, not a failed check: the annotations
    and the exit code already went out.
    """
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(markdown)
    except OSError as error:
        print(f"qemlflow-lint: warning: cannot write the step summary to {path}: {error}", file=sys.stderr)
