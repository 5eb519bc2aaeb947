"""Fixing the files under some paths: analyse them as ``check`` does, fix only the files
with a fixable finding (the only ones libcst parses), on every core, and write each fixed
file atomically unless it changed on disk since it was read.

A fixed file is written in the encoding it was read in (its BOM kept), through a symbolic
link to its target when that target is inside the project, and never when it is
read-only. A file that could not be written keeps its text, and its fixes are counted as
left, not fixed.

Configuration, excludes and ``# noqa`` are exactly ``check``'s: the analysis is
:func:`~qemlflow_lint.run.api.analyse_paths`. When QF001 fixes remove heavy imports, the
project's import graph is rebuilt from the fixed texts, and the QF101 chains that no
longer exist are reported with the fixes.
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import NamedTuple, Union

from qemlflow_lint.analysis.names.attribute_reads import Readers
from qemlflow_lint.analysis.source import SourceError, decode
from qemlflow_lint.atomic import replace_file_atomic
from qemlflow_lint.fix.apply import FIXABLE, FileFix, FixOptions, fix_text
from qemlflow_lint.fix.edit import physical_lines
from qemlflow_lint.fix.import_deferral.callers import heavy_import_readers
from qemlflow_lint.fix.import_deferral.closure import EntryOutcome
from qemlflow_lint.fix.import_deferral.project_plan import QF001, ProjectPlan, plan_project
from qemlflow_lint.fix.model import NEEDS_UNSAFE, Left, ModulePlan
from qemlflow_lint.model.diff import line_diff
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.paths import display_path, relative_below
from qemlflow_lint.model.printable import printable
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.closure import Closures, loads_too, whole_package
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.api import Analysis, RunOptions, analyse_paths
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.project_rules import apply_project_rules, project_graphs
from qemlflow_lint.run.runner import chunk_size, default_jobs, map_in_processes, on_workers, paused_gc

#: Fewer files than this are fixed in this process, unless the command's workers run:
#: libcst is slow, but a pool is slower to start than a handful of files take.
PARALLEL_THRESHOLD = 8
#: The QF101 code (fixes do not depend on the rule modules).
TRANSITIVE = "QF101"


class Unwritten(NamedTuple):
    """A fixed file that was not written, and why."""

    path: str
    reason: str


class FixRun(NamedTuple):
    """Everything ``fix`` did: one :class:`FileFix` per file that had a fixable finding,
    the QF101 findings (path, message) that the fixes make disappear, the files written
    and those that could not be."""

    files: tuple[FileFix, ...]
    chains_gone: tuple[tuple[str, str], ...] = ()
    written: tuple[str, ...] = ()
    unwritten: tuple[Unwritten, ...] = ()
    #: The files that could not be read or parsed (their QF000 findings).
    unreadable: tuple[FileResult, ...] = ()
    #: What each entry point loads before and after QF001's fixes.
    outcomes: tuple[EntryOutcome, ...] = ()
    #: The findings the fixed texts no longer have, on a re-check of the whole project.
    fixed: int = 0
    #: How many more fixes ``--unsafe-fixes`` would make (0 when it is on).
    more_unsafe: int = 0
    #: Each file written, with its bytes before and after: what :func:`restore` puts back.
    replaced: tuple[tuple[str, bytes, bytes], ...] = ()


def _wants_fixing(result: FileResult, options: FixOptions) -> bool:
    return result.ok and any(
        finding.code in FIXABLE and (options.codes is None or finding.code in options.codes)
        for finding in result.findings
    )


class DecodedFile(NamedTuple):
    """A file's bytes as read, their text, and the codec that turns a fixed text back into
    bytes: ``utf-8-sig`` when they start with a BOM (written again), else the PEP 263
    declaration's, else ``utf-8``."""

    data: bytes
    text: str
    encoding: str


class Fixed(NamedTuple):
    """One file's fix with its bytes: as they were read (``before``) and as the fix would
    write them (``after``, in the file's own encoding; ``before`` when nothing changes)."""

    fix: FileFix
    before: bytes = b""
    after: bytes = b""


#: Why a finding whose fix was made stays in the file: the fixed text could not be written.
NOT_WRITTEN = "the fixed file was not written"
#: Why a finding whose fix was made stays in the file: its encoding lacks a character.
NOT_ENCODABLE = "the fixed text cannot be encoded in the file's encoding"
#: Why a file was not written though nothing failed: someone edited it meanwhile.
CHANGED_MEANWHILE = "it changed on disk while it was being fixed"


def _codec_name(encoding: str) -> str:
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


def decode_for_fixing(data: bytes) -> DecodedFile | str:
    """The text of ``data`` and the encoding to write it back in, or why ``fix`` must not
    rewrite it. The text is the one Python reads (a BOM, then a PEP 263 declaration, then
    UTF-8), and it must encode back to exactly ``data``, so that the bytes outside the
    fixes stay as they are."""
    text = decode(data)
    if isinstance(text, SourceError):
        return f"{text.reason} (line {text.line})"
    # Where the text could be decoded, the encoding can be found.
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    try:
        same = text.encode(encoding) == data
    except UnicodeError:  # a codec that cannot encode what it decoded
        same = False
    if not same:
        return f"its bytes would not be the same once decoded and encoded again in {encoding}"
    return DecodedFile(data, text, encoding)


def read_for_fixing(path: str) -> DecodedFile | str:
    """The bytes of ``path``, their text and encoding (:func:`decode_for_fixing`), or why
    ``fix`` must not rewrite it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return f"cannot read it ({error.strerror or error})"
    return decode_for_fixing(data)


def withdrawn(fix: FileFix, reason: str, *, refused: str = "") -> FileFix:
    """``fix`` undone: the file keeps its text, and each finding it fixed is left for
    ``reason`` (the whole file ``refused``, when given, says why in detail)."""
    partly = {applied.finding for applied in fix.applied}
    left = tuple(Left(applied.finding, reason) for applied in fix.applied)
    left += tuple(item for item in fix.left if item.finding not in partly)
    return FileFix(fix.path, fix.original, fix.original, (), left, refused or fix.refused)


def fix_source(
    source: DecodedFile,
    path: str,
    settings: Settings,
    options: FixOptions,
    project: ModulePlan | None = None,
    analysed: FileResult | None = None,
) -> Fixed:
    """Fix the text of ``source`` (shown as ``path``; ``project`` and ``analysed`` as
    :func:`~qemlflow_lint.fix.apply.fix_text` takes them) and encode the result in its
    encoding. A fixed text with a character that encoding lacks is not a fix: the file
    keeps its bytes, and the refusal names the character."""
    fix = fix_text(source.text, path, settings, options, project, analysed)
    if not fix.changed:
        return Fixed(fix, source.data, source.data)
    try:
        return Fixed(fix, source.data, fix.fixed.encode(source.encoding))
    except UnicodeEncodeError as error:
        character = error.object[error.start : error.end]
        why = f"the fixed text has {character!r}, which {_codec_name(source.encoding)} cannot encode"
        return Fixed(withdrawn(fix, NOT_ENCODABLE, refused=why), source.data, source.data)


def _fix_one(
    path: str,
    settings: Settings,
    options: FixOptions,
    project: ModulePlan | None,
    analysed: FileResult | None,
    write: bool,
) -> Fixed:
    source = read_for_fixing(path)
    if isinstance(source, str):
        return Fixed(FileFix(path, "", "", refused=source))
    fixed = fix_source(source, path, settings, options, project, analysed)
    if not write:  # a dry run writes no bytes: they do not cross back to the parent
        fixed = Fixed(fixed.fix)
    if not (options.diff and fixed.fix.changed):
        return fixed
    return fixed._replace(fix=fixed.fix._replace(diff=file_diff(path, fixed.fix.original, fixed.fix.fixed)))


def file_diff(path: str, original: str, fixed: str) -> str:
    """The unified diff of one file's fix, under ``a/`` and ``b/`` and its displayed path
    (a name that is not UTF-8, escaped); a line ended by a lone ``\\r`` keeps it."""
    shown = printable(display_path(path).replace("\\", "/"))
    return line_diff(
        physical_lines(original), physical_lines(fixed), f"a/{shown}", f"b/{shown}", line_ends=("\n", "\r")
    )


#: A file to fix: its path, settings, options, QF001's plan, its analysis, and whether the
#: fix is to be written.
Task = tuple[str, Settings, FixOptions, Union[ModulePlan, None], Union[FileResult, None], bool]


def _work(chunk: Sequence[Task]) -> list[Fixed]:
    with paused_gc():
        return [_fix_one(*task) for task in chunk]


def _fix_all(tasks: Sequence[Task], workers: int) -> list[Fixed]:
    if not on_workers(len(tasks), workers, PARALLEL_THRESHOLD):
        return _work(tasks)
    # The files with the most findings first (each is planned, fixed and proven finding by
    # finding): a worker that runs out of its own takes the others' last, and least, files.
    order = sorted(range(len(tasks)), key=lambda index: -_findings(tasks[index]))
    ordered = [tasks[index] for index in order]
    size = max(1, chunk_size(len(tasks), workers) // 4)  # files to fix are few and slow
    chunks = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    done = map_in_processes(_work, chunks, workers, [[task[0] for task in chunk] for chunk in chunks])
    fixed: list[Fixed | None] = [None] * len(tasks)
    for index, item in zip(order, done):
        fixed[index] = item
    return [item for item in fixed if item is not None]


def _findings(task: Task) -> int:
    """How many findings the file has, when its analysis came with the task."""
    analysed = task[4]
    return len(analysed.findings) if analysed is not None else 0


def _project_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in all_rules() if rule.project)


def recheck(analysis: Analysis, fixes: Sequence[FileFix], noqa: bool) -> list[FileResult]:
    """Every result as it is once the fixed texts replace the files, the project rules
    (QF101, QF102) recomputed on the import graph rebuilt from them."""
    changed = {fix.path: fix for fix in fixes if fix.changed}
    if not changed:
        return list(analysis.results)
    configs = analysis.settings_by_path
    project = _project_codes()

    def per_file(result: FileResult) -> FileResult:
        """The result without project findings (they are recomputed), from the fixed text."""
        if result.path in changed:
            fix = changed[result.path]
            checked = fix.checked if noqa and fix.checked is not None else None
            result = checked or analyse_source(fix.fixed, result.path, configs[result.path], noqa=noqa)
        findings = tuple(f for f in result.findings if f.code not in project)
        return result._replace(findings=findings)

    return apply_project_rules([per_file(r) for r in analysis.results], configs, noqa=noqa)


def chains_that_disappear(before: Sequence[FileResult], after: Sequence[FileResult]) -> list[tuple[str, str]]:
    """The QF101 findings (path, message) of the modules that have none once fixed: a module
    that still pulls in a heavy module, through another chain, keeps its finding."""
    still = {r.path for r in after for f in r.findings if f.code == TRANSITIVE}
    return sorted(
        (r.path, f.message)
        for r in before
        for f in r.findings
        if f.code == TRANSITIVE and r.path not in still
    )


def findings_gone(before: Sequence[FileResult], after: Sequence[FileResult], codes: Collection[str]) -> int:
    """How many findings of ``codes`` the fixed texts no longer have: per file and rule,
    the findings before less the findings after (never below zero)."""
    counts = Counter((r.path, f.code) for r in after for f in r.findings if f.code in codes)
    gone = Counter((r.path, f.code) for r in before for f in r.findings if f.code in codes)
    gone.subtract(counts)
    return sum(count for count in gone.values() if count > 0)


def outcomes_after(
    planned: Sequence[EntryOutcome], results: Sequence[FileResult], configs: Mapping[str, Settings]
) -> tuple[EntryOutcome, ...]:
    """The planned outcomes with what each entry point loads once the fixed texts replace
    the files (a file whose fix failed its proof keeps its imports)."""
    if not planned:
        return ()
    graphs = project_graphs(results, configs)
    # One closure per graph: a project has an entry point per top-level module (177 in the
    # standard library), each of which used to build its own.
    closures: dict[int, Closures] = {}
    found = []
    for outcome in planned:
        graph = next((g for g in graphs if outcome.entry in g.modules), None)
        if graph is None:
            found.append(outcome)
            continue
        if id(graph) not in closures:
            heavy = {
                h
                for m in graph.modules.values()
                if m.path in configs
                for h in configs[m.path].all_heavy_modules
            }
            closures[id(graph)] = Closures(graph, loads_too(heavy), whole_package)
        after = closures[id(graph)].heavy(outcome.entry)
        staying = tuple(sorted(after))
        blockers = (
            outcome.blockers
            if staying == outcome.after
            else tuple(b for b in outcome.blockers if b.heavy in after)
        )
        found.append(outcome._replace(after=staying, blockers=blockers))
    return tuple(found)


def _project_folder(path: str, settings: Settings, given: Sequence[str]) -> str:
    """The folder a fixed file must stay in: the configuration's, else the given path
    (or the given file's folder) that holds ``path``."""
    if settings.file is not None:
        return settings.project_root
    absolute = os.path.abspath(path)
    for root in map(os.path.abspath, given):
        if relative_below(absolute, root) is not None:
            return root if os.path.isdir(root) else os.path.dirname(root)
    return os.path.dirname(absolute)


def _write(item: Fixed, folder: str) -> str | None:
    """Write one fixed file, through a symbolic link to its target; why not, when it is
    not written."""
    path = item.fix.path
    target = os.path.realpath(path)
    if relative_below(target, os.path.realpath(folder)) is None:
        what = "it is a symbolic link to" if os.path.islink(path) else "a symbolic link on its path leads to"
        return f"{what} {display_path(target)}, outside the project ({os.path.abspath(folder)})"
    try:
        if not os.stat(target).st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
            return "it is read-only"
        if not replace_file_atomic(target, item.after, expected=item.before):
            return CHANGED_MEANWHILE
    except FileNotFoundError:
        return "it was removed while it was being fixed"
    except OSError as error:
        reason = error.strerror or str(error)
        if error.filename == os.path.dirname(target):
            return f"cannot create a temporary file in its folder ({reason})"
        return f"cannot write it ({reason})"
    return None


def write_fixes(
    fixed: Sequence[Fixed], settings_by_path: Mapping[str, Settings], given: Sequence[str]
) -> tuple[tuple[FileFix, ...], list[str], list[Unwritten]]:
    """Write every changed file; returns the fixes as they now stand (a file that was not
    written keeps its text, and the findings it would have fixed are left), the files
    written and those that were not, with why. ``given`` are the paths ``fix`` was
    pointed at: without a configuration, a file must stay below them."""
    fixes: list[FileFix] = []
    written: list[str] = []
    unwritten: list[Unwritten] = []
    for item in fixed:
        fix = item.fix
        if fix.changed:
            folder = _project_folder(fix.path, settings_by_path[fix.path], given)
            reason = _write(item, folder)
            if reason is None:
                written.append(fix.path)
            else:
                unwritten.append(Unwritten(fix.path, reason))
                fix = withdrawn(fix, NOT_WRITTEN)
        fixes.append(fix)
    return tuple(fixes), written, unwritten


def _read_text(path: str) -> str | None:
    read = read_for_fixing(path)
    return None if isinstance(read, str) else read.text


def _plans_imports(options: FixOptions) -> bool:
    """Whether QF001's fix is planned project-wide (not with ``per_finding``)."""
    return not options.per_finding and (options.codes is None or QF001 in options.codes)


def plan_imports(
    analysis: Analysis,
    options: FixOptions,
    jobs: int = 1,
    callers: Callable[[], Mapping[str, Readers]] | None = None,
) -> tuple[ProjectPlan, ProjectPlan] | None:
    """QF001's project-wide plan, and the unsafe mode's (``None`` when QF001 is not fixed, or
    with ``per_finding``); ``callers``, as :func:`plan_project` takes it."""
    if not _plans_imports(options):
        return None
    configs = analysis.settings_by_path
    return plan_project(
        analysis.results,
        configs,
        _read_text,
        unsafe=options.unsafe,
        target=options.target_version,
        named_entries=options.entry_points,
        graphs=project_graphs(analysis.results, configs),
        jobs=jobs,
        readers=options.readers,
        callers=callers,
    )


def _defers(plan: ModulePlan | None) -> bool:
    return plan is not None and plan.choice is not None and bool(plan.choice.chosen)


def fix_paths(
    paths: Sequence[str],
    run: RunOptions,
    options: FixOptions,
    *,
    write: bool,
    analysis: Analysis | None = None,
    before_writing: Callable[[Sequence[EntryOutcome]], object] | None = None,
) -> FixRun:
    """Fix the files under ``paths``; write them when ``write`` (else it is a dry run).
    ``before_writing`` receives QF001's planned outcomes once the fixes are made and before
    any is written (to measure the imports as they are), when something is to be written.

    The cyclic garbage collector is paused meanwhile: the plans, results and texts make no
    reference cycles, and each collection would scan all of them again."""
    with paused_gc():
        return _fix_paths(paths, run, options, write, analysis, before_writing)


def _fix_paths(
    paths: Sequence[str],
    run: RunOptions,
    options: FixOptions,
    write: bool,
    analysis: Analysis | None,
    before_writing: Callable[[Sequence[EntryOutcome]], object] | None,
) -> FixRun:
    analysis = analysis or analyse_paths(paths, run)
    jobs = run.jobs or default_jobs()
    # With --unsafe-fixes, the project's callers are read only when the plan depends on
    # them (see plan_project): a package made lazy keeps every name. The safe plan cannot
    # make a package lazy, and moves names out of modules whenever it cuts a heavy import
    # (it would be decided twice); the per-finding fix asks about every import.
    on_demand = _plans_imports(options) and options.unsafe
    readers = heavy_import_readers(
        analysis.results, analysis.settings_by_path, options.codes, jobs, loaded_only=on_demand
    )
    everyone: list[Mapping[str, Readers]] = []

    def callers() -> Mapping[str, Readers]:
        everyone.append(
            heavy_import_readers(analysis.results, analysis.settings_by_path, options.codes, jobs)
        )
        return everyone[-1]

    options = options._replace(readers=readers)
    plans = plan_imports(analysis, options, jobs, callers if on_demand else None)
    if everyone:
        options = options._replace(readers=everyone[-1])
    project, unsafe_plan = plans if plans is not None else (None, None)
    modules = project.modules if project is not None else {}
    project_codes = _project_codes()

    def own(result: FileResult) -> FileResult | None:
        """The file's analysis without the project rules' findings, when it is ``fix``'s own
        (with ``# noqa`` honoured, as the proof analyses)."""
        if not run.noqa:
            return None
        return result._replace(findings=tuple(f for f in result.findings if f.code not in project_codes))

    def own_options(path: str) -> FixOptions:
        """The options with the readers of this file only: each task crosses to a worker
        process, and the whole project's readers are large."""
        if not options.readers:
            return options
        mine = options.readers.get(path)
        return options._replace(readers={path: mine} if mine is not None else {})

    tasks: list[Task] = [
        (
            result.path,
            analysis.settings_by_path[result.path],
            own_options(result.path),
            modules.get(result.path),
            own(result),
            write,
        )
        for result in analysis.results
        if result.path in analysis.settings_by_path
        and (_wants_fixing(result, options) or _defers(modules.get(result.path)))
    ]
    fixed = _fix_all(tasks, jobs)
    fixes = tuple(item.fix for item in fixed)
    written: list[str] = []
    unwritten: list[Unwritten] = []
    if write and before_writing is not None and project is not None and any(fix.changed for fix in fixes):
        before_writing(project.outcomes)
    if write:
        fixes, written, unwritten = write_fixes(fixed, analysis.settings_by_path, paths)
    unreadable = tuple(result for result in analysis.results if not result.ok)
    after = recheck(analysis, fixes, run.noqa)
    chains = tuple(chains_that_disappear(analysis.results, after))
    codes = (set(FIXABLE) if options.codes is None else set(options.codes)) | {TRANSITIVE}
    gone = findings_gone(analysis.results, after, codes)
    outcomes = outcomes_after(project.outcomes, after, analysis.settings_by_path) if project else ()
    more = _more_with_unsafe(options, fixes, project, unsafe_plan)
    done = set(written)
    replaced = tuple((i.fix.path, i.before, i.after) for i in fixed if i.fix.path in done)
    return FixRun(fixes, chains, tuple(written), tuple(unwritten), unreadable, outcomes, gone, more, replaced)


def restore(run: FixRun) -> list[Unwritten]:
    """Put back the bytes every file the run wrote had before (a file edited since is left
    as it is); the files that could not be restored, and why."""
    failed: list[Unwritten] = []
    for path, before, after in run.replaced:
        try:
            if not replace_file_atomic(path, before, expected=after):
                failed.append(Unwritten(path, CHANGED_MEANWHILE))
        except OSError as error:
            failed.append(Unwritten(path, f"cannot write it ({error.strerror or error})"))
    return failed


def one_file_run(fix: FileFix, settings: Settings, options: FixOptions) -> FixRun:
    """The run of one text fixed on its own (standard input), its findings re-checked."""
    if fix.refused:
        return FixRun((fix,))
    before = analyse_source(fix.original, fix.path, settings)
    after = analyse_source(fix.fixed, fix.path, settings) if fix.changed else before
    codes = set(FIXABLE) if options.codes is None else set(options.codes)
    hidden = sum(1 for left in fix.left if left.reason.startswith(NEEDS_UNSAFE))
    return FixRun(
        (fix,), fixed=findings_gone([before], [after], codes), more_unsafe=0 if options.unsafe else hidden
    )


def _more_with_unsafe(
    options: FixOptions, fixes: Sequence[FileFix], project: ProjectPlan | None, unsafe: ProjectPlan | None
) -> int:
    """How many more fixes ``--unsafe-fixes`` would make: the unsafe fixes of QF002 and
    QF004 left, and the import statements the unsafe plan defers beyond the safe one's."""
    if options.unsafe:
        return 0
    more = sum(
        1
        for fix in fixes
        for left in fix.left
        if left.reason.startswith(NEEDS_UNSAFE) and left.finding.code != QF001
    )
    if project is None or unsafe is None:
        return more + sum(
            1
            for fix in fixes
            for left in fix.left
            if left.reason.startswith(NEEDS_UNSAFE) and left.finding.code == QF001
        )

    def chosen(plan: ProjectPlan) -> int:
        return sum(len(module.choice.chosen) for module in plan.modules.values() if module.choice is not None)

    return more + max(0, chosen(unsafe) - chosen(project))
