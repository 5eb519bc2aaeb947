"""``qemlflow-lint baseline`` and ``check --baseline``: adopting the rules on legacy code.

``baseline`` records today's findings in ``.qemlflow-baseline.json`` (or ``-o FILE``);
``check --baseline FILE`` then reports only the findings that are not recorded.
``baseline --update`` removes what was fixed and never adds anything, and an existing file
is only replaced on request (``--force``): a baseline never grows silently.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TextIO

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.common import add_input_options, analyse, unparseable, write_summary_line
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.model.findings import UNREADABLE_CODE, WHOLE_MODULE, FileResult
from qemlflow_lint.model.paths import posix_path
from qemlflow_lint.model.printable import printable
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.baseline import (
    DEFAULT_FILE,
    Baseline,
    BaselineError,
    Entry,
    compare,
    dumps,
    load,
    record,
    relative_path,
    shrink,
)

#: The file ``baseline`` writes without ``-o``: in the working directory.
DEFAULT_BASELINE = DEFAULT_FILE


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of the ``baseline`` command."""
    add_input_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        default=DEFAULT_BASELINE,
        metavar="FILE",
        help=f"the baseline file (default: {DEFAULT_BASELINE} in the working directory; "
        "paths in it are relative to its folder)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--update",
        action="store_true",
        help="remove the findings of FILE that no longer occur; never add any",
    )
    mode.add_argument("--force", action="store_true", help="record anew, replacing FILE")
    parser.set_defaults(run=run)


def add_baseline_option(
    parser: argparse.ArgumentParser, effect: str = "report only findings not recorded in FILE"
) -> None:
    """The ``--baseline FILE`` option of ``check`` and ``score``; ``effect`` says what it does
    to the command's output."""
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help=f"{effect} (see the baseline command, which writes {DEFAULT_BASELINE} by default)",
    )


def _load(path: str) -> Baseline:
    try:
        return load(path)
    except BaselineError as error:
        raise UsageError(str(error)) from None


def _base_dir(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def _covered(args: argparse.Namespace) -> list[str]:
    """The files and folders named on the command line (standard input aside)."""
    paths: Sequence[str] = args.paths
    return [path for path in paths if path != "-"]


def requested_baseline(args: argparse.Namespace) -> Baseline | None:
    """The baseline named by ``--baseline``, read before any analysis so that a bad file
    fails at once (a usage error), or None without the option."""
    path: str | None = args.baseline
    return None if path is None else _load(path)


def _shown(entry: Entry, base_dir: str) -> str:
    """One vanished entry as a line for the user, its path relative to the working directory."""
    key = entry.key
    path = posix_path(os.path.relpath(os.path.join(base_dir, key.path)))
    times = f" (x{entry.count})" if entry.count > 1 else ""
    source = "the module as a whole" if key.source == WHOLE_MODULE else key.source
    return f"  {path}: {key.code} in {key.scope or '<module>'}{times}: {source}"


def without_baselined(
    args: argparse.Namespace,
    baseline: Baseline | None,
    results: tuple[FileResult, ...],
    *,
    quiet: bool = False,
) -> tuple[FileResult, ...]:
    """``results`` without the findings ``baseline`` accounts for (unchanged without one).

    Tells the user, on standard error, how many findings the baseline matched and which
    recorded ones no longer occur, with the command that removes them (unless ``quiet``).
    """
    if baseline is None:
        return results
    base_dir = _base_dir(args.baseline)
    comparison = compare(baseline, results, base_dir, _covered(args))
    if quiet:
        return comparison.new
    if comparison.vanished:
        fixed = sum(entry.count for entry in comparison.vanished)
        write_summary_line(
            f"{plural(fixed, 'baselined finding')} no longer occur{'s' if fixed == 1 else ''}; "
            f"run `qemlflow-lint baseline --update -o {args.baseline}` with the same paths to remove "
            f"{'it' if fixed == 1 else 'them'}:"
        )
        for entry in comparison.vanished:
            write_summary_line(_shown(entry, base_dir))
    write_summary_line(f"{plural(comparison.matched, 'finding')} matched the baseline {args.baseline}")
    return comparison.new


def _write(path: str, baseline: Baseline) -> None:
    try:
        write_text_atomic(path, dumps(baseline))
    except OSError as error:
        raise UsageError(f"{printable(path)}: cannot write baseline: {error.strerror or error}") from None


def _records_unreadable(baseline: Baseline, result: FileResult, base_dir: str) -> bool:
    """True when ``baseline`` records the unreadable file of ``result`` as such."""
    path = relative_path(result.path, base_dir)
    return any(entry.key.code == UNREADABLE_CODE and entry.key.path == path for entry in baseline.entries)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Record the baseline, or shrink it with ``--update``. A file that cannot be read or
    parsed is recorded as such (QF000), and listed; ``--update`` adds none, and exits 1
    when there is one it does not record."""
    target: str = args.output
    if os.path.lexists(target) and not (args.update or args.force):
        raise UsageError(
            f"{target} already exists; use --update to remove the findings fixed since it was "
            "recorded, or --force to record it anew"
        )
    previous = _load(target) if args.update else None  # before analysing: a bad file fails at once
    results = analyse(args).results
    base_dir = _base_dir(target)
    if previous is None:
        baseline = record(results, base_dir)
        _write(target, baseline)
        write_summary_line(
            f"recorded {plural(baseline.total, 'finding')} "
            f"({plural(len(baseline.entries), 'entry', 'entries')}) in {target}"
        )
    else:
        baseline = shrink(previous, results, base_dir, _covered(args))
        if baseline != previous:
            _write(target, baseline)
        removed = previous.total - baseline.total
        write_summary_line(
            f"removed {plural(removed, 'finding')} that no longer occur{'s' if removed == 1 else ''} "
            f"({plural(len(previous.entries) - len(baseline.entries), 'entry', 'entries')}) from {target}; "
            f"{baseline.total} remain"
        )
        unrecorded = compare(baseline, results, base_dir).new
        new = sum(len(result.findings) for result in unrecorded if result.ok)
        if new:
            write_summary_line(
                f"{plural(new, 'finding')} not in the baseline {'was' if new == 1 else 'were'} not added "
                "(--update never adds; fix them, or record anew with --force)"
            )
    failed = unparseable(results)
    not_recorded = [
        result
        for result in failed
        if previous is not None and not _records_unreadable(baseline, result, base_dir)
    ]
    for result in failed:
        for finding in result.findings:
            out.write(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.text}\n")
    if failed and not not_recorded:
        write_summary_line(
            f"{plural(len(failed), 'file')} could not be read or parsed and {'is' if len(failed) == 1 else 'are'} "
            "recorded as such: check and score --baseline fail on a file that breaks, not on "
            f"{'this one' if len(failed) == 1 else 'these'}"
        )
    elif not_recorded:
        them = "it" if len(not_recorded) == 1 else "them"
        write_summary_line(
            f"{plural(len(not_recorded), 'file')} could not be read or parsed and "
            f"{'is' if len(not_recorded) == 1 else 'are'} "
            f"not in the baseline: --update records nothing new, and check fails on {them}"
        )
        return EXIT_FINDINGS
    return EXIT_CLEAN
