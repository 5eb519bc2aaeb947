"""``qemlflow-lint trend``: the score over the git history, without touching the working tree,
the index or HEAD; drops flagged with the commit, files and rules responsible.

What is wrong with the request (no git, not a repository, a shallow clone, a bad revision,
a path that is neither in the working tree nor in any commit scored, an output that cannot
be written) is one line and exit code 2. A path deleted from the working tree but present
in a commit scored is history, and is scored. With ``--fail-on-drop``, a
drop among the commits is exit code 1 (after the trend is written), as findings are for
``check``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.common import (
    add_format_option,
    add_input_options,
    add_output_option,
    config_flags,
    positive_int,
    resolver_from,
    score_points,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.config.loading import overrides_from
from qemlflow_lint.history.analyse import MAX_FILE_SIZE
from qemlflow_lint.history.git import HistoryError, Repository
from qemlflow_lint.history.model import DROP, RULE_DROP
from qemlflow_lint.history.trend import TrendOptions, TrendRun, run_trend
from qemlflow_lint.measure.progress import TerminalProgress
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.emitters import emitter
from qemlflow_lint.run.api import default_cache_dir

#: How many commits are scored when neither ``--max-commits`` nor ``--rev-range`` says.
DEFAULT_MAX_COMMITS = 50
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def file_size(text: str) -> int:
    """A size in bytes: a whole number, optionally followed by K, M or G (KiB, MiB, GiB)."""
    cleaned = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = cleaned[-1:] if cleaned[-1:] in _SIZE_UNITS else ""
    number = cleaned[: len(cleaned) - len(unit)]
    if not number.isdigit():
        raise argparse.ArgumentTypeError(f"expected a size such as 1048576, 512K or 2M, got {text!r}")
    return int(number) * _SIZE_UNITS[unit]


def configure(trend: argparse.ArgumentParser) -> None:
    """The arguments of the ``trend`` command."""
    add_input_options(trend, "the history store and the result cache", stdin=False)
    history = trend.add_argument_group("which commits")
    history.add_argument(
        "--max-commits",
        type=positive_int,
        metavar="N",
        help=f"the N most recent commits (default: {DEFAULT_MAX_COMMITS}; all of --rev-range when it is given)",
    )
    history.add_argument(
        "--rev-range", metavar="A..B", help="the commits of a range (or those before a revision)"
    )
    history.add_argument(
        "--first-parent", action="store_true", help="follow only the first parent of merges (the main line)"
    )
    history.add_argument(
        "--config-from",
        metavar="REV",
        help="score every commit with REV's [tool.qemlflow-lint] (one yardstick, e.g. HEAD); "
        "default: each commit's own configuration",
    )
    output = trend.add_argument_group("output")
    output.add_argument(
        "--drop",
        type=score_points,
        default=DROP,
        metavar="POINTS",
        help=f"flag a fall of the score of at least POINTS (default: {DROP:g})",
    )
    output.add_argument(
        "--rule-drop",
        type=score_points,
        default=RULE_DROP,
        metavar="POINTS",
        help=f"flag one rule losing at least POINTS points of the score while the score does not rise "
        f"(default: {RULE_DROP:g})",
    )
    output.add_argument(
        "--fail-on-drop",
        action="store_true",
        help="exit 1 when the commits have a drop (a gate for a pull request's range)",
    )
    add_format_option(
        output,
        ("trend",),
        "text",
        "text (default): a table, a sparkline and the drops; json: everything (what report --html "
        "reads); csv: one row per commit; markdown: a job summary",
    )
    add_output_option(output, "the trend")
    trend.add_argument(
        "--max-file-size",
        type=file_size,
        default=MAX_FILE_SIZE,
        metavar="SIZE",
        help="score a Python file larger than SIZE (bytes, or with K, M or G) as unreadable instead of "
        f"analysing it (default: {MAX_FILE_SIZE >> 20}M; 0: no limit)",
    )
    trend.set_defaults(run=run)


def options_from(args: argparse.Namespace) -> TrendOptions:
    """The trend the command line asks for."""
    limit = args.max_commits
    if limit is None and args.rev_range is None:
        limit = DEFAULT_MAX_COMMITS
    return TrendOptions(
        cache_dir=args.cache_dir or default_cache_dir(resolver_from(args)),
        paths=tuple(args.paths),
        revisions=args.rev_range,
        max_commits=limit,
        first_parent=args.first_parent,
        threshold=args.drop,
        rule_threshold=args.rule_drop,
        config_from=args.config_from,
        config_file=args.config,
        overrides=(overrides_from(config_flags(args), "command line"),),
        noqa=not args.disable_noqa,
        use_gitignore=not args.no_gitignore,
        force_exclude=args.force_exclude,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        max_file_size=args.max_file_size or None,
    )


def _summary(done: TrendRun) -> str:
    total = len(done.trend.points)
    judged = done.scored + done.stored
    base = " and the one before them" if judged > total else ""
    return (
        f"trend: {total} commit(s){base}: {done.scored} scored now ({done.analysed} file(s) analysed), "
        f"{done.stored} from the store"
    )


def _write(text: str, args: argparse.Namespace, out: TextIO) -> None:
    try:
        if args.output:
            write_text_atomic(args.output, text)
        else:
            out.write(text)
            out.flush()
    except OSError as error:
        if isinstance(error, BrokenPipeError) and not args.output:
            raise  # the reader of standard output went away: main stops quietly
        if not args.output:
            # Nothing more can reach standard output: keep Python's flush at exit from
            # failing again (and turning exit 2 into 120).
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        target = args.output or "standard output"
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Score the history, print it in the chosen format; exit 0, or 1 with
    ``--fail-on-drop`` when there is a drop."""
    if args.config_from is not None and args.config is not None:
        raise UsageError("--config and --config-from both name the configuration: give one")
    progress = TerminalProgress(sys.stderr)
    try:
        done = run_trend(options_from(args)._replace(progress=progress.counted("scoring commits")))
    except HistoryError as error:
        raise UsageError(str(error)) from None
    finally:
        progress.clear()
    _check_paths_scored(args.paths, done)
    _write(emitter("trend", args.format)(done.trend), args, out)
    print(_summary(done), file=sys.stderr)
    return _gate(done, args) if args.fail_on_drop else EXIT_CLEAN


def _existing_folder(path: str) -> str:
    """The nearest folder at or above ``path`` that exists (to ask git from)."""
    folder = os.path.abspath(path)
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    return folder


def _check_paths_scored(paths: Sequence[str], done: TrendRun) -> None:
    """A usage error for a path given that is neither in the working tree nor in any
    commit scored: a typo, which would otherwise read as a history without Python files."""
    for path, root in zip(paths, done.trend.paths):
        if os.path.lexists(path):
            continue
        repository = Repository.containing(_existing_folder(path))
        if not any(
            repository.run(["ls-tree", "--name-only", point.commit, "--", root])
            for point in done.trend.points
        ):
            scored = plural(len(done.trend.points), "commit")
            raise UsageError(
                f"{path}: no such file or directory, in the working tree or in the {scored} scored"
            )


def _gate(done: TrendRun, args: argparse.Namespace) -> int:
    """``--fail-on-drop``'s verdict on standard error, as ``score``'s gates say theirs."""
    drops = done.trend.drops
    if not drops:
        print("PASS: no drop among the commits (--fail-on-drop)", file=sys.stderr)
        return EXIT_CLEAN
    commits = ", ".join(drop.commit[:10] for drop in drops)
    print(
        f"FAIL: {plural(len(drops), 'drop')} among the commits: {commits} (--fail-on-drop)", file=sys.stderr
    )
    return EXIT_FINDINGS
