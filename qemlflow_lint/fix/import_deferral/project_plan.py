"""QF001's fix planned over the whole project: defer only what takes a heavy module out of an
entry point's import, and say what keeps the rest.

1. For every module with a QF001 finding, or with an import-time import of one of the
   project's modules whose import loads a heavy module (an edge of a QF101 chain), the
   per-file planner (:mod:`~qemlflow_lint.fix.import_deferral.import_plans`) says which
   statements it could defer, and why it must leave the others.
2. The deferrable statements are candidates for
   :func:`~qemlflow_lint.fix.import_deferral.closure.select`, over the project's import graph, from its entry points: the top-level packages (and
   modules), plus the modules the user names.
3. Each module gets its :class:`~qemlflow_lint.fix.model.Choice`: the statements to defer,
   and for each other one the reason ("pandas stays in `import pkg`").

The entry points' outcomes (what each loads before and after) are part of the plan, with
the statements that keep each heavy module that stays.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import NamedTuple, Union

from qemlflow_lint.analysis.names.attribute_reads import Readers
from qemlflow_lint.fix.import_deferral.closure import Blocker, EntryOutcome, Selection, select
from qemlflow_lint.fix.import_deferral.import_plans import (
    NOT_NEEDED,
    StatementPlan,
    absolute_module,
    first_party_targets,
    module_facts,
    plan_fixes_both,
    qf001_targets,
)
from qemlflow_lint.fix.model import Choice, Left, ModulePlan
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.closure import Candidate, Closures, Cut, EdgeKey, loaded, loads_too, whole_package
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.run.runner import chunk_size, map_in_processes, on_workers, paused_gc
from qemlflow_lint.run.workers import grouped, parsed

#: The rule whose findings the plan fixes.
QF001 = "QF001"
#: Why a statement in a module no entry point imports stays.
NOT_IMPORTED = "no entry point imports this module at import time"
#: Why a deferrable statement stays while its heavy module stays (``{heavy}``, ``{entry}``).
STAYS_ANYWAY = "saves nothing: {heavy} stays in `import {entry}`"
#: A blocker the plan knows no reason for (a ``# noqa`` line, an ignored rule, a test file).
NOT_REPORTED = "not reported as QF001 (an ignored rule, or a noqa comment)"
#: The order in which :func:`~qemlflow_lint.fix.import_deferral.closure.select` tries to do
#: without a candidate: the project's own imports first, then unsafe deferrals, then safe
#: ones.
_RANK_FIRST_PARTY, _RANK_UNSAFE, _RANK_SAFE = 0, 1, 2


class ProjectPlan(NamedTuple):
    """The plan of every module QF001's fix may edit (by path), and each entry point's outcome."""

    modules: Mapping[str, ModulePlan]
    outcomes: tuple[EntryOutcome, ...] = ()


def entry_points(graph: ImportGraph, named: Iterable[str] = ()) -> list[str]:
    """The modules whose import the plan protects: every library module whose package is
    not part of the project (its top-level packages and modules), and the public library
    modules ``named`` (a name, or a pattern: ``pkg.*`` is every public module of ``pkg``)."""
    found = [
        name
        for name, module in graph.modules.items()
        if module.checked and name.rpartition(".")[0] not in graph.modules
    ]
    patterns = list(named)
    found += [
        name
        for name, module in graph.modules.items()
        if module.checked
        and not any(part.startswith("_") for part in name.split("."))
        and any(fnmatchcase(name, pattern) for pattern in patterns)
    ]
    found += [name for name in patterns if name in graph.modules]
    return sorted(dict.fromkeys(found))


def import_root(graph: ImportGraph, entry: str) -> str:
    """The folder ``import entry`` starts from: above the module's top-level package."""
    path = os.path.abspath(graph.modules[entry].path)
    depth = entry.count(".") + (1 if os.path.basename(path) == "__init__.py" else 0)
    folder = os.path.dirname(path)
    for _ in range(depth):
        folder = os.path.dirname(folder)
    return folder


def _package_of(name: str, path: str) -> str:
    return name if os.path.basename(path) == "__init__.py" else name.rpartition(".")[0]


def module_plans(graph: ImportGraph, closures: Closures) -> dict[str, ModulePlan]:
    """Every module's :class:`ModulePlan` without a choice, by path."""
    reach = frozenset(name for name in graph.modules if closures.heavy(name))
    every = frozenset(graph.modules)
    plans: dict[str, ModulePlan] = {}
    early: dict[str, set[str]] = {}
    for importer in graph.modules.values():
        for statement in importer.statements:
            owner, names = statement.from_own_package
            if owner and importer.name in closures.modules(owner):
                early.setdefault(owner, set()).update(names)
    for name, module in graph.modules.items():
        package = os.path.basename(module.path) == "__init__.py"
        positions = frozenset(
            (s.line, s.col)
            for s in module.statements
            if s.targets and (package or any(t in reach for t in s.targets))
        )
        plans[module.path] = ModulePlan(
            name,
            _package_of(name, module.path),
            every,
            reach,
            positions,
            None,
            package,
            frozenset(early.get(name, ())),
        )
    return plans


class Deferrable(NamedTuple):
    """A statement the per-file planner can defer, in the few facts the project-wide choice
    needs (plain data: it comes back from a worker process)."""

    line: int
    col: int
    #: It imports one of the project's modules (an edge of a QF101 chain), not a heavy one.
    first_party: bool
    unsafe: bool
    #: When some of its names stay: for ``import a.b, c``, the modules the names that stay
    #: still run; for ``from pkg import core, light``, the submodules the moved names are.
    #: ``None`` when the whole statement goes.
    kept: frozenset[str] | None = None
    moved: frozenset[str] | None = None
    #: The names a package's ``__getattr__`` then loads on first access, each with the
    #: module (first-party or heavy) loading it imports.
    exports: tuple[tuple[str, str], ...] = ()
    #: Some of its names leave the module: a file that reads one of them as the module's
    #: attribute would keep it (see :func:`~.callers.outside_readers`).
    callers: bool = False


class Decisions(NamedTuple):
    """One mode's decisions for one module: what can be deferred, and why the rest stays."""

    deferrable: tuple[Deferrable, ...]
    #: (line, column, code, reason) of every statement left.
    left: tuple[tuple[int, int, str, str], ...]


class Decided(NamedTuple):
    """The per-file planner's answers for one module, in the safe and the unsafe mode."""

    path: str
    plan: ModulePlan
    safe: Decisions
    unsafe: Decisions


def _exports(plan: StatementPlan, package: str) -> tuple[tuple[str, str], ...]:
    """The names ``plan`` loads on first access, each with the module loading it imports."""
    statement = plan.statement
    found = []
    for heavy in plan.heavy:
        if not heavy.exported:
            continue
        if isinstance(statement, ast.Import):
            found.append((heavy.name, heavy.alias.name))
            continue
        absolute = absolute_module(statement, package)
        found.append((heavy.name, f"{absolute}.{heavy.alias.name}" if heavy.submodule else absolute))
    return tuple(found)


def _deferrable(plan: StatementPlan, package: str) -> Deferrable:
    first_party = plan.finding.code != QF001
    line, col, unsafe = plan.finding.line, plan.finding.col, bool(plan.unsafe)
    exports = _exports(plan, package)
    # A lazy import keeps every name; a name loaded on first access stays an attribute.
    callers = not plan.lazy and any(not heavy.exported for heavy in plan.heavy)
    if not plan.light:
        return Deferrable(line, col, first_party, unsafe, exports=exports, callers=callers)
    statement = plan.statement
    if isinstance(statement, ast.Import):
        kept = frozenset(parent for alias in plan.light for parent in _parents(alias.name))
        return Deferrable(line, col, first_party, unsafe, kept=kept, exports=exports, callers=callers)
    absolute = absolute_module(statement, package)
    moved = frozenset(f"{absolute}.{heavy.alias.name}" for heavy in plan.heavy)
    return Deferrable(line, col, first_party, unsafe, moved=moved, exports=exports, callers=callers)


def _decisions(plans: Sequence[StatementPlan], left: Sequence[Left], package: str) -> Decisions:
    return Decisions(
        tuple(_deferrable(plan, package) for plan in plans),
        tuple((item.finding.line, item.finding.col, item.finding.code, item.reason) for item in left),
    )


def decide(
    path: str,
    text: str,
    findings: Sequence[Finding],
    plan: ModulePlan,
    target: tuple[int, int] | None,
    readers: Readers | None = None,
) -> Decided | None:
    """What the per-file planner could defer in one module, and why it leaves the rest, in
    both modes (``None`` when the text no longer parses; ``readers``: who else reads its
    names)."""
    tree = parsed(text, path)
    if not isinstance(tree, ast.Module):
        return None
    is_init = os.path.basename(path) == "__init__.py"
    facts = module_facts(
        tree, is_init, target, text, plan.package, plan.first_party, plan.needed_early, readers
    )
    targets = qf001_targets([f for f in findings if f.code == QF001])
    targets += first_party_targets(tree, plan.first_party_imports, plan.module, plan.package, plan.targets)
    safe, unsafe = plan_fixes_both(facts, targets)
    return Decided(path, plan, _decisions(*safe, plan.package), _decisions(*unsafe, plan.package))


#: One module to decide: its path, text, QF001 findings, plan, target Python and readers.
Task = tuple[str, str, tuple[Finding, ...], ModulePlan, Union[tuple[int, int], None], Union[Readers, None]]
#: Fewer modules than this are decided in this process, unless the command's workers run
#: (a pool costs more to start).
PARALLEL_THRESHOLD = 8


def _decide_all(tasks: Sequence[Task]) -> list[Decided | None]:
    with paused_gc():
        return [decide(*task) for task in tasks]


def _decide_everywhere(tasks: Sequence[Task], jobs: int) -> list[Decided]:
    if not on_workers(len(tasks), jobs, PARALLEL_THRESHOLD):
        found = _decide_all(tasks)
    else:
        groups = grouped([task[0] for task in tasks], chunk_size(len(tasks), jobs))
        chunks = [[tasks[i] for i in group] for group in groups]
        found = map_in_processes(_decide_all, chunks, jobs, [[task[0] for task in chunk] for chunk in chunks])
    return [item for item in found if item is not None]


def _cut_edges(closures: Closures, module: str, item: Deferrable) -> frozenset[EdgeKey]:
    """The edges of the graph that deferring a statement cuts: all of the statement's,
    unless some of its names stay (``import a.b, c`` keeps running ``c``; ``from pkg import
    core, light`` keeps running ``pkg``: only ``pkg.core`` is cut)."""
    here = [edge for edge in closures.edges.get(module, ()) if edge[1:3] == (item.line, item.col)]
    if item.kept is not None:
        return frozenset(edge for edge in here if edge[3] not in item.kept)
    if item.moved is not None:
        moved = item.moved
        return frozenset(edge for edge in here if not closures.is_first_party(edge[3]) or edge[3] in moved)
    return frozenset(here)


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


class _Planner:
    """The choice over one project in one mode (see the module docstring)."""

    def __init__(
        self, graph: ImportGraph, closures: Closures, decided: Sequence[Decided], unsafe: bool
    ) -> None:
        self.graph = graph
        self.closures = closures
        self.decided = decided
        self.mode = {d.path: d.unsafe if unsafe else d.safe for d in decided}
        self.reasons: dict[tuple[str, int, int], str] = {}
        for item in decided:
            for line, col, _code, reason in self.mode[item.path].left:
                self.reasons.setdefault((item.plan.module, line, col), reason)

    def candidates(self) -> list[Candidate]:
        found = []
        for item in self.decided:
            module = item.plan.module
            for deferrable in self.mode[item.path].deferrable:
                edges = _cut_edges(self.closures, module, deferrable)
                if not edges:
                    continue
                if deferrable.first_party:
                    rank = _RANK_FIRST_PARTY
                else:
                    rank = _RANK_UNSAFE if deferrable.unsafe else _RANK_SAFE
                lazy = frozenset(
                    (name, target if self.closures.is_first_party(target) else whole_package(target))
                    for name, target in deferrable.exports
                )
                found.append(Candidate(module, deferrable.line, deferrable.col, edges, rank, lazy))
        return found

    def blockers(
        self, heavy: str, edges: Sequence[EdgeKey], movable: set[tuple[str, int, int]]
    ) -> list[Blocker]:
        found = []
        for module, line, col, _ in edges:
            if (module, line, col) in movable:
                continue
            reason = self.reasons.get((module, line, col), NOT_REPORTED)
            found.append(Blocker(heavy, self.graph.modules[module].path, line, reason))
        return sorted(set(found), key=lambda b: (b.path, b.line))

    def choose(self, entries: Sequence[str]) -> tuple[dict[str, Choice], list[EntryOutcome]]:
        candidates = self.candidates()
        selection = select(self.closures, entries, candidates)
        kept = {(c.module, c.line, c.col) for c in selection.kept}
        movable = {(c.module, c.line, c.col) for c in candidates}
        outcomes = [self.outcome(entry, selection, movable) for entry in entries]
        # A package made lazy is made lazy whole: its other imports of the project's modules
        # go with the ones the heavy modules need (each saves its module's import time too).
        lazy_packages = {c.module for c in selection.kept if c.rank == _RANK_FIRST_PARTY and c.lazy}
        companions = [
            c
            for c in candidates
            if c.module in lazy_packages
            and c.rank == _RANK_FIRST_PARTY
            and (c.module, c.line, c.col) not in kept
        ]
        kept |= {(c.module, c.line, c.col) for c in companions}
        whole = Cut.of([*selection.kept, *companions])
        choices: dict[str, Choice] = {}
        for item in self.decided:
            module = item.plan.module
            decisions = self.mode[item.path]
            chosen = frozenset((line, col) for m, line, col in kept if m == module)
            reasons = {
                (d.line, d.col): self.drop_reason(module, d, selection, entries)
                for d in decisions.deferrable
                if (d.line, d.col) not in chosen
            }
            # The reasons of the findings the per-file planner left: a module with nothing
            # chosen is then fixed without planning its imports again.
            for line, col, _code, reason in decisions.left:
                reasons.setdefault((line, col), reason)
            submodules = self.loaded_submodules(module) if chosen else frozenset()
            after = self.closures.modules(module, whole) if submodules else set()
            lazy = frozenset(name for name in submodules if f"{module}.{name}" not in after)
            choices[item.path] = Choice(chosen, reasons, submodules, lazy)
        return choices, outcomes

    def loaded_submodules(self, module: str) -> frozenset[str]:
        """The names of a package's submodules that importing it loads before the plan: each
        is an attribute of the package, and ``from package import *`` gives it."""
        if os.path.basename(self.graph.modules[module].path) != "__init__.py":
            return frozenset()
        return frozenset(
            m.rpartition(".")[2] for m in self.closures.modules(module) if m.rpartition(".")[0] == module
        )

    def outcome(self, entry: str, selection: Selection, movable: set[tuple[str, int, int]]) -> EntryOutcome:
        staying = selection.staying[entry]
        blockers: list[Blocker] = []
        for heavy in sorted(staying):
            blockers += self.blockers(heavy, staying[heavy], movable)
        return EntryOutcome(
            entry,
            import_root(self.graph, entry),
            tuple(sorted(selection.before[entry])),
            tuple(sorted(staying)),
            tuple(blockers),
        )

    def drop_reason(self, module: str, item: Deferrable, selection: Selection, entries: Sequence[str]) -> str:
        """Why a statement the per-file planner could defer stays."""
        runs = [entry for entry in entries if module in selection.closure[entry]]
        if not runs:
            return NOT_IMPORTED
        loads: set[str] = set()
        for edge in _cut_edges(self.closures, module, item):
            loads |= self.closures.loaded_by(edge, selection.cut)
        for entry in runs:
            for heavy in sorted(loads):
                if loaded(heavy, selection.staying[entry]):
                    return STAYS_ANYWAY.format(heavy=heavy, entry=entry)
        return NOT_NEEDED


def plan_project(
    results: Sequence[FileResult],
    configs: Mapping[str, Settings],
    read: Callable[[str], str | None],
    *,
    unsafe: bool,
    target: tuple[int, int] | None,
    named_entries: Sequence[str] = (),
    graphs: Sequence[ImportGraph],
    jobs: int = 1,
    readers: Mapping[str, Readers] | None = None,
    callers: Callable[[], Mapping[str, Readers]] | None = None,
) -> tuple[ProjectPlan, ProjectPlan]:
    """The plan of QF001's fix over every project of ``results`` (one import graph each,
    ``graphs``): the modules' choices and the entry points' outcomes, in the mode asked for
    (``unsafe``) and in the unsafe mode (the same plan when ``unsafe``). ``read`` gives a
    file's text (``None`` when it cannot be read); ``jobs``: the processes to decide in;
    ``readers``, by path, who else reads each module's names.

    ``callers``, when given, gives the readers of the whole project, and ``readers`` holds
    only what the project takes from ``sys.modules``: the modules are decided without the
    callers first, and again with them only when a choice depends on them (a statement
    chosen moves a name out of its module, or an entry point keeps a heavy module, whose
    blockers are then told in full). Otherwise no file of the project is read for its
    callers; a statement nobody needs deferred then gives the plan's reason for staying,
    not a caller."""
    by_path = {result.path: result for result in results}
    projects: list[tuple[ImportGraph, Closures, list[str]]] = []
    tasks: list[Task] = []
    for graph in graphs:
        heavy = {
            h for m in graph.modules.values() if m.path in configs for h in configs[m.path].all_heavy_modules
        }
        closures = Closures(graph, loads_too(heavy), whole_package)
        configured = {
            e for m in graph.modules.values() if m.path in configs for e in configs[m.path].fix_entry_points
        }
        projects.append((graph, closures, entry_points(graph, [*named_entries, *sorted(configured)])))
        for path, plan in module_plans(graph, closures).items():
            result = by_path.get(path)
            if result is None or not result.ok:
                continue
            findings = tuple(f for f in result.findings if f.code == QF001)
            if not (plan.first_party_imports or findings):
                continue
            text = read(path)
            if text is not None:
                tasks.append((path, text, findings, plan, target, (readers or {}).get(path)))
    decided = _decide_everywhere(tasks, jobs)
    plans = _choose(projects, decided, sorted({unsafe, True}))
    if callers is not None and _depends_on_callers(plans, decided):
        everyone = callers()
        tasks = [(*task[:5], everyone.get(task[0])) for task in tasks]
        decided = _decide_everywhere(tasks, jobs)
        plans = _choose(projects, decided, sorted({unsafe, True}))
    return plans[0][1], plans[-1][1]


def _choose(
    projects: Sequence[tuple[ImportGraph, Closures, list[str]]],
    decided: Sequence[Decided],
    modes: Sequence[bool],
) -> list[tuple[bool, ProjectPlan]]:
    """The plan in each mode (``True``: unsafe) of the modules ``decided``."""
    plans = []
    for mode in modes:
        modules: dict[str, ModulePlan] = {}
        outcomes: list[EntryOutcome] = []
        for graph, closures, entries in projects:
            mine = [
                d
                for d in decided
                if d.plan.module in graph.modules and graph.modules[d.plan.module].path == d.path
            ]
            choices, entry_outcomes = _Planner(graph, closures, mine, mode).choose(entries)
            outcomes += entry_outcomes
            for item in mine:
                modules[item.path] = item.plan._replace(choice=choices[item.path])
        plans.append((mode, ProjectPlan(modules, tuple(outcomes))))
    return plans


def _depends_on_callers(plans: Sequence[tuple[bool, ProjectPlan]], decided: Sequence[Decided]) -> bool:
    """True when the project's callers may change a plan: a statement it chose moves a
    name out of its module, or an entry point keeps a heavy module (a caller may be one
    of its blockers)."""
    for mode, plan in plans:
        if any(outcome.after for outcome in plan.outcomes):
            return True
        for item in decided:
            choice = plan.modules[item.path].choice if item.path in plan.modules else None
            if choice is None or not choice.chosen:
                continue
            decisions = item.unsafe if mode else item.safe
            if any(d.callers and (d.line, d.col) in choice.chosen for d in decisions.deferrable):
                return True
    return False
