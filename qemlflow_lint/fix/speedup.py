"""The proof of QF001's fix: each entry point's import measured before and after it.

Only the entry points whose planned closure loses a heavy module are measured. An entry
point is imported in fresh child interpreters
(:func:`~qemlflow_lint.measure.figures.measure_figures`), started in its import root with the
root first on ``PYTHONPATH``:

- when ``fix`` writes, before the files are written and again once they are;
- in a dry run, on the tree as it is and on a scratch copy of the root with the fixed texts
  written in (:mod:`~qemlflow_lint.fix.scratch`), which is removed afterwards.

An entry point that does not import here (a missing dependency, a syntax error under this
Python) is not measured, and says why. One that imports before the fix and fails after it is
*broken* by the fix: the caller reports it loudly. ``fix --diff`` measures nothing: it puts
the graph's projection next to the last figures kept for the entry point.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple, Union

from qemlflow_lint.fix.apply import FileFix
from qemlflow_lint.fix.import_deferral.closure import EntryOutcome
from qemlflow_lint.fix.scratch import ScratchError, scratch_copy, top_level_names
from qemlflow_lint.measure.figures import ImportFigures, measure_figures
from qemlflow_lint.measure.importtime import (
    ImportFailure,
    Log,
    Progress,
    child_environment,
    measure_baseline,
    probe,
)
from qemlflow_lint.project.closure import loaded


class MeasureOptions(NamedTuple):
    """How to measure: the interpreter, the runs per import (after one warm-up run), how
    long one import may take, the configured heavy modules, the environment the children
    start from, and where progress messages go."""

    python: str
    runs: int
    timeout: float
    heavy_modules: frozenset[str]
    env: Mapping[str, str]
    progress: Progress | None = None


class Measuring(NamedTuple):
    """The options, with what the interpreter said of its version and the bare interpreter's
    start-up, measured once for the whole run and subtracted from every import."""

    options: MeasureOptions
    version: str
    baseline: tuple[Log, ...]


class Unmeasured(NamedTuple):
    """Why an import has no figures: one line, and whether the import itself failed (rather
    than the measuring around it, such as the scratch copy)."""

    reason: str
    import_failed: bool = True


#: An import's figures, or why there are none.
Measured = Union[ImportFigures, Unmeasured]
#: An entry point where it is measured: its import root and its module name (two projects
#: fixed in one run may each have an ``app``).
Place = tuple[str, str]


def place(outcome: EntryOutcome) -> Place:
    """Where ``outcome``'s entry point is measured: the key of the measurements."""
    return (outcome.root, outcome.entry)


def start(options: MeasureOptions) -> Measuring | Unmeasured:
    """Ask the interpreter its version and time its bare start-up; why not, when it cannot run."""
    try:
        version = probe(options.python, options.env, timeout=options.timeout).version
        bare = child_environment([], options.env)
        baseline = measure_baseline(
            options.python, options.runs, bare, options.timeout, _prefixed(options, "measuring: ")
        )
    except ImportFailure as error:
        return Unmeasured(f"cannot run {options.python} ({error})", import_failed=False)
    return Measuring(options, version, baseline)


def _prefixed(options: MeasureOptions, prefix: str) -> Progress | None:
    show = options.progress
    if show is None:
        return None
    return lambda message: show(f"{prefix}{message}")


def changing(outcomes: Iterable[EntryOutcome]) -> list[EntryOutcome]:
    """The entry points whose planned closure loses a heavy module: the ones measured."""
    return [outcome for outcome in outcomes if outcome.gone]


def measure_import(
    measuring: Measuring, entry: str, root: str, stage: str, *, copy: str | None = None
) -> Measured:
    """``import entry`` measured from ``root`` (or from ``copy``, a scratch copy of it, with
    the original root after it on ``PYTHONPATH``); ``stage`` names it in progress messages."""
    options = measuring.options
    folder = copy or root
    env = child_environment([folder, root] if copy else [root], options.env)
    try:
        return measure_figures(
            options.python,
            entry,
            options.runs,
            env,
            options.timeout,
            options.heavy_modules,
            baseline=measuring.baseline,
            cwd=folder,
            progress=_prefixed(options, f"measuring {stage}: "),
            version=measuring.version,
        )
    except ImportFailure as error:
        return Unmeasured(str(error))


def measure_tree(measuring: Measuring, outcomes: Iterable[EntryOutcome], stage: str) -> dict[Place, Measured]:
    """Each changing entry point measured on the tree as it is on disk, by :func:`place`."""
    return {place(o): measure_import(measuring, o.entry, o.root, stage) for o in changing(outcomes)}


def fixed_texts(fixes: Iterable[FileFix]) -> dict[str, str]:
    """The fixed text of every file the fix changes, by absolute path."""
    return {os.path.abspath(fix.path): fix.fixed for fix in fixes if fix.changed}


def files_under(root: str, paths: Iterable[str]) -> tuple[str, ...]:
    """The ``paths`` inside ``root``'s top-level packages: what ``import`` from there can run."""
    return tuple(sorted(path for path in paths if top_level_names(root, [path])))


def measure_copies(
    measuring: Measuring, outcomes: Iterable[EntryOutcome], fixed: Mapping[str, str], stage: str
) -> dict[Place, Measured]:
    """Each changing entry point measured on a scratch copy of its root with the ``fixed``
    texts written in (one copy per root, removed afterwards), by :func:`place`."""
    by_root: dict[str, list[EntryOutcome]] = {}
    for outcome in changing(outcomes):
        by_root.setdefault(outcome.root, []).append(outcome)
    found: dict[Place, Measured] = {}
    for root, entries in by_root.items():
        try:
            with scratch_copy(root, fixed) as copy:
                for outcome in entries:
                    found[place(outcome)] = measure_import(measuring, outcome.entry, root, stage, copy=copy)
        except ScratchError as error:
            for outcome in entries:
                found[place(outcome)] = Unmeasured(f"no scratch copy: {error}", import_failed=False)
    return found


class Speedup(NamedTuple):
    """One entry point's import before and after the fix, measured."""

    outcome: EntryOutcome
    before: Measured
    #: None when ``before`` failed (nothing to compare with).
    after: Measured | None
    #: The files the fix changes (or changed) that ``import`` from the entry's root can run.
    files: tuple[str, ...] = ()

    @property
    def broken(self) -> bool:
        """True when the import worked before the fix and fails after it."""
        return (
            isinstance(self.before, ImportFigures)
            and isinstance(self.after, Unmeasured)
            and self.after.import_failed
        )

    @property
    def no_longer_loaded(self) -> tuple[str, ...]:
        """The heavy modules the plan has leaving (by its names: ``torch``, ``scipy.stats``)
        that the measured import loaded before the fix and no longer loads."""
        if not isinstance(self.before, ImportFigures) or not isinstance(self.after, ImportFigures):
            return ()
        before, after = self.before.heavy, self.after.heavy
        return tuple(name for name in self.outcome.gone if loaded(name, before) and not loaded(name, after))

    @property
    def still_loaded(self) -> tuple[str, ...]:
        """The heavy modules the plan has leaving that the measured import still loads: what
        loads them is not in the import graph (a dynamic import, a plugin hook …)."""
        if not isinstance(self.after, ImportFigures):
            return ()
        return tuple(name for name in self.outcome.gone if loaded(name, self.after.heavy))


def speedups(
    outcomes: Iterable[EntryOutcome],
    before: Mapping[Place, Measured],
    after: Mapping[Place, Measured],
    changed: Collection[str] = (),
) -> list[Speedup]:
    """The measured entry points, in the outcomes' order; ``changed`` are the paths of the
    files the fix changes."""
    found = []
    for outcome in changing(outcomes):
        if place(outcome) not in before:
            continue
        measured = before[place(outcome)]
        later = after.get(place(outcome)) if isinstance(measured, ImportFigures) else None
        found.append(Speedup(outcome, measured, later, files_under(outcome.root, changed)))
    return found


class Projection(NamedTuple):
    """What ``--diff`` says of an entry point: the heavy modules the graph has leaving, and
    the last figures kept for its import (None when none were)."""

    outcome: EntryOutcome
    last: ImportFigures | None


def projections(outcomes: Iterable[EntryOutcome], kept: Mapping[str, ImportFigures]) -> list[Projection]:
    """The changing entry points with the figures ``kept`` for them."""
    return [Projection(outcome, kept.get(outcome.entry)) for outcome in changing(outcomes)]


def measured_figures(measured: Mapping[Place, Measured]) -> list[ImportFigures]:
    """The figures among ``measured`` (what there is to keep)."""
    return [value for value in measured.values() if isinstance(value, ImportFigures)]
