"""``qemlflow-lint fix``: apply the automatic fixes, safe ones by default, and say what
was left and why.

``--diff`` prints a unified diff and ``--check`` the fixes that would be made; neither
writes anything, and both exit 1 when something would change. ``fix -`` reads a buffer on
standard input and prints it fixed (the whole buffer, changed or not, in its own encoding),
for editors. ``--exit-non-zero-on-fix`` exits 1 when a file was changed (the pre-commit
hook uses it). A fixed file that could not be written makes ``fix`` exit 2.

When QF001's fix takes heavy modules out of an entry point's import, that import is measured
before and after (:mod:`~qemlflow_lint.fix.speedup`; ``--no-measure`` skips it), and a fix
that breaks it exits 1 whatever the mode (2 still wins). ``--diff`` measures nothing: it shows
the last figures kept.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from qemlflow_lint.cli.common import (
    add_input_options,
    add_output_option,
    check_paths_exist,
    emit,
    resolver_from,
    run_options,
    write_summary_line,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, EXIT_NOT_WRITTEN, UsageError
from qemlflow_lint.cli.importtime import add_interpreter_options
from qemlflow_lint.config.line_length import line_length
from qemlflow_lint.config.loading import project_root, requires_python
from qemlflow_lint.fix.apply import FIXABLE, FileFix, FixOptions
from qemlflow_lint.fix.import_deferral.callers import buffer_readers
from qemlflow_lint.fix.import_deferral.closure import EntryOutcome
from qemlflow_lint.fix.infer import InferError, infer_signatures
from qemlflow_lint.fix.model import InferredSignature
from qemlflow_lint.fix.on_disk import (
    Fixed,
    FixRun,
    decode_for_fixing,
    fix_paths,
    fix_source,
    one_file_run,
    restore,
)
from qemlflow_lint.fix.speedup import (
    Measured,
    MeasureOptions,
    Measuring,
    Place,
    Speedup,
    Unmeasured,
    changing,
    fixed_texts,
    measure_copies,
    measure_tree,
    measured_figures,
    place,
    projections,
    speedups,
    start,
)
from qemlflow_lint.fix.summary import finding_lines, projection_lines, speedup_lines, summary, unified_diff
from qemlflow_lint.measure.figures import ImportFigures
from qemlflow_lint.measure.importtime import ImportFailure, probe
from qemlflow_lint.measure.last_measured import LastMeasured, open_kept
from qemlflow_lint.measure.progress import TerminalProgress
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.words import plural
from qemlflow_lint.run.api import STDIN, Analysis, analyse_paths, default_cache_dir
from qemlflow_lint.run.runner import default_jobs
from qemlflow_lint.run.workers import shared_workers

#: Fresh interpreters per measured import. ``fix`` measures each changed entry point twice
#: and the figure confirms a change of several times, not a budget (``importtime --budget``
#: is the gate): the median of three already ignores one slow start.
MEASURE_RUNS = 3
#: How long one measured import may take, in seconds.
MEASURE_TIMEOUT = 120.0

#: The rule ``--infer`` completes.
QF002 = "QF002"
#: ``py39`` … ``py315``.
_TARGET = re.compile(r"py3(\d{1,2})")


def configure(fix: argparse.ArgumentParser) -> None:
    """The arguments of the ``fix`` command."""
    add_input_options(fix, stored="the result cache and the last import-time measurements")
    mode = fix.add_argument_group("what to fix").add_mutually_exclusive_group()
    mode.add_argument(
        "--diff",
        action="store_true",
        help="print the changes as a unified diff; write nothing (exit 1 if any)",
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="print the fixes that would be made; write nothing (exit 1 if any)",
    )
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply the fixes that may change behaviour a caller could notice (see `explain CODE`)",
    )
    fix.add_argument(
        "--target-version",
        metavar="VERSION",
        type=_target_version,
        help="the oldest Python the code must run on, e.g. py39 or py315 "
        "(default: the project's requires-python); py315 allows `lazy import`",
    )
    fix.add_argument(
        "--infer",
        action="store_true",
        help="QF002: complete signatures from mypy's suggestions (dmypy suggest; needs mypy), "
        "never with Any; unsafe, so it implies --unsafe-fixes",
    )
    fix.add_argument(
        "--entry-point",
        metavar="MODULE",
        action="append",
        default=[],
        dest="entry_points",
        help="QF001: a module (or pattern: pkg.*) whose import must lose its heavy modules too, "
        "besides the top-level packages (repeat it; [tool.qemlflow-lint.fix] entry-points in the configuration)",
    )
    fix.add_argument(
        "--per-finding",
        action="store_true",
        help="QF001: fix every finding that can be fixed, even when the heavy module stays "
        "in every entry point's import (by default only the deferrals that take it out)",
    )
    measuring = fix.add_argument_group("measuring the outcome (QF001)")
    measuring.add_argument(
        "--measure",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="import each entry point whose import the fix changes, in fresh interpreters, before and "
        "after the fix (on a scratch copy with --check), and report the times, modules and heavy "
        "modules (default: on, except with --diff and for standard input)",
    )
    add_interpreter_options(measuring, runs=MEASURE_RUNS, timeout=MEASURE_TIMEOUT)
    fix.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when a file was changed (pre-commit hooks fail on changes)",
    )
    add_output_option(fix, "what fix prints (the diff with --diff, else the fixes made or left)")
    fix.set_defaults(run=run)


def _target_version(value: str) -> tuple[int, int]:
    match = _TARGET.fullmatch(value)
    if not match:
        raise argparse.ArgumentTypeError(f"expected a version such as py39 or py315, got {value!r}")
    return (3, int(match.group(1)))


def _options(args: argparse.Namespace, where: str) -> FixOptions:
    resolver = resolver_from(args)
    settings = resolver.for_path(where)
    codes = frozenset(code for code in FIXABLE if settings.is_enabled_for(code, where))
    target = args.target_version or requires_python(os.path.dirname(os.path.abspath(where)) or os.curdir)
    folder = where if os.path.isdir(where) else os.path.dirname(os.path.abspath(where))
    return FixOptions(
        unsafe=args.unsafe_fixes or args.infer,
        codes=codes,
        target_version=target,
        per_finding=args.per_finding,
        entry_points=tuple(args.entry_points),
        line_length=line_length(project_root(folder)),
        diff=args.diff,
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Fix the files (or the buffer on standard input) and report."""
    paths: list[str] = args.paths
    check_paths_exist(paths)
    if STDIN in paths:
        if args.output is not None and not args.diff:
            raise UsageError(
                "fix - prints the fixed buffer on standard output: -o takes only what --diff prints"
            )
        if len(paths) > 1:
            raise UsageError("fix - reads one buffer from standard input: name no other path")
        if args.infer:
            raise UsageError("--infer asks mypy about files on disk: it does not read standard input")
        if args.measure:
            raise UsageError("--measure imports the package from disk: fix - measures nothing")
        return _run_stdin(args, out)
    options = _options(args, paths[0] if os.path.isdir(paths[0]) else os.path.dirname(paths[0]) or os.curdir)
    dry_run = args.diff or args.check
    if args.diff and args.measure:
        raise UsageError("--diff measures nothing (it shows the last figures kept): measure with --check")
    measuring = args.measure is not False and not args.diff
    if measuring and args.python != sys.executable:
        _check_interpreter(args)  # before anything is written
    run = run_options(args)
    # One set of workers for every pass: each keeps the trees of the files it analysed.
    with shared_workers(run.jobs or default_jobs()):
        analysis = analyse_paths(paths, run)
        if args.infer:
            options = options._replace(inferred=_inferred(analysis, paths, options))
        proof = _Proof(args, analysis) if measuring else None
        before_writing = proof.before_writing if proof is not None and not dry_run else None
        result = fix_paths(
            paths, run, options, write=not dry_run, analysis=analysis, before_writing=before_writing
        )
        printed = unified_diff(result.files) if args.diff else finding_lines(result.files, result.chains_gone)
    emit(printed, args.output, out, "the fixes")
    write_summary_line(summary(result, dry_run=dry_run).rstrip("\n"))
    if args.diff:
        for line in projection_lines(projections(result.outcomes, _kept_figures(args, result.outcomes))):
            write_summary_line(line)
    broken = False
    if proof is not None:
        found = proof.after_fixing(result, dry_run=dry_run)
        broken = any(speedup.broken for speedup in found)
        # A written fix that breaks an import is undone: every file it wrote gets its bytes back.
        failed = restore(result) if broken and not dry_run else []
        for line in speedup_lines(found, dry_run=dry_run):
            write_summary_line(line)
        if broken and not dry_run:
            kept = len(result.replaced) - len(failed)
            write_summary_line(f"Restored {plural(kept, 'file')}: the fix is undone.")
            for item in failed:
                write_summary_line(f"Not restored: {display_path(item.path)}: {item.reason}")
    code = _exit_code(args, result)
    return EXIT_FINDINGS if broken and code == EXIT_CLEAN else code


def _check_interpreter(args: argparse.Namespace) -> None:
    """A usage error when ``--python`` cannot be run."""
    try:
        probe(args.python, os.environ, timeout=args.timeout)
    except ImportFailure as error:
        raise UsageError(f"--python {args.python}: {error}") from None


def _cache_dir(args: argparse.Namespace) -> str:
    return str(args.cache_dir or default_cache_dir(resolver_from(args)))


def _kept_figures(args: argparse.Namespace, outcomes: Sequence[EntryOutcome]) -> dict[str, ImportFigures]:
    """The last figures kept for the entry points the fix changes (none with ``--no-cache``)."""
    entries = [outcome.entry for outcome in changing(outcomes)]
    kept = None if args.no_cache or not entries else open_kept(_cache_dir(args))
    if kept is None:
        return {}
    try:
        return {entry: figures for entry in entries if (figures := kept.get(entry)) is not None}
    finally:
        kept.close()


class _Proof:
    """The measured imports of one ``fix`` run: the tree before it is written (from
    :func:`fix_paths`), then the tree after, or a scratch copy of it in a dry run."""

    def __init__(self, args: argparse.Namespace, analysis: Analysis) -> None:
        self.args = args
        self.progress = TerminalProgress(sys.stderr)
        heavy = frozenset(
            h for settings in analysis.settings_by_path.values() for h in settings.all_heavy_modules
        )
        self.options = MeasureOptions(
            args.python, args.runs, args.timeout, heavy, os.environ, self.progress.show
        )
        self.started: Measuring | Unmeasured | None = None
        self.before: dict[Place, Measured] = {}

    def _measuring(self) -> Measuring | Unmeasured:
        if self.started is None:
            self.started = start(self.options)
        return self.started

    def _measure_tree(self, outcomes: Sequence[EntryOutcome], stage: str) -> dict[Place, Measured]:
        measuring = self._measuring()
        if isinstance(measuring, Unmeasured):
            return {place(outcome): measuring for outcome in changing(outcomes)}
        try:
            return measure_tree(measuring, outcomes, stage)
        finally:
            self.progress.clear()

    def before_writing(self, outcomes: Sequence[EntryOutcome]) -> None:
        """Measure the entry points that the fix changes, before it writes anything."""
        if changing(outcomes):
            self.before = self._measure_tree(outcomes, "before the fix")

    def after_fixing(self, result: FixRun, *, dry_run: bool) -> list[Speedup]:
        """Measure the entry points again, after the fix (a dry run's on a scratch copy, after
        measuring the tree as it is); keep the figures of the tree as it now is."""
        outcomes = changing(result.outcomes)
        if not outcomes:
            return []
        if dry_run:
            self.before = self._measure_tree(outcomes, "as it is")
        importable = [o for o in outcomes if isinstance(self.before.get(place(o)), ImportFigures)]
        measuring = self._measuring()
        after: dict[Place, Measured] = {}
        if importable and isinstance(measuring, Measuring):
            try:
                if dry_run:
                    after = measure_copies(measuring, importable, fixed_texts(result.files), "after the fix")
                else:
                    after = measure_tree(measuring, importable, "after the fix")
            finally:
                self.progress.clear()
        self._keep(measured_figures(self.before if dry_run else after))
        changed = [f.path for f in result.files if f.changed] if dry_run else list(result.written)
        return speedups(outcomes, self.before, after, changed)

    def _keep(self, figures: Sequence[ImportFigures]) -> None:
        """Keep the figures of the tree as it is on disk, for ``fix --diff``."""
        if self.args.no_cache or not figures:
            return
        kept = LastMeasured(_cache_dir(self.args))
        try:
            for one in figures:
                kept.keep(one)
        finally:
            kept.close()


def _inferred(
    analysis: Analysis, paths: list[str], options: FixOptions
) -> Mapping[str, Mapping[str, InferredSignature]]:
    """mypy's suggestions for the defs QF002 reports (when QF002 is fixed at all)."""
    if options.codes is not None and QF002 not in options.codes:
        return {}
    targets = {
        result.path: [finding for finding in result.findings if finding.code == QF002]
        for result in analysis.results
        if result.ok
    }
    write_summary_line(
        f"asking mypy for {plural(sum(map(len, targets.values())), 'signature')} (dmypy suggest)"
    )
    try:
        return infer_signatures(targets, paths, cwd=os.getcwd())
    except InferError as error:
        raise UsageError(str(error)) from None


def _exit_code(args: argparse.Namespace, result: FixRun) -> int:
    if result.unwritten:
        return EXIT_NOT_WRITTEN
    changed = any(file.changed for file in result.files)
    if (args.diff or args.check or args.exit_non_zero_on_fix) and changed:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _run_stdin(args: argparse.Namespace, out: TextIO) -> int:
    """Print the buffer fixed, in the encoding it declares (its BOM kept); unchanged when
    nothing applies, or it cannot be parsed or its fix encoded. The summary goes to
    standard error."""
    name = args.stdin_filename
    options = _options(args, name)
    data = sys.stdin.buffer.read()
    settings = resolver_from(args).for_path(name)
    if settings.is_excluded(name):
        return _print_bytes(out, data)
    source = decode_for_fixing(data)
    if isinstance(source, str):
        fixed = Fixed(FileFix(name, "", "", refused=source), data, data)
    else:
        options = options._replace(readers=buffer_readers(source.text, name, settings, options.codes))
        fixed = fix_source(source, name, settings, options)
    result = one_file_run(fixed.fix, settings, options)
    printed = EXIT_CLEAN
    if args.diff:
        emit(unified_diff(result.files), args.output, out, "the diff")
    else:
        printed = _print_bytes(out, fixed.after)
    write_summary_line(summary(result, dry_run=True).rstrip("\n"))
    return printed or _exit_code(args, result)


def _print_bytes(out: TextIO, data: bytes) -> int:
    """Write ``data`` to standard output byte for byte; the exit code: clean, or not
    written (said on standard error)."""
    try:
        out.flush()
        out.buffer.write(data)
        out.buffer.flush()
    except BrokenPipeError:
        raise  # the reader went away: the command stops quietly
    except OSError as error:
        write_summary_line(f"Not written: standard output: {error.strerror or error}")
        _drop_unwritten(out)
        return EXIT_NOT_WRITTEN
    return EXIT_CLEAN


def _drop_unwritten(out: TextIO) -> None:
    """Point standard output at the null device, so that the bytes it could not write are not
    tried again (and reported as a crash) when the interpreter exits."""
    try:
        descriptor = out.fileno()
    except (OSError, ValueError):
        return  # not a real file: nothing is flushed at exit
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)
