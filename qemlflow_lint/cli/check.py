"""``qemlflow-lint check``: every finding, one line each (or in a CI format, see
:mod:`qemlflow_lint.report.formats`); exit 1 when there is any.

``--statistics`` prints one line per rule code instead of the findings (as ``ruff check
--statistics`` does), ``--quiet`` keeps standard error for errors and warnings, and
``--exit-zero`` exits 0 whatever was found (a usage or configuration error still exits 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from qemlflow_lint.cli.baseline import add_baseline_option, requested_baseline, without_baselined
from qemlflow_lint.cli.common import (
    add_format_option,
    add_input_options,
    add_output_option,
    analyse,
    emit,
    write_summary_line,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.emitters import emitter
from qemlflow_lint.report.formats import github_step_summary
from qemlflow_lint.report.rule_docs import docs_by_code

#: The formats ``--statistics`` can print in.
STATISTICS_FORMATS = ("text", "json", "markdown")


def configure(check: argparse.ArgumentParser) -> None:
    """The arguments of the ``check`` command."""
    add_input_options(check)
    add_baseline_option(check)
    add_format_option(
        check,
        ("findings",),
        "text",
        "text: flake8-style lines (default); json, markdown (a table per file, for a job summary "
        "or a comment), sarif, github (workflow annotations and $GITHUB_STEP_SUMMARY), gitlab "
        "(Code Quality), junit",
    )
    output = check.add_argument_group("output and exit code")
    add_output_option(output, "the findings")
    output.add_argument(
        "--statistics",
        action="store_true",
        help="instead of the findings, print how many there are of each rule, most frequent first "
        "(with --format text, json or markdown)",
    )
    output.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the findings: no summary lines on standard error (errors and warnings still show)",
    )
    output.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings or unreadable files "
        "(a usage or configuration error still exits 2)",
    )
    check.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse, print the findings (or their statistics) in the chosen format; for text,
    also say how many on standard error unless ``--quiet``."""
    if args.statistics and args.format not in STATISTICS_FORMATS:
        *first, last = STATISTICS_FORMATS
        raise UsageError(f"--statistics prints {', '.join(first)} or {last}, not --format {args.format}")
    baseline = requested_baseline(args)
    results = without_baselined(args, baseline, analyse(args).results, quiet=args.quiet)
    if args.statistics:
        text = render_statistics(results, args.format)
        bare = sum(result.bare_noqa for result in results)
        if bare and args.format in ("text", "markdown"):
            text += (
                f"{plural(bare, 'finding')} hidden by a bare `# noqa` (it silences every code on its "
                "line: name the codes it is for, such as `# noqa: F401`)\n"
            )
    else:
        text = emitter("findings", args.format)(results)
    emit(text, args.output, out, "the findings")
    total = sum(len(result.findings) for result in results)
    if args.format == "text" and not args.quiet:
        write_summary_line(f"{plural(total, 'finding')} in {plural(len(results), 'file')}")
    elif args.format == "github":
        append_step_summary(github_step_summary(results))
    return EXIT_FINDINGS if total and not args.exit_zero else EXIT_CLEAN


def statistics(results: Sequence[FileResult]) -> list[dict[str, Any]]:
    """One entry per rule code found: ``count``, ``code``, ``symbol`` and ``summary``,
    most frequent first (then by code)."""
    counts = Counter(finding.code for result in results for finding in result.findings)
    docs = docs_by_code(counts)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        {"count": count, "code": code, "symbol": docs[code].symbol, "summary": docs[code].summary}
        for code, count in ordered
    ]


def render_statistics(results: Sequence[FileResult], format_name: str) -> str:
    """:func:`statistics` as aligned text lines (``count  code  symbol  summary``), JSON or a
    Markdown table."""
    rows = statistics(results)
    if format_name == "json":
        return json.dumps(rows, indent=2) + "\n"
    if format_name == "markdown":
        table = ["| count | code | symbol | summary |", "|---:|---|---|---|"]
        table += [
            f"| {row['count']} | {row['code']} | `{row['symbol']}` | {row['summary']} |" for row in rows
        ]
        return "\n".join(table) + "\n"
    if not rows:
        return ""
    count_width = max(len(str(row["count"])) for row in rows)
    symbol_width = max(len(row["symbol"]) for row in rows)
    return "".join(
        f"{row['count']:>{count_width}}  {row['code']}  {row['symbol']:<{symbol_width}}  {row['summary']}\n"
        for row in rows
    )


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
